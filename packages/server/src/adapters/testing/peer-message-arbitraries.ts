// fast-check arbitraries for every PeerMessage, shaped as the core builds them (valid paths, int32
// versions, int64 zxids, client writes the Jute codec round-trips), for codec and network tests.

import type { Acl, Request } from '@zoo/client/protocol';
import {
  anyCreateArbitrary,
  multiArbitrary,
  writeRequestArbitraries,
} from '@zoo/client/protocol/testing';
import fc from 'fast-check';
import { DataTree } from '../../core/tree/data-tree.js';
import { containerEphemeralOwner, ttlEphemeralOwner } from '../../core/tree/ephemeral-type.js';
import type { TreeSnapshot } from '../../core/tree/tree-snapshot.js';
import type { CreateTxnBody, Txn, TxnBody } from '../../core/tree/txn.js';
import type { ForwardedRequest, PeerMessage, ServerState } from '../../core/zab/messages.js';

export const int32Arb = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
export const int64Arb = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const zxidArb = fc.oneof(int64Arb, fc.bigInt({ min: 0n, max: 1n << 40n }));
const epochArb = fc.integer({ min: -1, max: 2 ** 32 - 1 });
const timeArb = fc.oneof(fc.constant(0), fc.integer({ min: 1_600_000_000_000, max: 2 ** 48 }));
const textArb = fc.string({ unit: 'binary', maxLength: 12 });
const bytesArb = fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b));
const dataArb = fc.option(bytesArb, { nil: null });

const segmentArb = fc
  .stringMatching(/^[a-zA-Z0-9_\-.é中]{1,6}$/)
  .filter((s) => s !== '.' && s !== '..');
export const pathArb = fc
  .array(segmentArb, { minLength: 1, maxLength: 3 })
  .map((parts) => `/${parts.join('/')}`);

const aclArb: fc.Arbitrary<Acl[]> = fc.array(
  fc.record({ perms: int32Arb, id: fc.record({ scheme: textArb, id: textArb }) }),
  { maxLength: 3 },
);
const ownerArb = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 1n, max: (1n << 56n) - 1n }),
  fc.constant(containerEphemeralOwner),
  fc.bigInt({ min: 1n, max: 0xff_ffff_ffffn }).map(ttlEphemeralOwner),
);

const createBodyArb: fc.Arbitrary<CreateTxnBody> = fc.record({
  type: fc.constant('create' as const),
  path: pathArb,
  data: dataArb,
  acl: aclArb,
  ephemeralOwner: ownerArb,
  parentCVersion: int32Arb,
});
const subBodyArb: fc.Arbitrary<TxnBody> = fc.oneof(
  createBodyArb,
  fc.record({ type: fc.constant('delete' as const), path: pathArb }),
  fc.record({
    type: fc.constant('setData' as const),
    path: pathArb,
    data: dataArb,
    version: int32Arb,
  }),
  fc.record({ type: fc.constant('check' as const), path: pathArb, version: int32Arb }),
);
export const txnBodyArb: fc.Arbitrary<TxnBody> = fc.oneof(
  subBodyArb,
  fc.record({
    type: fc.constant('setACL' as const),
    path: pathArb,
    acl: aclArb,
    version: int32Arb,
  }),
  fc.record({ type: fc.constant('multi' as const), ops: fc.array(subBodyArb, { maxLength: 3 }) }),
  fc.record({ type: fc.constant('error' as const), err: int32Arb }),
  fc.record({
    type: fc.constant('multiError' as const),
    errs: fc.array(int32Arb, { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('createSession' as const), timeoutMs: int32Arb }),
  fc.record({
    type: fc.constant('closeSession' as const),
    ephemeralPaths: fc.array(pathArb, { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('deleteContainer' as const), path: pathArb }),
);
export const txnArb: fc.Arbitrary<Txn> = fc.record({
  zxid: zxidArb,
  timeMs: timeArb,
  sessionId: int64Arb,
  cxid: int32Arb,
  body: txnBodyArb,
});

/** A real tree's snapshot: random creates (some ephemeral) under random earlier nodes. */
export const snapshotArb: fc.Arbitrary<TreeSnapshot> = fc
  .record({
    creates: fc.array(
      fc.record({ parent: fc.nat(), name: segmentArb, owner: ownerArb, data: dataArb }),
      {
        maxLength: 12,
      },
    ),
    sessions: fc.array(fc.record({ sessionId: int64Arb, timeoutMs: int32Arb }), { maxLength: 3 }),
  })
  .map(({ creates, sessions }) => {
    const tree = new DataTree();
    const parents = ['/'];
    let zxid = 0n;
    for (const { parent, name, owner, data } of creates) {
      const parentPath = parents[parent % parents.length] ?? '/';
      const path = parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
      if (tree.getNode(path) !== undefined) continue;
      zxid += 1n;
      const childCreates = (tree.getNode(parentPath)?.childCreates ?? 0) + 1;
      const body: TxnBody = {
        type: 'create',
        path,
        data,
        acl: [],
        ephemeralOwner: owner,
        parentCVersion: childCreates,
      };
      tree.apply({ zxid, timeMs: 1000 * Number(zxid), sessionId: 0n, cxid: 0, body });
      // Persistent, container and TTL owners are 0 or negative; ephemerals have no children.
      if (owner <= 0n) parents.push(path);
    }
    return { ...tree.snapshot(), sessions };
  });

const writes = writeRequestArbitraries({
  path: textArb,
  data: dataArb,
  version: int32Arb,
  acl: aclArb,
  create: anyCreateArbitrary({
    path: textArb,
    data: dataArb,
    acl: aclArb,
    flags: int32Arb,
    ttl: int64Arb,
  }),
});
/** The client writes a follower forwards (ZooKeeper: Learner.request). */
export const writeRequestArb: fc.Arbitrary<Request> = fc.oneof(
  writes.create,
  writes.delete,
  writes.setData,
  writes.setACL,
  multiArbitrary(writes.multiOp, 3),
);
const forwardedArb: fc.Arbitrary<ForwardedRequest> = fc.oneof(
  writeRequestArb.map((request) => ({ type: 'write' as const, request })),
  fc.record({ type: fc.constant('refused' as const), err: int32Arb }),
  fc.record({ type: fc.constant('createSession' as const), timeoutMs: int32Arb }),
  fc.constant({ type: 'closeSession' as const }),
);

const originArb = fc.record({ sessionId: int64Arb, cxid: int32Arb });
const stateArb = fc.constantFrom<ServerState>('looking', 'following', 'leading', 'observing');
const safeArb = fc.integer({ min: 0, max: 2 ** 40 });
const zxidMessageArb = fc.record({
  type: fc.constantFrom('diff', 'trunc', 'ackNewLeader', 'ack', 'commit', 'ping'),
  zxid: zxidArb,
});

export const peerMessageArb: fc.Arbitrary<PeerMessage> = fc.oneof(
  fc.record({
    type: fc.constant('vote' as const),
    round: safeArb,
    vote: fc.record({ leader: safeArb, zxid: zxidArb, epoch: epochArb }),
    state: stateArb,
  }),
  fc.record({
    type: fc.constant('followerInfo' as const),
    acceptedEpoch: epochArb,
    lastZxid: zxidArb,
    isObserver: fc.boolean(),
  }),
  fc.record({ type: fc.constant('leaderInfo' as const), epoch: epochArb }),
  fc.record({
    type: fc.constant('ackEpoch' as const),
    epoch: epochArb,
    currentEpoch: epochArb,
    lastZxid: zxidArb,
  }),
  zxidMessageArb,
  snapshotArb.map(({ zxid, nodes, sessions }) => ({
    type: 'snap' as const,
    zxid,
    nodeCount: nodes.length,
    sessions,
  })),
  snapshotArb.map(({ zxid, nodes }) => ({ type: 'snapNodes' as const, zxid, nodes })),
  fc.record({ type: fc.constant('newLeader' as const), epoch: epochArb, zxid: zxidArb }),
  fc.constant({ type: 'upToDate' as const }),
  fc.record({ type: fc.constantFrom('proposal' as const, 'inform' as const), txn: txnArb }),
  fc.record({
    type: fc.constant('pong' as const),
    touchedSessions: fc.array(int64Arb, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('request' as const),
    origin: originArb,
    request: forwardedArb,
    identities: fc.array(fc.record({ scheme: textArb, id: textArb }), { maxLength: 2 }),
  }),
  fc.record({
    type: fc.constantFrom('sync' as const, 'syncDone' as const),
    origin: originArb,
    path: textArb,
  }),
  fc.record({
    type: fc.constant('revalidate' as const),
    sessionId: int64Arb,
    timeoutMs: int32Arb,
    connectionId: fc.maxSafeNat(),
  }),
  fc.record({
    type: fc.constant('revalidated' as const),
    sessionId: int64Arb,
    connectionId: fc.maxSafeNat(),
    isValid: fc.boolean(),
  }),
);
