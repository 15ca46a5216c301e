import type { Acl } from '@zoo/client/protocol';
import { ErrorCode } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { PrepHarness, createRequest, req } from '../prep/testing/prep-harness.js';

const alice = { scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' };
const aliceIds = [{ scheme: 'ip', id: '127.0.0.1' }, alice];
const world = (perms: number): Acl[] => [{ perms, id: { scheme: 'world', id: 'anyone' } }];

/** /a (data 'x', children b and c), /secret (alice: ALL, world: ADMIN), /nada (perms 0). */
function setup(): PrepHarness {
  const h = new PrepHarness();
  h.mkdirs('/a', '/a/b', '/a/c', '/secret', '/nada');
  const made = [
    h.errorOf(req.setAcl('/secret', [{ perms: 31, id: alice }, ...world(16)])),
    h.errorOf(req.setAcl('/nada', world(0))),
  ];
  if (made.some((err) => err !== 0)) throw new Error('setup failed');
  return h;
}

// ZooKeeper: FinalRequestProcessor (exists, getData, getChildren/2, getACL,
// getAllChildrenNumber, getEphemerals, multiRead, sync); wire sheet §4.3, §5.3, §8.7.
describe('exists', () => {
  test('returns the stat and a data watch when asked', () => {
    const h = setup();
    expect(h.read({ type: 'exists', path: '/a', watch: true })).toEqual({
      err: 0,
      body: { type: 'stat', stat: h.stat('/a') },
      watch: { path: '/a', kind: 'data' },
    });
    expect(h.read({ type: 'exists', path: '/a', watch: false }).watch).toBeNull();
  });

  test('NoNode still registers the watch (it fires NodeCreated later)', () => {
    expect(setup().read({ type: 'exists', path: '/none', watch: true })).toEqual({
      err: ErrorCode.NoNode,
      body: null,
      watch: { path: '/none', kind: 'data' },
    });
  });

  test('NUL is BadArguments and registers nothing', () => {
    expect(setup().read({ type: 'exists', path: '/a\u0000', watch: true })).toEqual({
      err: ErrorCode.BadArguments,
      body: null,
      watch: null,
    });
  });

  test('an existing node without READ is NoAuth and registers nothing (3.8.4+)', () => {
    expect(setup().read({ type: 'exists', path: '/nada', watch: true })).toEqual({
      err: ErrorCode.NoAuth,
      body: null,
      watch: null,
    });
  });
});

describe('getData', () => {
  test('returns data and stat; the watch only on success', () => {
    const h = setup();
    expect(h.read({ type: 'getData', path: '/a', watch: true })).toEqual({
      err: 0,
      body: { type: 'getData', data: Buffer.from('x'), stat: h.stat('/a') },
      watch: { path: '/a', kind: 'data' },
    });
    expect(h.read({ type: 'getData', path: '/none', watch: true })).toEqual({
      err: ErrorCode.NoNode,
      body: null,
      watch: null,
    });
    expect(h.read({ type: 'getData', path: '/secret', watch: true })).toEqual({
      err: ErrorCode.NoAuth,
      body: null,
      watch: null,
    });
  });

  test('NoNode before NoAuth, and no path validation: "/a/" is just missing', () => {
    const h = setup();
    expect(h.read({ type: 'getData', path: '/nada/x', watch: false }).err).toBe(ErrorCode.NoNode);
    expect(h.read({ type: 'getData', path: '/a/', watch: false }).err).toBe(ErrorCode.NoNode);
  });

  test('"" reads the root; null data comes back null', () => {
    const h = setup();
    h.write(createRequest('/null', { data: null }));
    expect(h.read({ type: 'getData', path: '', watch: false }).body).toMatchObject({
      type: 'getData',
      stat: { numChildren: 5 },
    });
    expect(h.read({ type: 'getData', path: '/null', watch: false }).body).toMatchObject({
      data: null,
      stat: { dataLength: 0 },
    });
  });

  test('digest identity, super and skipAcl all get through', () => {
    const h = setup();
    const getSecret = { type: 'getData', path: '/secret', watch: false } as const;
    expect(h.read(getSecret, { identities: aliceIds }).err).toBe(0);
    expect(h.read(getSecret, { identities: [{ scheme: 'super', id: '' }] }).err).toBe(0);
    expect(h.read(getSecret, { options: { skipAcl: true } }).err).toBe(0);
  });
});

describe('getChildren', () => {
  test('getChildren returns names; getChildren2 adds the node stat', () => {
    const h = setup();
    const plain = h.read({ type: 'getChildren', path: '/a', watch: true, withStat: false });
    expect(plain).toEqual({
      err: 0,
      body: { type: 'getChildren', children: ['b', 'c'], stat: null },
      watch: { path: '/a', kind: 'child' },
    });
    expect(h.read({ type: 'getChildren', path: '/a', watch: false, withStat: true }).body).toEqual({
      type: 'getChildren',
      children: ['b', 'c'],
      stat: h.stat('/a'),
    });
  });

  test('NoNode and NoAuth register no watch', () => {
    const h = setup();
    expect(h.read({ type: 'getChildren', path: '/none', watch: true, withStat: false })).toEqual({
      err: ErrorCode.NoNode,
      body: null,
      watch: null,
    });
    expect(h.read({ type: 'getChildren', path: '/nada', watch: true, withStat: true })).toEqual({
      err: ErrorCode.NoAuth,
      body: null,
      watch: null,
    });
  });
});

describe('getACL', () => {
  test('READ without ADMIN gets the list with digest ids masked to user:x', () => {
    const h = setup();
    h.write(req.setAcl('/a', [...world(1), { perms: 16, id: { scheme: 'digest', id: 'bob:h:' } }]));
    expect(h.read({ type: 'getACL', path: '/a' }).body).toEqual({
      type: 'getACL',
      acl: [...world(1), { perms: 16, id: { scheme: 'digest', id: 'bob:x' } }],
      stat: h.stat('/a'),
    });
  });

  test('ADMIN without READ is enough, and then nothing is masked', () => {
    const h = setup();
    expect(h.read({ type: 'getACL', path: '/secret' }).body).toMatchObject({
      acl: [{ perms: 31, id: alice }, ...world(16)],
    });
  });

  test('an ADMIN holder sees the digest ids unmasked', () => {
    const h = setup();
    expect(
      h.read({ type: 'getACL', path: '/secret' }, { identities: aliceIds }).body,
    ).toMatchObject({ acl: [{ perms: 31, id: alice }, ...world(16)] });
  });

  test('neither READ nor ADMIN is NoAuth; a missing node NoNode', () => {
    const h = setup();
    expect(h.read({ type: 'getACL', path: '/nada' }).err).toBe(ErrorCode.NoAuth);
    expect(h.read({ type: 'getACL', path: '/none' }).err).toBe(ErrorCode.NoNode);
  });
});

describe('getAllChildrenNumber, getEphemerals, sync', () => {
  test('counts all descendants; a fresh root counts 3', () => {
    const fresh = new PrepHarness();
    expect(fresh.read({ type: 'getAllChildrenNumber', path: '/' }).body).toEqual({
      type: 'count',
      total: 3,
    });
    const h = setup();
    expect(h.read({ type: 'getAllChildrenNumber', path: '/a' }).body).toEqual({
      type: 'count',
      total: 2,
    });
    expect(h.read({ type: 'getAllChildrenNumber', path: '/none' }).err).toBe(ErrorCode.NoNode);
    expect(h.read({ type: 'getAllChildrenNumber', path: '/nada' }).err).toBe(ErrorCode.NoAuth);
  });

  test('getEphemerals lists the caller session only, filtered by string prefix', () => {
    const h = setup();
    for (const path of ['/a/e1', '/e2', '/ab']) {
      h.write(createRequest(path, { flags: 1 }), { sessionId: 5n });
    }
    h.write(createRequest('/theirs', { flags: 1 }), { sessionId: 6n });
    const list = (prefixPath: string | null) =>
      h.read({ type: 'getEphemerals', prefixPath }, { sessionId: 5n }).body;
    expect(list(null)).toEqual({ type: 'ephemerals', paths: ['/a/e1', '/e2', '/ab'] });
    expect(list('  / ')).toEqual({ type: 'ephemerals', paths: ['/a/e1', '/e2', '/ab'] });
    expect(list(' ')).toEqual({ type: 'ephemerals', paths: ['/a/e1', '/e2', '/ab'] });
    expect(list('/a')).toEqual({ type: 'ephemerals', paths: ['/a/e1', '/ab'] });
    expect(list('/a/')).toEqual({ type: 'ephemerals', paths: ['/a/e1'] });
    expect(list(' /a')).toEqual({ type: 'ephemerals', paths: [] });
  });

  test('sync echoes any path without checks', () => {
    expect(setup().read({ type: 'sync', path: '/whatever/not/there' })).toEqual({
      err: 0,
      body: { type: 'path', path: '/whatever/not/there' },
      watch: null,
    });
  });
});

describe('multiRead', () => {
  test('runs each op on its own, reports errors per op and sets no watch', () => {
    const h = setup();
    const outcome = h.read({
      type: 'multiRead',
      ops: [
        { type: 'getData', path: '/a', watch: true },
        { type: 'getChildren', path: '/none', watch: true, withStat: false },
        { type: 'getChildren', path: '/a', watch: true, withStat: true },
        { type: 'getData', path: '/nada', watch: false },
      ],
    });
    expect(outcome).toEqual({
      err: 0,
      watch: null,
      body: {
        type: 'multi',
        results: [
          { type: 'getData', data: Buffer.from('x'), stat: h.stat('/a') },
          { type: 'error', err: ErrorCode.NoNode },
          { type: 'getChildren', children: ['b', 'c'], stat: null },
          { type: 'error', err: ErrorCode.NoAuth },
        ],
      },
    });
  });
});
