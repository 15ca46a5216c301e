// ClientSession unit tests driven by hand (fake clock, scripted server side): handshake,
// pipelining and xid order, reply matching, limits, ping and timeout timing, watch delivery.

import { describe, expect, test } from 'vitest';
import { ErrorCode, EventType, Xid, ZooError } from '../protocol/index.js';
import type { GetDataRequest } from '../protocol/index.js';
import { SessionHarness, statOf } from './testing/session-harness.js';

const getData = (path: string, watch = false): GetDataRequest => ({ type: 'getData', path, watch });

function connected(options: ConstructorParameters<typeof SessionHarness>[0] = {}): SessionHarness {
  const h = new SessionHarness(options);
  h.advance(0);
  h.acceptHandshake();
  h.outputs();
  return h;
}

describe('ClientSession handshake', () => {
  test('connects at once and sends a ConnectRequest for a new session', () => {
    const h = new SessionHarness({ sessionTimeoutMs: 12_000 });
    h.advance(0);
    expect(h.outputs().map((o) => o.type)).toEqual(['connect', 'send']);
    expect(h.connectRequest()).toEqual({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeoutMs: 12_000,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: false,
    });
    expect(h.session.state).toBe('connecting');
  });

  test('takes the negotiated timeout, session id and password from the ConnectResponse', () => {
    const h = new SessionHarness();
    h.advance(0);
    h.acceptHandshake({ timeoutMs: 9_000, sessionId: 0x42n });
    expect(h.results()).toEqual([{ type: 'event', event: 'connected' }]);
    expect(h.session.state).toBe('connected');
    expect(h.session.negotiatedTimeoutMs).toBe(9_000);
    expect(h.session.sessionId).toBe(0x42n);
    expect(h.session.passwd).toEqual(Buffer.alloc(16, 7));
  });

  test('reports a read-only server as connectedReadOnly', () => {
    const h = new SessionHarness({ canBeReadOnly: true });
    h.advance(0);
    expect(h.connectRequest().readOnly).toBe(true);
    h.acceptHandshake({ readOnly: true });
    expect(h.results()).toEqual([{ type: 'event', event: 'connectedReadOnly' }]);
    expect(h.session.state).toBe('connectedReadOnly');
  });
});

describe('ClientSession requests', () => {
  test('holds calls made before the handshake and sends them after it, in call order', () => {
    const h = new SessionHarness();
    h.advance(0);
    h.session.submit({ request: getData('/a'), token: 'a' });
    h.session.submit({ request: getData('/b'), token: 'b' });
    expect(h.requests()).toEqual([]);
    h.acceptHandshake();
    expect(h.requests()).toEqual([
      { xid: 1, request: getData('/a') },
      { xid: 2, request: getData('/b') },
    ]);
  });

  test('pipelines calls: all go out in one send at the next flush, before any reply', () => {
    const h = connected();
    for (const path of ['/a', '/b', '/c']) {
      h.session.submit({ request: getData(path), token: path });
    }
    expect(h.session.hasUnflushedBytes).toBe(true);
    expect(h.outputs()).toEqual([]);
    h.flush();
    const sends = h.outputs().filter((o) => o.type === 'send');
    expect(sends).toHaveLength(1);
    expect(h.requests().map((r) => r.xid)).toEqual([1, 2, 3]);
    expect(h.session.inFlightXids).toEqual([1, 2, 3]);
  });

  test('completes replies in order with the decoded body and the reply zxid', () => {
    const h = connected();
    h.session.submit({ request: getData('/a'), token: 'a' });
    h.session.submit({ request: getData('/b'), token: 'b' });
    h.flush();
    const body = { type: 'getData' as const, data: Buffer.from('x'), stat: statOf() };
    h.reply({ xid: 1, zxid: 5n, body });
    h.reply({ xid: 2, zxid: 6n, err: ErrorCode.NoNode });
    expect(h.results()).toEqual([
      { type: 'complete', token: 'a', outcome: { ok: true, response: body, zxid: 5n } },
      {
        type: 'complete',
        token: 'b',
        outcome: { ok: false, error: new ZooError(ErrorCode.NoNode, '/b') },
      },
    ]);
    expect(h.session.lastZxidSeen).toBe(6n);
  });

  test('a reply that does not match the oldest xid is a protocol error: connection lost', () => {
    const h = connected();
    h.session.submit({ request: getData('/a'), token: 'a' });
    h.session.submit({ request: getData('/b'), token: 'b' });
    h.flush();
    h.outputs();
    h.reply({ xid: 2, body: { type: 'getData', data: null, stat: statOf() } });
    const results = h.outputs();
    expect(results[0]).toMatchObject({ type: 'disconnect' });
    expect(results.slice(1)).toEqual([
      { type: 'complete', token: 'a', outcome: { ok: false, error: expect.any(ZooError) } },
      { type: 'complete', token: 'b', outcome: { ok: false, error: expect.any(ZooError) } },
      { type: 'event', event: 'disconnected' },
    ]);
    const codes = results.flatMap((o) =>
      o.type === 'complete' && !o.outcome.ok ? [o.outcome.error.code] : [],
    );
    expect(codes).toEqual([ErrorCode.ConnectionLoss, ErrorCode.ConnectionLoss]);
  });

  test('lastZxidSeen never goes backwards when a reply carries an older zxid', () => {
    const h = connected();
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 's1' });
    h.session.submit({ request: { type: 'sync', path: '/' }, token: 's2' });
    h.flush();
    h.reply({ xid: 1, zxid: 9n, body: { type: 'path', path: '/' } });
    h.reply({ xid: 2, zxid: 4n, body: { type: 'path', path: '/' } });
    expect(h.session.lastZxidSeen).toBe(9n);
  });

  test('rejects an invalid path with BadArguments without sending it', () => {
    const h = connected();
    h.session.submit({ request: getData('no-slash'), token: 'bad' });
    h.session.submit({ request: getData('/a/'), token: 'trailing' });
    h.flush();
    expect(h.requests()).toEqual([]);
    expect(h.results()).toEqual([
      {
        type: 'complete',
        token: 'bad',
        outcome: { ok: false, error: new ZooError(ErrorCode.BadArguments, 'no-slash') },
      },
      {
        type: 'complete',
        token: 'trailing',
        outcome: { ok: false, error: new ZooError(ErrorCode.BadArguments, '/a/') },
      },
    ]);
  });

  test('fails calls beyond requestsOutstandingMax with ThrottledOp', () => {
    const h = connected({ requestsOutstandingMax: 2 });
    for (const token of ['a', 'b', 'c']) h.session.submit({ request: getData('/x'), token });
    const failed = h.results();
    expect(failed).toEqual([
      {
        type: 'complete',
        token: 'c',
        outcome: { ok: false, error: new ZooError(ErrorCode.ThrottledOp, '/x') },
      },
    ]);
  });

  test('a request larger than packetBytesMax fails alone and the connection stays up', () => {
    const h = connected({ packetBytesMax: 1024 });
    const create = {
      type: 'create' as const,
      variant: 'create' as const,
      path: '/big',
      data: Buffer.alloc(2048),
      acl: [],
      flags: 0,
      ttl: -1n,
    };
    h.session.submit({ request: create, token: 'big' });
    h.session.submit({ request: getData('/small'), token: 'small' });
    h.flush();
    expect(h.requests()).toEqual([{ xid: 2, request: getData('/small') }]);
    expect(h.results()).toEqual([
      {
        type: 'complete',
        token: 'big',
        outcome: { ok: false, error: new ZooError(ErrorCode.MarshallingError, '/big') },
      },
    ]);
    expect(h.session.state).toBe('connected');
  });
});

describe('ClientSession timing', () => {
  test('pings after a third of the negotiated timeout without sending', () => {
    const h = connected();
    h.advance(9_999);
    expect(h.outputs()).toEqual([]);
    expect(h.session.nextDeadlineMs()).toBe(10_000);
    h.advance(1);
    const pings = h.requests().filter((r) => r.xid === Xid.ping);
    expect(pings).toEqual([{ xid: Xid.ping, request: { type: 'ping' } }]);
  });

  test('a sent request postpones the next ping', () => {
    const h = connected();
    h.advance(6_000);
    h.session.submit({ request: getData('/a'), token: 'a' });
    h.flush();
    h.advance(4_000);
    expect(h.requests().some((r) => r.xid === Xid.ping)).toBe(false);
    expect(h.session.nextDeadlineMs()).toBe(16_000);
  });

  test('drops a connection that receives nothing for two thirds of the timeout', () => {
    const h = connected();
    h.session.submit({ request: getData('/a'), token: 'a' });
    h.flush();
    h.advance(19_999);
    expect(h.session.state).toBe('connected');
    h.reply({ xid: Xid.ping, body: null });
    h.advance(19_999);
    expect(h.session.state).toBe('connected');
    h.advance(1);
    expect(h.session.state).toBe('connecting');
    expect(h.outputs()).toContainEqual({
      type: 'complete',
      token: 'a',
      outcome: { ok: false, error: new ZooError(ErrorCode.ConnectionLoss, '/a') },
    });
  });

  test('abandons a handshake after timeout / servers and tries the next server', () => {
    const servers = [
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
      { host: 'c', port: 3 },
    ];
    const h = new SessionHarness({ servers, sessionTimeoutMs: 30_000, reconnectDelayMaxMs: 500 });
    h.advance(0);
    const first = h.server();
    h.advance(9_999);
    expect(h.server()).toEqual(first);
    h.advance(1);
    expect(h.outputs().map((o) => o.type)).toContain('disconnect');
    // random() is 0, so the retry after a single failed attempt has no pause.
    h.advance(0);
    expect(h.server()).not.toEqual(first);
  });

  test('waits the full reconnect pause after every server has failed once', () => {
    const h = new SessionHarness({ reconnectDelayMaxMs: 700 });
    h.advance(0);
    h.closeTransport('refused');
    expect(h.session.nextDeadlineMs()).toBe(700);
    const before = h.connectionId;
    h.advance(699);
    expect(h.connectionId).toBe(before);
    h.advance(1);
    expect(h.connectionId).toBe(before + 1);
  });
});

describe('ClientSession watches', () => {
  test('delivers a notification before the completion of the reply that follows it', () => {
    const h = connected();
    h.session.submit({ request: getData('/a', true), token: 'read', watcher: 'w' });
    h.flush();
    h.reply({ xid: 1, body: { type: 'getData', data: null, stat: statOf() } });
    h.session.submit({ request: { type: 'delete', path: '/a', version: -1 }, token: 'delete' });
    h.flush();
    h.outputs();
    h.notify(EventType.nodeDeleted, '/a');
    h.reply({ xid: 2, body: null });
    expect(h.results().map((o) => (o.type === 'complete' ? o.token : o.type))).toEqual([
      'watch',
      'delete',
    ]);
  });

  test('exists on a missing node arms an exist watch; getData on one arms nothing', () => {
    const h = connected();
    const exists = { type: 'exists' as const, path: '/a', watch: true };
    h.session.submit({ request: exists, token: 'e', watcher: 'we' });
    h.session.submit({ request: getData('/b', true), token: 'g', watcher: 'wg' });
    h.flush();
    h.reply({ xid: 1, err: ErrorCode.NoNode });
    h.reply({ xid: 2, err: ErrorCode.NoNode });
    expect(h.session.watchCount).toBe(1);
    h.outputs();
    h.notify(EventType.nodeCreated, '/a');
    h.notify(EventType.nodeCreated, '/b');
    expect(h.results()).toEqual([
      {
        type: 'watch',
        listeners: ['we'],
        event: { type: EventType.nodeCreated, state: 3, path: '/a' },
      },
    ]);
    expect(h.session.watchCount).toBe(0);
  });
});
