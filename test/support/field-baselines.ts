// One well-formed request per opcode Zoo decodes, under a case's base node, for the generated
// field test to mutate field by field. The fields themselves come from field-trace.ts; this file
// only picks a meaningful value for each request, so a test can insist every opcode has one.

import {
  opCodeOf,
  Xid,
  type Acl,
  type CreateRequest,
  type MultiOp,
  type Request,
} from './protocol.js';

const world: Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const data = Buffer.from('x');

/** What every case creates first (session-owned nothing), as persistent world-open nodes. */
export function setupRequests(base: string): Request[] {
  return [`${base}`, `${base}/child`].map((path) => ({
    type: 'create',
    variant: 'create',
    path,
    data,
    acl: world,
    flags: 0,
    ttl: -1n,
  }));
}

/** Writes after the mutated request that fire any watch it may have set. */
export function triggerRequests(base: string): Request[] {
  return [
    { type: 'setData', path: base, data, version: -1 },
    { type: 'setData', path: `${base}/child`, data, version: -1 },
    { type: 'create', variant: 'create', path: `${base}/t`, data, acl: world, flags: 0, ttl: -1n },
    { type: 'delete', path: `${base}/child`, version: -1 },
  ];
}

function create(base: string, variant: 'create' | 'create2' | 'createContainer'): CreateRequest {
  const flags = variant === 'createContainer' ? 4 : 0;
  return { type: 'create', variant, path: `${base}/new`, data, acl: world, flags, ttl: -1n };
}

/** The baseline of every opcode, keyed by opcode. */
export function baselineRequests(base: string): Map<number, Request> {
  const child = `${base}/child`;
  const requests: Request[] = [
    create(base, 'create'),
    create(base, 'create2'),
    create(base, 'createContainer'),
    { ...create(base, 'create'), variant: 'createTTL', flags: 5, ttl: 60_000n },
    { type: 'delete', path: child, version: -1 },
    { type: 'exists', path: base, watch: true },
    { type: 'getData', path: base, watch: true },
    { type: 'setData', path: base, data, version: -1 },
    { type: 'getACL', path: base },
    { type: 'setACL', path: base, acl: world, version: -1 },
    { type: 'getChildren', path: base, watch: true, withStat: false },
    { type: 'getChildren', path: base, watch: true, withStat: true },
    { type: 'sync', path: base },
    { type: 'ping' },
    { type: 'multi', ops: multiOps(base) },
    {
      type: 'reconfig',
      joiningServers: 'server.9=127.0.0.1:2888:3888',
      leavingServers: '1',
      newMembers: null,
      curConfigId: -1n,
    },
    { type: 'checkWatches', path: base, watcherType: 3 },
    { type: 'removeWatches', path: base, watcherType: 3 },
    {
      type: 'multiRead',
      ops: [
        { type: 'getData', path: base, watch: false },
        { type: 'getChildren', path: base, watch: false, withStat: false },
      ],
    },
    { type: 'auth', authType: 0, scheme: 'digest', auth: Buffer.from('bob:secret') },
    setWatches(base, 1),
    { type: 'sasl', token: Buffer.from('token') },
    { type: 'getEphemerals', prefixPath: base },
    { type: 'getAllChildrenNumber', path: base },
    setWatches(base, 2),
    { type: 'addWatch', path: base, mode: 0 },
    { type: 'whoAmI' },
    { type: 'closeSession' },
  ];
  return new Map(requests.map((request) => [opCodeOf(request), request]));
}

function multiOps(base: string): MultiOp[] {
  return [
    { type: 'create', variant: 'create', path: `${base}/m`, data, acl: world, flags: 0, ttl: -1n },
    { type: 'setData', path: base, data, version: -1 },
    { type: 'check', path: base, version: 1 },
    { type: 'delete', path: `${base}/child`, version: -1 },
  ];
}

function setWatches(base: string, version: 1 | 2): Request {
  return {
    type: 'setWatches',
    version,
    relativeZxid: 0n,
    dataWatches: [base],
    existWatches: [`${base}/absent`],
    childWatches: [base],
    persistentWatches: version === 2 ? [base] : [],
    persistentRecursiveWatches: version === 2 ? [`${base}/child`] : [],
  };
}

/** The xid a client sends each request with: auth, ping and setWatches have reserved ones. */
export function xidFor(request: Request): number {
  switch (request.type) {
    case 'auth':
      return Xid.auth;
    case 'ping':
      return Xid.ping;
    case 'setWatches':
      return Xid.setWatches;
    default:
      return 7;
  }
}
