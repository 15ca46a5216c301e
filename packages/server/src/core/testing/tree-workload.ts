// A random write workload over a DataTree, prepared as a leader prepares requests (zxid 1, 2, …):
// creates of every mode, deletes, setData, multi, session closes and container reaps on a few
// paths, so that steps collide. Shared by the tree's snapshot tests.

import type { Acl, CreateRequest, MultiOp } from '@zoo/client/protocol';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '@zoo/client/protocol';
import fc from 'fast-check';
import { PendingChanges } from '../prep/pending-changes.js';
import type { PrepContext, WriteRequest } from '../prep/prep-context.js';
import {
  prepareCloseSession,
  prepareDeleteContainer,
  prepareWrite,
} from '../prep/prepare-request.js';
import type { Txn } from '../tree/txn.js';
import type { DataTree, TreeEvent, TxnResult } from '../tree/data-tree.js';

export const sessions = [0x0100000000000001n, 0x0100000000000002n];
const acls: Acl[][] = [
  [...OPEN_ACL_UNSAFE],
  [...OPEN_ACL_UNSAFE],
  [...READ_ACL_UNSAFE],
  [{ perms: 31 & ~8, id: { scheme: 'world', id: 'anyone' } }],
];
const options = { extendedTypesEnabled: true, skipAcl: false, packetBytesMax: 0xfffff };

export type Step =
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
const deleteArb = fc.record({
  type: fc.constant('delete' as const),
  path: pathArb,
  version: versionArb,
});
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
    arbitrary: fc
      .array(multiOpArb, { maxLength: 3 })
      .map((ops) => ({ type: 'multi' as const, ops })),
  },
);
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      request: writeArb,
      session: fc.nat(1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), session: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reap' as const), path: pathArb }) },
);

/** Prepares steps as a leader would (zxid 1, 2, …) and applies each txn to `tree`. */
export class Workload {
  readonly pending: PendingChanges;
  zxid = 0n;

  constructor(readonly tree: DataTree) {
    this.pending = new PendingChanges(tree);
  }

  run(step: Step, index: number): { txn: Txn; result: TxnResult; events: TreeEvent[] } | null {
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
    const { result, events } = this.tree.apply(txn);
    this.pending.applied(txn.zxid);
    return { txn, result, events };
  }
}
