// ClientSession failover, priming (auth, setWatches), expiry, auth failure, close and chroot,
// driven by hand with a fake clock and a scripted server side.

import { describe, expect, test } from 'vitest';
import {
  AddWatchMode,
  ErrorCode,
  EventType,
  KeeperState,
  Xid,
  ZooError,
} from '../protocol/index.js';
import { SessionHarness, statOf } from './testing/session-harness.js';

const servers = [
  { host: 'a', port: 1 },
  { host: 'b', port: 2 },
  { host: 'c', port: 3 },
];

function connectedHarness(): SessionHarness {
  const h = new SessionHarness({ servers, random: () => 0.5 });
  h.advance(0);
  h.acceptHandshake({ sessionId: 0x77n });
  h.outputs();
  return h;
}

describe('ClientSession failover', () => {
  test('shuffles the servers with the injected random and tries them round-robin', () => {
    const h = new SessionHarness({ servers, random: () => 0.5, reconnectDelayMaxMs: 10 });
    const order = h.session.serverOrder;
    expect([...order].sort((x, y) => x.port - y.port)).toEqual(servers);
    const tried = [];
    h.advance(0);
    for (let i = 0; i < 4; i++) {
      tried.push(h.server());
      h.closeTransport('refused');
      h.advance(10);
    }
    expect(tried).toEqual([order[0], order[1], order[2], order[0]]);
  });

  test('a dropped connection fails in-flight calls and reconnects to the next server', () => {
    const h = connectedHarness();
    const first = h.server();
    h.session.submit({ request: { type: 'sync', path: '/a' }, token: 's' });
    h.flush();
    h.reply({ xid: 1, zxid: 0x2an, body: { type: 'path', path: '/a' } });
    h.session.submit({ request: { type: 'getData', path: '/a', watch: false }, token: 'g' });
    h.flush();
    h.outputs();
    h.closeTransport('reset');
    expect(h.results()).toEqual([
      { type: 'disconnect', connectionId: 1, reason: 'reset' },
      {
        type: 'complete',
        token: 'g',
        outcome: { ok: false, error: new ZooError(ErrorCode.ConnectionLoss, '/a') },
      },
      { type: 'event', event: 'disconnected' },
    ]);
    expect(h.session.nextDeadlineMs()).toBe(h.nowMs);
    h.advance(0);
    expect(h.server()).not.toEqual(first);
    expect(h.connectRequest()).toMatchObject({
      sessionId: 0x77n,
      passwd: Buffer.alloc(16, 7),
      lastZxidSeen: 0x2an,
    });
    h.acceptHandshake();
    expect(h.session.sessionId).toBe(0x77n);
    expect(h.results()).toEqual([{ type: 'event', event: 'connected' }]);
  });

  test('after reconnecting re-sends auth, setWatches with lastZxidSeen, then held calls', () => {
    const h = connectedHarness();
    h.session.addAuth({ scheme: 'digest', auth: Buffer.from('u:p'), token: 'auth' });
    h.session.submit({
      request: { type: 'getData', path: '/d', watch: true },
      token: 'g',
      watcher: 'data-watch',
    });
    h.session.submit({
      request: { type: 'getChildren', path: '/c', watch: true, withStat: false },
      token: 'c',
      watcher: 'child-watch',
    });
    h.session.submit({
      request: { type: 'exists', path: '/e', watch: true },
      token: 'e',
      watcher: 'exist-watch',
    });
    h.flush();
    h.reply({ xid: Xid.auth, zxid: 0n });
    h.reply({ xid: 1, zxid: 10n, body: { type: 'getData', data: null, stat: statOf() } });
    h.reply({ xid: 2, zxid: 11n, body: { type: 'getChildren', children: [], stat: null } });
    h.reply({ xid: 3, zxid: 12n, err: ErrorCode.NoNode });
    expect(h.session.watchCount).toBe(3);
    h.closeTransport();
    h.advance(0);
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 'held' });
    h.acceptHandshake();
    expect(h.requests()).toEqual([
      {
        xid: Xid.auth,
        request: { type: 'auth', authType: 0, scheme: 'digest', auth: Buffer.from('u:p') },
      },
      {
        xid: 4,
        request: {
          type: 'setWatches',
          version: 1,
          relativeZxid: 12n,
          dataWatches: ['/d'],
          existWatches: ['/e'],
          childWatches: ['/c'],
          persistentWatches: [],
          persistentRecursiveWatches: [],
        },
      },
      { xid: 5, request: { type: 'sync', path: '/' } },
    ]);
  });

  test('uses setWatches2 when a persistent watch exists and keeps it across reconnects', () => {
    const h = connectedHarness();
    const mode = AddWatchMode.persistentRecursive;
    const request = { type: 'addWatch' as const, path: '/p', mode };
    h.session.submit({ request, token: 'add', watcher: 'rec' });
    h.flush();
    h.reply({ xid: 1, zxid: 3n, body: { type: 'addWatch' } });
    h.closeTransport();
    h.advance(0);
    h.acceptHandshake();
    const [setWatches] = h.requests();
    expect(setWatches?.request).toMatchObject({
      type: 'setWatches',
      version: 2,
      relativeZxid: 3n,
      persistentRecursiveWatches: ['/p'],
    });
    h.reply({ xid: setWatches?.xid ?? 0, body: null });
    h.outputs();
    h.notify(EventType.nodeCreated, '/p/x/y');
    h.notify(EventType.nodeChildrenChanged, '/p');
    expect(h.results()).toEqual([
      {
        type: 'watch',
        listeners: ['rec'],
        event: { type: EventType.nodeCreated, state: KeeperState.syncConnected, path: '/p/x/y' },
      },
    ]);
  });

  test('held calls ride over one failed server and fail once every server has failed', () => {
    const h = new SessionHarness({ servers, random: () => 0.5, reconnectDelayMaxMs: 10 });
    h.advance(0);
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 'held' });
    h.closeTransport('refused');
    h.advance(10);
    h.closeTransport('refused');
    expect(h.results().filter((o) => o.type === 'complete')).toEqual([]);
    h.advance(10);
    h.closeTransport('refused');
    expect(h.results().filter((o) => o.type === 'complete')).toEqual([
      {
        type: 'complete',
        token: 'held',
        outcome: { ok: false, error: new ZooError(ErrorCode.ConnectionLoss, '/') },
      },
    ]);
  });

  test('a held call is sent when the second server answers', () => {
    const h = new SessionHarness({ servers, random: () => 0.5, reconnectDelayMaxMs: 10 });
    h.advance(0);
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 'held' });
    h.closeTransport('refused');
    h.advance(10);
    h.acceptHandshake();
    expect(h.requests()).toEqual([{ xid: 1, request: { type: 'sync', path: '/' } }]);
  });

  test('an expired session fails held calls, tells each watcher, and refuses later calls', () => {
    const h = connectedHarness();
    h.session.submit({
      request: { type: 'exists', path: '/e', watch: true },
      token: 'e',
      watcher: 'w',
    });
    h.flush();
    h.reply({ xid: 1, err: ErrorCode.NoNode });
    h.closeTransport();
    h.advance(0);
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 'held' });
    h.outputs();
    h.rejectHandshakeAsExpired();
    expect(h.results()).toEqual([
      { type: 'disconnect', connectionId: 2, reason: 'session expired' },
      {
        type: 'complete',
        token: 'held',
        outcome: { ok: false, error: new ZooError(ErrorCode.SessionExpired, '/') },
      },
      {
        type: 'watch',
        listeners: ['w'],
        event: { type: EventType.none, state: KeeperState.expired, path: '/e' },
      },
      { type: 'event', event: 'expired' },
    ]);
    expect(h.session.state).toBe('expired');
    expect(h.session.nextDeadlineMs()).toBeNull();
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 'late' });
    expect(h.results()).toEqual([
      {
        type: 'complete',
        token: 'late',
        outcome: { ok: false, error: new ZooError(ErrorCode.SessionExpired) },
      },
    ]);
  });

  test('an AuthFailed auth reply ends the session as authFailed', () => {
    const h = connectedHarness();
    h.session.addAuth({ scheme: 'bogus', auth: Buffer.from('x'), token: 'auth' });
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 's' });
    h.flush();
    h.outputs();
    h.reply({ xid: Xid.auth, zxid: 0n, err: ErrorCode.AuthFailed });
    const results = h.results();
    expect(results).toContainEqual({
      type: 'complete',
      token: 'auth',
      outcome: { ok: false, error: new ZooError(ErrorCode.AuthFailed) },
    });
    expect(results).toContainEqual({
      type: 'complete',
      token: 's',
      outcome: { ok: false, error: new ZooError(ErrorCode.AuthFailed, '/') },
    });
    expect(results[results.length - 1]).toEqual({ type: 'event', event: 'authFailed' });
    expect(h.session.state).toBe('authFailed');
  });
});

describe('ClientSession close', () => {
  test('sends closeSession after earlier calls and ends when it is answered', () => {
    const h = connectedHarness();
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 's' });
    h.session.close('close', h.nowMs);
    expect(h.requests().map((r) => r.request.type)).toEqual(['sync', 'closeSession']);
    expect(h.session.state).toBe('closing');
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 'late' });
    h.reply({ xid: 1, body: { type: 'path', path: '/' } });
    h.reply({ xid: 2, body: null });
    expect(h.results().map((o) => (o.type === 'complete' ? o.token : o.type))).toEqual([
      'late',
      's',
      'disconnect',
      'event',
      'close',
    ]);
    expect(h.session.state).toBe('closed');
  });

  test('closes at once when no connection is open', () => {
    const h = new SessionHarness();
    h.advance(0);
    h.session.close('close', h.nowMs);
    expect(h.results()).toEqual([
      { type: 'disconnect', connectionId: 1, reason: 'closed while not connected' },
      { type: 'event', event: 'closed' },
      {
        type: 'complete',
        token: 'close',
        outcome: { ok: true, response: { type: 'empty' }, zxid: 0n },
      },
    ]);
  });

  test('a connection lost while closing ends the session as closed', () => {
    const h = connectedHarness();
    h.session.close('close', h.nowMs);
    h.outputs();
    h.closeTransport();
    expect(h.session.state).toBe('closed');
    expect(h.results().map((o) => o.type)).toEqual(['disconnect', 'event', 'complete']);
  });
});

describe('ClientSession chroot', () => {
  test('prefixes request paths and strips the chroot from results and events', () => {
    const h = new SessionHarness({ chroot: '/app' });
    h.advance(0);
    h.acceptHandshake();
    const create = {
      type: 'create' as const,
      variant: 'create' as const,
      path: '/q-',
      data: null,
      acl: [],
      flags: 2,
      ttl: -1n,
    };
    h.session.submit({ request: create, token: 'c' });
    const getData = { type: 'getData' as const, path: '/x', watch: true };
    h.session.submit({ request: getData, token: 'g', watcher: 'w' });
    h.flush();
    expect(h.requests().map((r) => ('path' in r.request ? r.request.path : null))).toEqual([
      '/app/q-',
      '/app/x',
    ]);
    h.outputs();
    h.reply({ xid: 1, body: { type: 'create', path: '/app/q-0000000001', stat: null } });
    h.reply({ xid: 2, body: { type: 'getData', data: null, stat: statOf() } });
    h.notify(EventType.nodeDataChanged, '/app/x');
    h.notify(EventType.nodeDataChanged, '/other/x');
    const results = h.results();
    expect(results[0]).toMatchObject({ outcome: { response: { path: '/q-0000000001' } } });
    expect(results[2]).toMatchObject({ type: 'watch', event: { path: '/x' } });
    expect(results).toHaveLength(3);
  });
});
