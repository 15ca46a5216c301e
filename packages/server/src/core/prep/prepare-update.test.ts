import type { Acl } from '@zoo/client/protocol';
import { ErrorCode as E } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import type { WriteRequest } from './prep-context.js';
import { PrepHarness, createRequest, req } from './testing/prep-harness.js';

const alice = { scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' };
const acl = (perms: number, scheme = 'world', id = 'anyone'): Acl[] => [
  { perms, id: { scheme, id } },
];
const expired = { checkSession: () => E.SessionExpired };

/**
 * /open/leaf (version 0) and /open/full/child; /nodelete (everything but DELETE for anyone);
 * /nodelete/leaf; /ro (READ only); /secret (alice only).
 */
function setup(): PrepHarness {
  const h = new PrepHarness();
  h.mkdirs('/open', '/open/leaf', '/open/full', '/open/full/child', '/nodelete', '/nodelete/leaf');
  h.mkdirs('/ro', '/secret');
  const made = [
    h.errorOf(req.setAcl('/nodelete', acl(31 & ~8))),
    h.errorOf(req.setAcl('/ro', acl(1))),
    h.errorOf(req.setAcl('/secret', [{ perms: 31, id: alice }])),
  ];
  if (made.some((err) => err !== 0)) throw new Error(`setup failed: ${made.join(',')}`);
  return h;
}

type Row = [string, WriteRequest, number, { checkSession?: () => number }?];

function runRows(rows: Row[]): void {
  test.each(rows)('%s', (_name, request, expected, overrides = {}) => {
    expect(setup().errorOf(request, overrides)).toBe(expected);
  });
}

// ZooKeeper: PrepRequestProcessor delete branch + getParentPathAndValidate (wire sheet §4.3).
describe('delete error precedence', () => {
  runRows([
    ['session checks first', req.delete('/'), E.SessionExpired, expired],
    ['"/" is a system node', req.delete('/'), E.BadArguments],
    ['"/zookeeper" is a system node', req.delete('/zookeeper'), E.BadArguments],
    ['"/zookeeper/quota" is a system node', req.delete('/zookeeper/quota'), E.BadArguments],
    ['"/zookeeper/config" is a system node', req.delete('/zookeeper/config'), E.BadArguments],
    ['a path without a slash', req.delete('noslash'), E.BadArguments],
    ['a path with NUL', req.delete('/open/leaf\u0000'), E.BadArguments],
    ['the parent missing', req.delete('/missing/x', 99), E.NoNode],
    ['NoAuth (DELETE on the parent) before NoNode', req.delete('/nodelete/none'), E.NoAuth],
    ['NoAuth before BadVersion', req.delete('/nodelete/leaf', 99), E.NoAuth],
    ['the node missing', req.delete('/open/none', 99), E.NoNode],
    ['BadVersion before NotEmpty', req.delete('/open/full', 99), E.BadVersion],
    ['NotEmpty', req.delete('/open/full'), E.NotEmpty],
    [
      'no other path validation: a trailing slash is just missing',
      req.delete('/open/leaf/'),
      E.NoNode,
    ],
    ['success with the right version', req.delete('/open/leaf', 0), E.Ok],
    ['DELETE is needed on the parent only', req.delete('/ro'), E.Ok],
  ]);

  test('deleting /zookeeper/config is refused even by super', () => {
    const h = setup();
    const identities = [{ scheme: 'super', id: '' }];
    expect(h.errorOf(req.delete('/zookeeper/config'), { identities })).toBe(E.BadArguments);
  });
});

// ZooKeeper: PrepRequestProcessor setData branch.
describe('setData error precedence', () => {
  runRows([
    ['session checks first', req.setData('bad'), E.SessionExpired, expired],
    ['full path validation', req.setData('/open/leaf/'), E.BadArguments],
    ['relative component', req.setData('/open/../x'), E.BadArguments],
    ['NoNode before NoAuth', req.setData('/secret/none', Buffer.from('x'), 99), E.NoNode],
    ['NoAuth (WRITE) before BadVersion', req.setData('/ro', Buffer.from('x'), 99), E.NoAuth],
    ['BadVersion', req.setData('/open/leaf', Buffer.from('x'), 1), E.BadVersion],
    ['version −1 matches any', req.setData('/open/leaf', null, -1), E.Ok],
  ]);

  test('the new version is old + 1 whatever was sent, and wraps as int32', () => {
    const h = setup();
    expect(h.write(req.setData('/open/leaf', null, 0)).reply.body).toMatchObject({
      type: 'stat',
      stat: { version: 1 },
    });
    const node = h.tree.getNode('/open/leaf');
    if (node === undefined) throw new Error('no leaf');
    (node as { version: number }).version = 2147483647;
    expect(h.write(req.setData('/open/leaf', null, 2147483647)).reply.body).toMatchObject({
      stat: { version: -2147483648 },
    });
    expect(h.errorOf(req.setData('/open/leaf', null, -2147483648))).toBe(0);
  });

  test('data longer than packetBytesMax is BadArguments, after path validation', () => {
    const h = setup();
    const overrides = { options: { packetBytesMax: 3 } };
    const tooLong = Buffer.alloc(4);
    expect(h.errorOf(req.setData('/open/leaf', tooLong), overrides)).toBe(E.BadArguments);
    expect(h.errorOf(req.setData('/missing', tooLong), overrides)).toBe(E.BadArguments);
    expect(h.errorOf(req.setData('/open/leaf', Buffer.alloc(3)), overrides)).toBe(0);
  });
});

// ZooKeeper: PrepRequestProcessor setACL branch.
describe('setACL error precedence', () => {
  runRows([
    ['session checks first', req.setAcl('bad', []), E.SessionExpired, expired],
    ['path validation before InvalidACL', req.setAcl('bad', []), E.BadArguments],
    ['InvalidACL before NoNode', req.setAcl('/missing', []), E.InvalidAcl],
    ['auth without a digest identity', req.setAcl('/open/leaf', acl(31, 'auth', '')), E.InvalidAcl],
    ['NoNode before NoAuth', req.setAcl('/missing', acl(31)), E.NoNode],
    ['NoAuth (ADMIN) before BadVersion', req.setAcl('/ro', acl(31), 7), E.NoAuth],
    ['BadVersion against aversion', req.setAcl('/open/leaf', acl(31), 1), E.BadVersion],
    ['aversion 0 matches', req.setAcl('/open/leaf', acl(31), 0), E.Ok],
  ]);

  test('setACL on /zookeeper/config checks aversion −1', () => {
    const h = setup();
    const superUser = { identities: [{ scheme: 'super', id: '' }] };
    expect(h.errorOf(req.setAcl('/zookeeper/config', acl(1), 0), superUser)).toBe(E.BadVersion);
    expect(
      h.write(req.setAcl('/zookeeper/config', acl(1), -1), superUser).reply.body,
    ).toMatchObject({ stat: { aversion: 0 } });
  });

  test('the stored ACL has duplicates removed and auth expanded', () => {
    const h = setup();
    const list: Acl[] = [...acl(1), ...acl(1), { perms: 31, id: { scheme: 'auth', id: '' } }];
    h.write(req.setAcl('/open/leaf', list), { identities: [alice] });
    expect(h.tree.getNode('/open/leaf')?.acl).toEqual([...acl(1), { perms: 31, id: alice }]);
  });
});

// ZooKeeper: PrepRequestProcessor check branch (inside multi only).
describe('check error precedence', () => {
  runRows([
    ['session checks first', req.multi([req.check('bad', 0)]), E.SessionExpired, expired],
    ['full path validation', req.multi([req.check('/open/leaf/', 0)]), E.BadArguments],
    ['NoNode before NoAuth', req.multi([req.check('/secret/x', 0)]), E.NoNode],
    ['NoAuth (READ) before BadVersion', req.multi([req.check('/secret', 5)]), E.NoAuth],
    ['BadVersion', req.multi([req.check('/open/leaf', 5)]), E.BadVersion],
    ['matching version', req.multi([req.check('/open/leaf', 0)]), E.Ok],
    ['−1 matches any', req.multi([req.check('/ro', -1)]), E.Ok],
  ]);
});

describe('writes against pending state', () => {
  test('a setData prepared on a node created by a still-pending txn sees it', () => {
    const h = setup();
    const create = h.prepare(createRequest('/open/new'));
    const set = h.prepare(req.setData('/open/new', null, 0));
    expect(set.body).toMatchObject({ type: 'setData', version: 1 });
    const again = h.prepare(req.setData('/open/new', null, 1));
    expect(again.body).toMatchObject({ type: 'setData', version: 2 });
    for (const txn of [create, set, again]) h.apply(txn);
    expect(h.stat('/open/new').version).toBe(2);
    expect(h.pending.size).toBe(0);
  });

  test('a pending setACL guards the next prepared write', () => {
    const h = setup();
    const lock = h.prepare(req.setAcl('/open/leaf', acl(1)));
    expect(h.prepare(req.setData('/open/leaf')).body).toEqual({ type: 'error', err: E.NoAuth });
    h.apply(lock);
  });
});
