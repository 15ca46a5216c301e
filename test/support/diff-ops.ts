// fast-check arbitraries for the differential test: random sequences of wire requests over a
// small path alphabet, written against a placeholder base `@` that each run replaces with its
// own fresh subtree, so every run starts from an empty namespace on every server.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  checkArbitrary,
  deleteArbitrary,
  setAclArbitrary,
  setDataArbitrary,
} from '@zoo/client/protocol/testing';
import type { Acl, CreateRequest, MultiOp, Request } from './protocol.js';

/** The identity session 1 authenticates as (digest `bob:pw`); session 0 stays anonymous. */
export const bobAuth = 'bob:pw';
export const bobDigestId = `bob:${createHash('sha1').update(bobAuth).digest('base64')}`;

export interface DiffOp {
  session: 0 | 1;
  request: Request;
}

const base = '@';
/** Paths that are invalid somewhere (validation differs per op) or name system nodes. */
const oddPaths = [
  ...['', 'noslash', '/', '/zookeeper'],
  ...['@/a/', '@//a', '@/a/./b', '@/a/../b', '@/a\u0001'],
];
const sequentialPrefixes = ['@/a/s-', '@/s-', '@/a/', '@/a/b/q'];

/** Created (persistent, open ACL) before every run, so most ops find a node to act on. */
export const setupPaths: readonly string[] = [base, '@/a', '@/b', '@/a/b'];

/** Nodes near the top are picked more often, so sequences build on each other. */
const nodePathArb = fc.oneof(
  { arbitrary: fc.constantFrom(base, '@/a', '@/b', '@/a/b'), weight: 8 },
  { arbitrary: fc.constantFrom('@/a/c', '@/b/a', '@/c'), weight: 3 },
  { arbitrary: fc.constant('@/a/b/c'), weight: 1 },
);
const pathArb = fc.oneof(
  { arbitrary: nodePathArb, weight: 12 },
  { arbitrary: fc.constantFrom(...oddPaths), weight: 1 },
);
/** setACL never touches `/` or `/zookeeper`: a locked root would break every later run. */
const aclPathArb = fc.oneof(
  { arbitrary: nodePathArb, weight: 12 },
  { arbitrary: fc.constantFrom('', 'noslash', '@/a/', '@//a'), weight: 1 },
);
const createPathArb = fc.oneof(
  { arbitrary: nodePathArb, weight: 10 },
  { arbitrary: fc.constantFrom(...sequentialPrefixes), weight: 3 },
  { arbitrary: fc.constantFrom(...oddPaths), weight: 1 },
);
const versionArb = fc.oneof(
  { arbitrary: fc.constant(-1), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 3 },
  { arbitrary: fc.constant(100), weight: 1 },
);
const dataArb: fc.Arbitrary<Buffer | null> = fc.oneof(
  fc.constant(null),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
);

const world = { scheme: 'world', id: 'anyone' };
const bob = { scheme: 'digest', id: bobDigestId };
/** A few ACL lists: open, read-only, bob-only, `auth:` (InvalidACL without an identity), … */
export const aclChoices: readonly (readonly Acl[])[] = [
  [{ perms: 31, id: world }],
  [{ perms: 1, id: world }],
  [{ perms: 31, id: bob }],
  [{ perms: 31, id: { scheme: 'auth', id: '' } }],
  [
    { perms: 1 | 16, id: world },
    { perms: 31, id: bob },
  ],
  [{ perms: 2 | 4 | 8, id: world }],
  [
    { perms: 31, id: world },
    { perms: 31, id: world },
  ],
  [],
  [{ perms: 31, id: { scheme: 'nosuchscheme', id: 'x' } }],
  [{ perms: 31, id: { scheme: 'world', id: 'somebody' } }],
  [
    { perms: 4 | 8, id: world },
    { perms: 1, id: bob },
  ],
];
const aclArb = fc.oneof(
  { arbitrary: fc.constant(aclChoices[0] ?? []), weight: 6 },
  { arbitrary: fc.constantFrom(...aclChoices), weight: 4 },
);

const ttlValid = [86_400_000n, 0xff_ffff_ffffn];
const ttlInvalid = [0n, -5n, 0x100_0000_0000n];

const createArb: fc.Arbitrary<CreateRequest> = fc
  .record({
    variant: fc.constantFrom('create', 'create', 'create2', 'createContainer', 'createTTL'),
    path: createPathArb,
    data: dataArb,
    acl: aclArb,
    flagsPick: fc.integer({ min: 0, max: 19 }),
    ttl: fc.oneof(
      { arbitrary: fc.constantFrom(...ttlValid), weight: 4 },
      fc.constantFrom(...ttlInvalid),
    ),
  })
  .map(({ variant, path, data, acl, flagsPick, ttl }) => {
    const flags = createFlags(variant, flagsPick);
    return {
      type: 'create' as const,
      variant,
      path,
      data,
      acl: [...acl],
      flags,
      ttl: variant === 'createTTL' ? ttl : -1n,
    };
  });

/** Mostly the flags that suit the opcode, sometimes a mismatch or an invalid value. */
function createFlags(variant: CreateRequest['variant'], pick: number): number {
  if (pick >= 18) return pick === 18 ? 7 : 9;
  if (pick >= 15) return pick - 11; // 4, 5, 6 whatever the opcode
  if (variant === 'createContainer') return pick < 12 ? 4 : 0;
  if (variant === 'createTTL') return pick < 6 ? 5 : pick < 12 ? 6 : 0;
  return pick % 4;
}

/**
 * Known difference `multi-create-container-opcode`: op 19 with flags 0..3 inside multi builds a
 * different node on 3.8.0 than on later releases, so multi sends op 19 only with flags ≥ 4.
 */
const multiCreateArb: fc.Arbitrary<CreateRequest> = createArb.map((op) =>
  op.variant === 'createContainer' && op.flags >= 0 && op.flags <= 3 ? { ...op, flags: 4 } : op,
);

/**
 * Known difference `create-ttl-opcode-crash`: a top-level createTTL (op 21) whose flags are not a
 * TTL mode passes validation with any negative ttl and then kills Apache ZooKeeper (DataTree
 * throws in the sync thread), so top-level createTTL with such flags carries a ttl ≥ 0.
 */
const topLevelCreateArb: fc.Arbitrary<CreateRequest> = createArb.map((op) =>
  op.variant === 'createTTL' && op.flags !== 5 && op.flags !== 6 && op.ttl < 0n
    ? { ...op, ttl: 86_400_000n }
    : op,
);

const deleteArb = deleteArbitrary({ path: pathArb, version: versionArb });
const setDataArb = setDataArbitrary({ path: pathArb, data: dataArb, version: versionArb });
const checkArb = checkArbitrary({ path: pathArb, version: versionArb });

const multiOpArb: fc.Arbitrary<MultiOp> = fc.oneof(
  { arbitrary: multiCreateArb, weight: 4 },
  { arbitrary: deleteArb, weight: 2 },
  { arbitrary: setDataArb, weight: 2 },
  { arbitrary: checkArb, weight: 2 },
);

/** Most reads leave a watch, so later writes have something to fire. */
const watchArb = fc.oneof(
  { arbitrary: fc.constant(true), weight: 7 },
  { arbitrary: fc.constant(false), weight: 3 },
);

const readArb: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ type: fc.constant('getData' as const), path: pathArb, watch: watchArb }),
  fc.record({ type: fc.constant('exists' as const), path: pathArb, watch: watchArb }),
  fc.record({
    type: fc.constant('getChildren' as const),
    path: pathArb,
    watch: watchArb,
    withStat: fc.boolean(),
  }),
);

const setAclArb = setAclArbitrary({
  path: aclPathArb,
  acl: aclArb.map((acl) => [...acl]),
  version: versionArb,
});

const multiArb = fc.record({
  type: fc.constant('multi' as const),
  // An empty multi is legal (it still takes a zxid) but says little, so it is rare.
  ops: fc.oneof(
    { arbitrary: fc.array(multiOpArb, { minLength: 1, maxLength: 3 }), weight: 30 },
    { arbitrary: fc.constant<MultiOp[]>([]), weight: 1 },
  ),
});

/** Requests that only inspect: ACLs, counts, ephemerals, sync. */
const inspectArb: fc.Arbitrary<Request> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('getACL' as const), path: pathArb }), weight: 4 },
  {
    arbitrary: fc.record({ type: fc.constant('getAllChildrenNumber' as const), path: pathArb }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('getEphemerals' as const),
      prefixPath: fc.constantFrom('@', '@/a', '@/a/b'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ type: fc.constant('sync' as const), path: pathArb }), weight: 2 },
);

const watchControlArb: fc.Arbitrary<Request> = fc.oneof(
  // Modes 0 (persistent) and 1 (persistent recursive); 2 is MarshallingError.
  fc.record({
    type: fc.constant('addWatch' as const),
    path: pathArb,
    mode: fc.constantFrom(0, 1, 2),
  }),
  // 3.8 knows watcher types 1 (children), 2 (data) and 3 (any); 4 is MarshallingError there.
  fc.record({
    type: fc.constantFrom('checkWatches' as const, 'removeWatches' as const),
    path: pathArb,
    watcherType: fc.constantFrom(1, 2, 3, 4),
  }),
);

const requestArb: fc.Arbitrary<Request> = fc.oneof(
  { arbitrary: topLevelCreateArb, weight: 8 },
  { arbitrary: deleteArb, weight: 3 },
  { arbitrary: setDataArb, weight: 4 },
  { arbitrary: readArb, weight: 9 },
  { arbitrary: setAclArb, weight: 2 },
  { arbitrary: multiArb, weight: 3 },
  { arbitrary: inspectArb, weight: 5 },
  { arbitrary: watchControlArb, weight: 2 },
);

export const diffOpArbitrary: fc.Arbitrary<DiffOp> = fc.record({
  session: fc.constantFrom<0 | 1>(0, 1),
  request: requestArb,
});

export function diffRunArbitrary(opsMax: number): fc.Arbitrary<DiffOp[]> {
  // size 'max' spreads lengths over the whole range instead of favouring short sequences.
  return fc.array(diffOpArbitrary, { minLength: 1, maxLength: opsMax, size: 'max' });
}

/** Replaces the placeholder base `@` at the start of a path with the run's real base. */
export function atBase(path: string, realBase: string): string {
  return path.startsWith(base) ? `${realBase}${path.slice(base.length)}` : path;
}

function materializeMultiOp(op: MultiOp, realBase: string): MultiOp {
  return op.path === null ? op : { ...op, path: atBase(op.path, realBase) };
}

/** The request with every path moved under `realBase`. */
export function materialize(request: Request, realBase: string): Request {
  switch (request.type) {
    case 'multi':
      return { type: 'multi', ops: request.ops.map((op) => materializeMultiOp(op, realBase)) };
    case 'getEphemerals':
      return { ...request, prefixPath: atBase(request.prefixPath ?? '', realBase) };
    case 'create':
    case 'delete':
    case 'setData':
    case 'getData':
    case 'exists':
    case 'getChildren':
    case 'getACL':
    case 'setACL':
    case 'sync':
    case 'getAllChildrenNumber':
    case 'addWatch':
    case 'checkWatches':
    case 'removeWatches':
      return request.path === null ? request : { ...request, path: atBase(request.path, realBase) };
    default:
      return request;
  }
}
