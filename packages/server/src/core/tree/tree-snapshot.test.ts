import type { Acl, CreateRequest, MultiOp } from '@zoo/client/protocol';
import { AssertionError, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '@zoo/client/protocol';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PendingChanges } from '../prep/pending-changes.js';
import type { PrepContext, WriteRequest } from '../prep/prep-context.js';
import { prepareCloseSession, prepareDeleteContainer, prepareWrite } from '../prep/prepare-request.js';
import type { Txn } from '../txn.js';
import { DataTree } from './data-tree.js';
import { describeSnapshot, type SnapshotNode } from './tree-snapshot.js';

const sessions = [0x0100000000000001n, 0x0100000000000002n];
const acls: Acl[][] = [
  [...OPEN_ACL_UNSAFE],
  [...OPEN_ACL_UNSAFE],
  [...READ_ACL_UNSAFE],
  [{ perms: 31 & ~8, id: { scheme: 'world', id: 'anyone' } }],
];
const options = { extendedTypesEnabled: true, skipAcl: false, packetBytesMax: 0xfffff };

type Step =
  | { kind: 'write'; request: WriteRequest; session: number }
  | { kind: 'close'; session: number }
  | { kind: 'reap'; path: string };

const pathArb = fc.constantFrom('/a', '/a', '/b', '/a/x', '/a/x', '/a/y', '/b/x', '/c');
const versionArb = fc.constantFrom(-1, -1, 0, 1);
const dataArb = fc.option(
  fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b)),
  { nil: null },
);
const modes = [
  [0, 'create2'],
  [0, 'create2'],
  [1, 'create2'],
  [2, 'create'],
  [3, 'create2'],
  [4, 'createContainer'],
  [5, 'createTTL'],
] as const;
const createArb: fc.Arbitrary<CreateRequest> = fc
  .record({ path: pathArb, data: dataArb, acl: fc.constantFrom(...acls), mode: fc.nat(6) })
  .map(({ path, data, acl, mode }) => {
    const [flags, variant] = modes[mode] ?? [0, 'create2'];
    const ttl = variant === 'createTTL' ? 20n : -1n;
    return { type: 'create', variant, path, data, acl: [...acl], flags, ttl };
  });
const deleteArb = fc.record({ type: fc.constant('delete' as const), path: pathArb, version: versionArb });
const setDataArb = fc.record({
  type: fc.constant('setData' as const),
  path: pathArb,
  data: dataArb,
  version: versionArb,
});
const multiOpArb: fc.Arbitrary<MultiOp> = fc.oneof(createArb, deleteArb, setDataArb);
const writeArb: fc.Arbitrary<WriteRequest> = fc.oneof(
  { weight: 5, arbitrary: createArb },
  { weight: 2, arbitrary: deleteArb },
  { weight: 2, arbitrary: setDataArb },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('setACL' as const),
      path: pathArb,
      acl: fc.constantFrom(...acls).map((a) => [...a]),
      version: versionArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.array(multiOpArb, { maxLength: 3 }).map((ops) => ({ type: 'multi' as const, ops })),
  },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('write' as const), request: writeArb, session: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), session: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reap' as const), path: pathArb }) },
);

/** Prepares steps as a leader would (zxid 1, 2, …) and applies them to `tree`; returns the txns. */
class Workload {
  readonly pending: PendingChanges;
  zxid = 0n;

  constructor(readonly tree: DataTree) {
    this.pending = new PendingChanges(tree);
  }

  run(step: Step, index: number): Txn | null {
    const base = { tree: this.tree, pending: this.pending, zxid: this.zxid + 1n };
    const ctx = { ...base, timeMs: 1000 + 10 * index, cxid: index };
    const session = sessions[step.kind === 'reap' ? 0 : step.session] ?? 0n;
    let txn: Txn | null;
    if (step.kind === 'write') {
      const full: PrepContext = { ...ctx, sessionId: session, identities: [], options };
      txn = prepareWrite(step.request, full);
    } else if (step.kind === 'close') {
      txn = prepareCloseSession(ctx, session);
    } else {
      txn = prepareDeleteContainer(step.path, ctx, { maxNeverUsedIntervalMs: 25 });
    }
    if (txn === null) return null;
    this.zxid = txn.zxid;
    this.tree.apply(txn);
    this.pending.applied(txn.zxid);
    return txn;
  }
}

/** Everything a client or the 4lw can read from a tree, in a comparable form. */
function observe(tree: DataTree) {
  const paths = tree.snapshot().nodes.map((n) => n.path);
  const nodes = paths.map((path) => {
    const node = tree.getNode(path);
    if (node === undefined) throw new Error(`no ${path}`);
    return { path, stat: tree.statOf(node), data: node.data, acl: node.acl, children: tree.childrenOf(node) };
  });
  return {
    digest: tree.digest(),
    lastZxid: tree.lastZxid,
    nodes,
    ephemerals: sessions.map((s) => [...tree.ephemeralsOf(s)].sort()),
    ephemeralCount: tree.ephemeralCount,
    nodeCount: tree.nodeCount,
    dataSize: tree.approximateDataSize(),
    descendants: [tree.countDescendants('/'), tree.countDescendants(''), tree.countDescendants('/a')],
    reapable: tree.findReapable(1_000_000, { maxNeverUsedIntervalMs: 25 }),
  };
}

// ZooKeeper: DataTree.serialize/deserialize — a learner loading a SNAP must hold the leader's tree.
describe('tree snapshot: snapshot then fromSnapshot', () => {
  test('gives a tree with the same digest, reads, indexes and later behaviour', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 50 }),
        fc.array(stepArb, { maxLength: 20 }),
        (before, after) => {
          const original = new Workload(new DataTree());
          before.forEach((step, i) => original.run(step, i));
          const snapshot = original.tree.snapshot();
          const restored = DataTree.fromSnapshot(snapshot);
          expect(observe(restored)).toEqual(observe(original.tree));
          expect(restored.snapshot()).toEqual(snapshot);
          // Both trees go on applying the same txns: the restored one must answer identically.
          for (const [i, step] of after.entries()) {
            const txn = original.run(step, before.length + i);
            if (txn === null) continue;
            const expected = original.tree;
            const got = restored.apply(txn);
            expect(got.result.type).toBe(expected.lastZxid === txn.zxid ? got.result.type : 'x');
            restored.invariants();
          }
          expect(observe(restored)).toEqual(observe(original.tree));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the workloads reach ephemerals, containers, TTL nodes and sequential children', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 50 }), (steps) => {
        const w = new Workload(new DataTree());
        steps.forEach((step, i) => w.run(step, i));
        for (const node of w.tree.snapshot().nodes) {
          if (node.ephemeralOwner > 0n) seen.add('ephemeral');
          if (node.ephemeralOwner === -(1n << 63n)) seen.add('container');
          if (node.ephemeralOwner < 0n && node.ephemeralOwner !== -(1n << 63n)) seen.add('ttl');
          if (/\d{10}$/.test(node.path)) seen.add('sequential');
          if (node.childCreates > 1) seen.add('childCreates');
        }
      }),
      { numRuns: 50, seed: 7 },
    );
    expect([...seen].sort()).toEqual(['childCreates', 'container', 'ephemeral', 'sequential', 'ttl']);
  });
});
