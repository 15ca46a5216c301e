import type { Acl, CreateRequest } from '@zoo/client/protocol';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '@zoo/client/protocol';
import fc from 'fast-check';
import { multiArbitrary, writeRequestArbitraries } from '@zoo/client/protocol/testing';
import { describe, expect, test } from 'vitest';
import type { Identity } from '../acl/identity.js';
import { DataTree, type TreeEvent, type TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import { PendingChanges } from './pending-changes.js';
import type { PrepContext, WriteRequest } from './prep-context.js';
import { prepareCloseSession, prepareDeleteContainer, prepareWrite } from './prepare-request.js';

const sessions = [0x0100000000000001n, 0x0100000000000002n];
const alice: Identity = { scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' };
const ipOnly: Identity[] = [{ scheme: 'ip', id: '127.0.0.1' }];
const acls: Acl[][] = [
  [...OPEN_ACL_UNSAFE],
  [...OPEN_ACL_UNSAFE],
  [...OPEN_ACL_UNSAFE],
  [...OPEN_ACL_UNSAFE],
  [...OPEN_ACL_UNSAFE],
  [...READ_ACL_UNSAFE],
  [{ perms: 31, id: alice }],
  [{ perms: 31, id: { scheme: 'auth', id: '' } }],
  [{ perms: 31 & ~8, id: { scheme: 'world', id: 'anyone' } }],
];

type Step =
  | { kind: 'write'; request: WriteRequest; session: number; asAlice: boolean }
  | { kind: 'close'; session: number }
  | { kind: 'reap'; path: string };

const pathArb = fc.constantFrom('/a', '/a', '/b', '/a/x', '/a/x', '/a/y', '/b/x');
const versionArb = fc.constantFrom(-1, -1, 0, 1, 2);
const bytesArb = fc.uint8Array({ maxLength: 3 }).map((b) => Buffer.from(b));
const dataArb = fc.option(bytesArb, { nil: null });

const createArb: fc.Arbitrary<CreateRequest> = fc
  .record({
    path: pathArb,
    data: dataArb,
    acl: fc.constantFrom(...acls),
    mode: fc.constantFrom(
      'persistent',
      'persistent',
      'persistent',
      'ephemeral',
      'sequential',
      'ephemeralSeq',
      'container',
      'container',
      'ttl',
    ),
    ttl: fc.bigInt({ min: 1n, max: 60n }),
  })
  .map(({ path, data, acl, mode, ttl }): CreateRequest => {
    const base = { type: 'create' as const, path, data, acl: [...acl], ttl: -1n };
    switch (mode) {
      case 'container':
        return { ...base, variant: 'createContainer', flags: 4 };
      case 'ttl':
        return { ...base, variant: 'createTTL', flags: 5, ttl };
      case 'ephemeral':
        return { ...base, variant: 'create2', flags: 1 };
      case 'sequential':
        return { ...base, variant: 'create', flags: 2 };
      case 'ephemeralSeq':
        return { ...base, variant: 'create2', flags: 3 };
      default:
        return { ...base, variant: 'create2', flags: 0 };
    }
  });

const writes = writeRequestArbitraries({
  path: pathArb,
  data: dataArb,
  version: versionArb,
  acl: fc.constantFrom(...acls).map((acl) => [...acl]),
  create: createArb,
});
const multiArb = multiArbitrary(writes.multiOp, 4);

const writeArb: fc.Arbitrary<WriteRequest> = fc.oneof(
  { weight: 4, arbitrary: writes.create },
  { weight: 2, arbitrary: writes.delete },
  { weight: 2, arbitrary: writes.setData },
  { weight: 1, arbitrary: writes.setACL },
  { weight: 2, arbitrary: multiArb },
);

const sessionArb = fc.nat({ max: 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      request: writeArb,
      session: sessionArb,
      asAlice: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), session: sessionArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reap' as const), path: pathArb }) },
);

interface Run {
  txns: Txn[];
  applied: { result: TxnResult; events: TreeEvent[] }[];
  digest: string;
}

/** Prepares step `index` as the leader would at zxid `zxid` (null: the reaper skipped it). */
interface StepBase {
  tree: DataTree;
  pending: PendingChanges;
  zxid: bigint;
}

function prepareStep(step: Step, index: number, base: StepBase): Txn | null {
  const timeMs = 1000 + 10 * index;
  const ctx = { ...base, timeMs, cxid: index };
  switch (step.kind) {
    case 'write': {
      const session = sessions[step.session] ?? 0n;
      const full: PrepContext = {
        ...ctx,
        sessionId: session,
        identities: step.asAlice ? [...ipOnly, alice] : ipOnly,
        options: { extendedTypesEnabled: true, skipAcl: false, packetBytesMax: 0xfffff },
      };
      return prepareWrite(step.request, full);
    }
    case 'close':
      return prepareCloseSession(ctx, sessions[step.session] ?? 0n);
    case 'reap':
      return prepareDeleteContainer(step.path, ctx, { maxNeverUsedIntervalMs: 25 });
  }
}

/** `batch` = how many steps are prepared before the pending ones are applied. */
function run(steps: readonly Step[], batch: number): Run {
  const tree = new DataTree();
  const pending = new PendingChanges(tree);
  const txns: Txn[] = [];
  const applied: Run['applied'] = [];
  let unapplied: Txn[] = [];
  const flush = () => {
    for (const txn of unapplied) {
      applied.push(tree.apply(txn));
      pending.applied(txn.zxid);
      tree.invariants();
      pending.invariants();
    }
    unapplied = [];
  };
  for (const [index, step] of steps.entries()) {
    const zxid = BigInt(txns.length + 1);
    const txn = prepareStep(step, index, { tree, pending, zxid });
    if (txn !== null) {
      txns.push(txn);
      unapplied.push(txn);
    }
    if (unapplied.length >= batch) flush();
  }
  flush();
  expect(pending.size).toBe(0);
  return { txns, applied, digest: tree.digest() };
}

// ZooKeeper keeps outstandingChanges so that a request prepared while earlier txns are still in
// flight is judged against the state they will leave; this checks Zoo's version of it.
describe('pending changes: prepared one at a time or all before applying', () => {
  test('give identical txns, results, events and trees', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 60 }),
        fc.nat({ max: 6 }),
        (steps, batchSize) => {
          const oneByOne = run(steps, 1);
          const allFirst = run(steps, Number.MAX_SAFE_INTEGER);
          const batched = run(steps, batchSize + 2);
          expect(allFirst.txns).toEqual(oneByOne.txns);
          expect(allFirst.applied).toEqual(oneByOne.applied);
          expect(allFirst.digest).toBe(oneByOne.digest);
          expect(batched.txns).toEqual(oneByOne.txns);
          expect(batched.digest).toBe(oneByOne.digest);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('the generated workloads do succeed often enough to mean something', () => {
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 40 }), (steps) => {
        const { txns, applied } = run(steps, 1);
        for (const { result } of applied) count(result.type);
        for (const { body } of txns) {
          if (body.type === 'deleteContainer') count('reaped');
          const closesSome = body.type === 'closeSession' && body.ephemeralPaths.length > 0;
          if (closesSome) count('closedWithPaths');
        }
      }),
      { numRuns: 100, seed: 42 },
    );
    const types = [
      'create',
      'delete',
      'setData',
      'setACL',
      'multi',
      'multiError',
      'error',
      'session',
      'reaped',
      'closedWithPaths',
    ];
    for (const type of types) expect(outcomes.get(type) ?? 0, type).toBeGreaterThan(5);
  });
});
