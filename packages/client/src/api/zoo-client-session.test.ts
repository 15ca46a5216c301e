// ZooClient over the in-memory FakeZooServer and a manual clock: watches, pipelining,
// failover, pings and read timeouts, expiry, auth, close and session resume.

import { describe, expect, test } from 'vitest';
import {
  AddWatchMode,
  ErrorCode,
  EventType,
  KeeperState,
  WatcherType,
  ZooError,
} from '../protocol/index.js';
import type { WatchEvent } from '../core/session-types.js';
import { connectedFixture, fixture } from './testing/client-fixture.js';
import { settle } from './testing/manual-env.js';

const codeOf = (promise: Promise<unknown>): Promise<number | null> =>
  promise.then(
    () => null,
    (e: unknown) => (e instanceof ZooError ? e.code : null),
  );

describe('ZooClient watches', () => {
  test('a one-shot getData watch fires once, before the reply of the write', async () => {
    const { client } = await connectedFixture();
    await client.create('/w', 'a');
    const order: string[] = [];
    await client.getData('/w', { watch: (e) => order.push(`watch ${e.type} ${e.path}`) });
    await client.setData('/w', 'b').then(() => order.push('setData resolved'));
    await client.setData('/w', 'c');
    expect(order).toEqual([`watch ${EventType.nodeDataChanged} /w`, 'setData resolved']);
  });

  test('exists arms a watch on a missing node that fires on NodeCreated', async () => {
    const { client } = await connectedFixture();
    const events: WatchEvent[] = [];
    expect(await client.exists('/later', { watch: (e) => events.push(e) })).toBeNull();
    await client.create('/later');
    expect(events).toEqual([
      { type: EventType.nodeCreated, state: KeeperState.syncConnected, path: '/later' },
    ]);
  });

  test("another client's writes reach this client's child watch", async () => {
    const one = await connectedFixture();
    const two = await connectedFixture('a:1', { server: one.server });
    const events: number[] = [];
    await one.client.getChildren('/', { watch: (e) => events.push(e.type) });
    await two.client.create('/kid');
    await settle();
    expect(events).toEqual([EventType.nodeChildrenChanged]);
  });

  test('a persistent recursive watch hears every change below it and keeps firing', async () => {
    const { client } = await connectedFixture();
    await client.create('/r');
    const events: string[] = [];
    await client.addWatch('/r', AddWatchMode.persistentRecursive, (e) => {
      events.push(`${e.type} ${e.path}`);
    });
    await client.create('/r/a');
    await client.setData('/r/a', 'x');
    await client.delete('/r/a');
    expect(events).toEqual(['1 /r/a', '3 /r/a', '2 /r/a']);
  });

  test('removeWatches tells the removed listener and stops its events', async () => {
    const { client, server } = await connectedFixture();
    await client.create('/rw');
    const events: number[] = [];
    const listener = (e: WatchEvent): void => {
      events.push(e.type);
    };
    await client.getData('/rw', { watch: listener });
    await client.removeWatches('/rw', WatcherType.data, { listener });
    await client.setData('/rw', 'x');
    expect(events).toEqual([EventType.dataWatchRemoved]);
    expect(server.log.map((l) => l.request.type)).toContain('checkWatches');
    expect(await codeOf(client.removeWatches('/rw', WatcherType.any))).toBe(ErrorCode.NoWatcher);
    expect(await codeOf(client.checkWatches('/rw', WatcherType.data))).toBe(ErrorCode.NoWatcher);
  });
});

describe('ZooClient pipelining', () => {
  test('calls issued in one turn go out in one transport write', async () => {
    const { client, writes } = await connectedFixture();
    await client.create('/p');
    const before = writes.length;
    const reads = Array.from({ length: 200 }, () => client.getData('/p'));
    await Promise.all(reads);
    expect(writes.length - before).toBe(1);
  });
});

describe('ZooClient failover', () => {
  test('a drop fails calls in flight with ConnectionLoss; the session resumes', async () => {
    const f = await connectedFixture('a:1,b:2');
    const { client, server, events } = f;
    const firstAddress = server.connectedAddresses[0];
    const sessionId = client.sessionId;
    await client.create('/keep');
    const watched: number[] = [];
    await client.getData('/keep', { watch: (e) => watched.push(e.type) });
    server.isSilent = true;
    const inFlight = client.getData('/keep');
    await settle();
    server.isSilent = false;
    server.dropConnections();
    expect(await codeOf(inFlight)).toBe(ErrorCode.ConnectionLoss);
    await f.env.advance(0);
    await client.ready();
    expect(server.connectedAddresses).not.toContain(firstAddress);
    expect(client.sessionId).toBe(sessionId);
    expect(events).toEqual(['connected', 'disconnected', 'connected']);
    const setWatches = server.log.filter((l) => l.request.type === 'setWatches');
    expect(setWatches).toHaveLength(1);
    await client.setData('/keep', 'changed');
    expect(watched).toEqual([EventType.nodeDataChanged]);
  });

  test('a silent server is dropped after 2/3 of the timeout; pings keep a live one', async () => {
    const f = await connectedFixture('a:1', { sessionTimeoutMs: 9_000 });
    await f.env.advance(30_000);
    expect(f.events).toEqual(['connected']);
    expect(f.server.log.filter((l) => l.request.type === 'ping').length).toBeGreaterThanOrEqual(9);
    f.server.isSilent = true;
    await f.env.advance(5_999);
    expect(f.events).toEqual(['connected']);
    await f.env.advance(1);
    expect(f.events).toEqual(['connected', 'disconnected', 'connected']);
  });

  test('an expired session rejects calls with SessionExpired and tells watchers', async () => {
    const f = await connectedFixture();
    const watched: WatchEvent[] = [];
    await f.client.exists('/e', { watch: (e) => watched.push(e) });
    f.server.expireSession(f.client.sessionId);
    await settle();
    await f.env.advance(0);
    expect(f.events).toEqual(['connected', 'disconnected', 'expired']);
    expect(f.client.state).toBe('expired');
    expect(watched).toEqual([{ type: EventType.none, state: KeeperState.expired, path: '/e' }]);
    expect(await codeOf(f.client.getData('/'))).toBe(ErrorCode.SessionExpired);
    expect(f.env.timerCount).toBe(0);
  });

  test('a refused first server is skipped for the next one', async () => {
    const f = fixture('a:1,b:2', { reconnectDelayMaxMs: 10 });
    f.server.refused.add('a:1');
    f.server.refused.add('b:2');
    await settle();
    f.server.refused.clear();
    await f.env.advance(10);
    await f.client.ready();
    expect(f.events).toEqual(['connected']);
  });
});

describe('ZooClient auth and close', () => {
  test('digest credentials authenticate and are re-sent after a reconnect', async () => {
    const { client, server, env } = await connectedFixture('a:1,b:2');
    await client.addAuth('digest', 'alice:secret');
    expect(await client.whoAmI()).toContainEqual({ authScheme: 'digest', user: 'alice' });
    server.dropConnections();
    await env.advance(0);
    await client.ready();
    expect(await client.whoAmI()).toContainEqual({ authScheme: 'digest', user: 'alice' });
    expect(server.log.filter((l) => l.request.type === 'auth')).toHaveLength(2);
  });

  test('a rejected scheme ends the session with authFailed', async () => {
    const f = await connectedFixture();
    expect(await codeOf(f.client.addAuth('bogus', 'x'))).toBe(ErrorCode.AuthFailed);
    expect(f.client.state).toBe('authFailed');
    expect(f.events).toEqual(['connected', 'authFailed']);
    expect(await codeOf(f.client.getData('/'))).toBe(ErrorCode.AuthFailed);
  });

  test('close ends the session: ephemerals vanish at once and later calls fail', async () => {
    const owner = await connectedFixture();
    const other = await connectedFixture('a:1', { server: owner.server });
    await owner.client.create('/eph', null, { mode: 1 });
    await owner.client.close();
    expect(owner.events).toEqual(['connected', 'closed']);
    expect(await other.client.exists('/eph')).toBeNull();
    expect(await codeOf(owner.client.getData('/'))).toBe(ErrorCode.SessionExpired);
    await owner.client.close();
    expect(owner.env.timerCount).toBe(0);
  });

  test('a second client can resume the session with its id and password', async () => {
    const first = await connectedFixture();
    const second = await connectedFixture('a:1', {
      server: first.server,
      session: { id: first.client.sessionId, passwd: first.client.sessionPasswd },
    });
    expect(second.client.sessionId).toBe(first.client.sessionId);
  });
});
