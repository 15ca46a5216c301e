// ZooClient operations over the in-memory FakeZooServer: CRUD, create modes, typed errors,
// multi and multiRead, chroot.

import { describe, expect, test } from 'vitest';
import { CreateMode, ErrorCode, OPEN_ACL_UNSAFE, Perms, ZooError } from '../protocol/index.js';
import { connectedFixture } from './testing/client-fixture.js';
import { TransactionError } from './transaction.js';

async function rejection(promise: Promise<unknown>): Promise<ZooError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ZooError)) throw new Error(`expected a ZooError, got ${String(error)}`);
  return error;
}

describe('ZooClient basic operations', () => {
  test('create, getData, setData, exists and delete round-trip', async () => {
    const { client } = await connectedFixture();
    expect(await client.create('/a', 'hello')).toBe('/a');
    const { data, stat } = await client.getData('/a');
    expect(data?.toString()).toBe('hello');
    expect(stat.version).toBe(0);
    expect((await client.setData('/a', Buffer.from('bye'), 0)).version).toBe(1);
    expect((await client.exists('/a'))?.dataLength).toBe(3);
    await client.delete('/a', 1);
    expect(await client.exists('/a')).toBeNull();
  });

  test("failures reject with ZooError carrying ZooKeeper's code and the path", async () => {
    const { client } = await connectedFixture();
    await client.create('/a');
    const noNode = await rejection(client.getData('/missing'));
    expect(noNode.code).toBe(ErrorCode.NoNode);
    expect(noNode.path).toBe('/missing');
    expect((await rejection(client.create('/a'))).code).toBe(ErrorCode.NodeExists);
    expect((await rejection(client.setData('/a', 'x', 7))).code).toBe(ErrorCode.BadVersion);
    expect((await rejection(client.create('/x/y'))).code).toBe(ErrorCode.NoNode);
    expect((await rejection(client.getData('bad'))).code).toBe(ErrorCode.BadArguments);
  });

  test('create modes: ephemeral, sequential, container and TTL use their opcodes', async () => {
    const { client, server } = await connectedFixture();
    expect(await client.create('/e', null, { mode: CreateMode.ephemeral })).toBe('/e');
    expect(await client.create('/q-', null, { mode: CreateMode.persistentSequential })).toBe(
      '/q-0000000001',
    );
    const container = await client.createWithStat('/c', null, { mode: CreateMode.container });
    expect(container.path).toBe('/c');
    const ttl = await client.createWithStat('/t', 'x', {
      mode: CreateMode.persistentWithTtl,
      ttlMs: 5_000,
    });
    expect(ttl.stat.dataLength).toBe(1);
    const creates = server.log.flatMap(({ request }) =>
      request.type === 'create' ? [[request.variant, request.flags, request.ttl]] : [],
    );
    expect(creates).toEqual([
      ['create', 1, -1n],
      ['create', 2, -1n],
      ['createContainer', 4, -1n],
      ['createTTL', 5, 5000n],
    ]);
    expect(await client.getEphemerals()).toEqual(['/e']);
  });

  test('a TTL mode needs a TTL in range; other modes refuse one', async () => {
    const { client } = await connectedFixture();
    const ttlMode = { mode: CreateMode.persistentWithTtl };
    expect((await rejection(client.create('/t', null, ttlMode))).code).toBe(ErrorCode.BadArguments);
    expect((await rejection(client.create('/t', null, { ...ttlMode, ttlMs: 0 }))).code).toBe(
      ErrorCode.BadArguments,
    );
    expect((await rejection(client.create('/t', null, { ttlMs: 10 }))).code).toBe(
      ErrorCode.BadArguments,
    );
  });

  test("createWithStat returns the new node's stat", async () => {
    const { client } = await connectedFixture();
    const { path, stat } = await client.createWithStat('/s', 'abc');
    expect(path).toBe('/s');
    expect(stat).toEqual(await client.exists('/s'));
  });

  test('children, counts, ACLs, sync and whoAmI', async () => {
    const { client } = await connectedFixture();
    await client.create('/p');
    await client.create('/p/a');
    await client.create('/p/a/b');
    expect(await client.getChildren('/p')).toEqual(['a']);
    const withStat = await client.getChildrenWithStat('/p');
    expect(withStat.stat.numChildren).toBe(1);
    expect(await client.getAllChildrenNumber('/p')).toBe(2);
    const readOnly = [{ perms: Perms.read, id: { scheme: 'world', id: 'anyone' } }];
    expect((await client.setACL('/p', readOnly, 0)).aversion).toBe(1);
    expect((await client.getACL('/p')).acl).toEqual(readOnly);
    await client.sync('/p');
    expect(await client.whoAmI()).toEqual([{ authScheme: 'ip', user: '127.0.0.1' }]);
    expect((await client.getACL('/p/a')).acl).toEqual(OPEN_ACL_UNSAFE);
  });
});

describe('ZooClient multi', () => {
  test('a committed transaction returns one result per op', async () => {
    const { client } = await connectedFixture();
    await client.create('/m', 'v0');
    const results = await client
      .transaction()
      .check('/m', 0)
      .create('/m/child', 'x')
      .setData('/m', 'v1', 0)
      .delete('/m/child')
      .commit();
    expect(results.map((r) => r.type)).toEqual(['check', 'create', 'setData', 'delete']);
    expect(results[1]).toEqual({ type: 'create', path: '/m/child', stat: null });
    expect((await client.getData('/m')).data?.toString()).toBe('v1');
  });

  test('a failed transaction rejects with TransactionError and applies nothing', async () => {
    const { client } = await connectedFixture();
    await client.create('/m');
    const error = await client
      .multi([
        { type: 'create', path: '/m/a' },
        { type: 'check', path: '/m', version: 5 },
        { type: 'delete', path: '/m' },
      ])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TransactionError);
    const failure = error as TransactionError;
    expect(failure.code).toBe(ErrorCode.BadVersion);
    expect(failure.path).toBe('/m');
    expect(failure.failedIndex).toBe(1);
    expect(failure.results).toEqual([
      { type: 'error', code: ErrorCode.Ok },
      { type: 'error', code: ErrorCode.BadVersion },
      { type: 'error', code: ErrorCode.RuntimeInconsistency },
    ]);
    expect(await client.exists('/m/a')).toBeNull();
  });

  test("multiRead returns each read's result or error on its own", async () => {
    const { client } = await connectedFixture();
    await client.create('/r', 'data');
    const results = await client.multiRead([
      { type: 'getData', path: '/r' },
      { type: 'getChildren', path: '/missing' },
      { type: 'getChildren', path: '/' },
    ]);
    expect(results[0]).toMatchObject({ type: 'getData', data: Buffer.from('data') });
    const noNode = new ZooError(ErrorCode.NoNode, '/missing');
    expect(results[1]).toEqual({ type: 'error', error: noNode });
    expect(results[2]).toEqual({ type: 'getChildren', children: ['r'] });
  });
});

describe('ZooClient chroot', () => {
  test('paths are relative to the chroot in calls, results and events', async () => {
    const base = await connectedFixture('a:1');
    await base.client.create('/app');
    const { client } = await connectedFixture('a:1/app', { server: base.server });
    const events: string[] = [];
    expect(await client.create('/n-', null, { mode: CreateMode.persistentSequential })).toBe(
      '/n-0000000000',
    );
    await client.getChildren('/', { watch: (e) => events.push(`${e.type} ${e.path}`) });
    await client.create('/x');
    expect(events).toEqual(['4 /']);
    expect((await base.client.getChildren('/app')).sort()).toEqual(['n-0000000000', 'x']);
  });
});
