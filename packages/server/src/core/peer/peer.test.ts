// Peer core scenarios driven by hand (inputs and ticks in, client messages out), following
// ZooKeeper's request pipeline: PrepRequestProcessor → FinalRequestProcessor, SessionTrackerImpl.

import { describe, expect, test } from 'vitest';
import { ErrorCode, EventType, OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Request } from '@zoo/client/protocol';
import { PeerHarness } from '../testing/peer-harness.js';

const acl = [...OPEN_ACL_UNSAFE];
const create = (path: string, flags = 0, data: string | null = 'x'): Request => ({
  type: 'create',
  variant: 'create',
  path,
  data: data === null ? null : Buffer.from(data),
  acl,
  flags,
  ttl: -1n,
});
const getData = (path: string, watch = false): Request => ({ type: 'getData', path, watch });

describe('Peer: handshake', () => {
  test('a new session consumes zxid 1 and negotiates the timeout into 2..20 ticks', () => {
    const h = new PeerHarness({ tickMs: 2000 });
    const connectionId = h.open();
    const response = h.connect(connectionId, { timeoutMs: 1000 });
    expect(response?.timeoutMs).toBe(4000);
    expect(h.peer.lastZxid).toBe(1n);
    expect(response?.sessionId === undefined ? 0n : response.sessionId >> 56n).toBe(1n);
    const big = h.connect(h.open(), { timeoutMs: 1_000_000 });
    expect(big?.timeoutMs).toBe(40_000);
  });

  test('requests pipelined behind the ConnectRequest are answered after it, in order', () => {
    const h = new PeerHarness();
    const c = h.open();
    h.peer.step({
      type: 'connect',
      connectionId: c,
      request: {
        protocolVersion: 0,
        lastZxidSeen: 0n,
        timeoutMs: 10_000,
        sessionId: 0n,
        passwd: Buffer.alloc(16),
      },
    });
    h.send(c, 1, create('/a'));
    h.send(c, 2, getData('/a'));
    h.settle();
    expect(h.transcript(c)).toEqual([
      'connected timeout=10000',
      'reply xid=1 err=0',
      'reply xid=2 err=0',
    ]);
  });

  test('a client that has seen a newer zxid is closed without any response', () => {
    const h = new PeerHarness();
    const c = h.open();
    expect(h.connect(c, { lastZxidSeen: 99n })).toBeNull();
    expect(h.transcript(c)).toEqual(['close']);
  });

  test('resume with the right password keeps the session; a wrong one is told expired', () => {
    const h = new PeerHarness();
    const first = h.session();
    const resumed = h.connect(h.open(), { sessionId: first.sessionId, passwd: first.passwd });
    expect(resumed?.sessionId).toBe(first.sessionId);
    // ZooKeeper closes the session's previous connection when it moves.
    expect(h.transcript(first.connectionId).at(-1)).toBe('close');
    const bad = h.open();
    const refused = h.connect(bad, { sessionId: first.sessionId, passwd: Buffer.alloc(16, 1) });
    expect(refused).toMatchObject({ timeoutMs: 0, sessionId: 0n });
    expect(refused?.passwd).toEqual(Buffer.alloc(16));
    expect(h.transcript(bad)).toEqual(['connected timeout=0', 'close']);
  });

  test('the readOnly byte is echoed only when the client sent it', () => {
    const h = new PeerHarness();
    expect(h.connect(h.open())).not.toHaveProperty('readOnly');
    expect(h.connect(h.open(), { readOnly: true })).toMatchObject({ readOnly: false });
  });
});

describe('Peer: request order', () => {
  test("a read waits behind its own session's pending write; replies keep request order", () => {
    const h = new PeerHarness();
    const { connectionId: c } = h.session();
    h.send(c, 1, create('/a'));
    h.send(c, 2, getData('/a'));
    h.send(c, 3, { type: 'exists', path: '/missing', watch: false });
    h.settle();
    const replies = h.messages.filter((m) => m.kind === 'reply' && m.connectionId === c);
    expect(
      replies.map((m) => (m.kind === 'reply' ? [m.reply.header.xid, m.reply.header.err] : [])),
    ).toEqual([
      [1, 0],
      [2, 0],
      [3, ErrorCode.NoNode],
    ]);
  });

  test('a notification reaches a watcher before the reply of the write that caused it', () => {
    const h = new PeerHarness();
    const watcher = h.session();
    const writer = h.session();
    h.call(writer.connectionId, 1, create('/a'));
    expect(h.call(watcher.connectionId, 1, getData('/a', true)).header.err).toBe(0);
    h.call(watcher.connectionId, 2, {
      type: 'getChildren',
      path: '/',
      watch: true,
      withStat: false,
    });
    // The watcher's own write: its notifications must precede its reply.
    h.call(watcher.connectionId, 3, {
      type: 'setData',
      path: '/a',
      data: Buffer.from('y'),
      version: -1,
    });
    expect(h.transcript(watcher.connectionId).slice(-2)).toEqual([
      'event type=3 /a',
      'reply xid=3 err=0',
    ]);
    h.call(writer.connectionId, 2, create('/b'));
    expect(h.notifications(watcher.connectionId).map((e) => [e.type, e.path])).toEqual([
      [EventType.nodeDataChanged, '/a'],
      [EventType.nodeChildrenChanged, '/'],
    ]);
  });

  test('ping is answered in order with xid −2 and the last zxid', () => {
    const h = new PeerHarness();
    const { connectionId: c } = h.session();
    const reply = h.call(c, 77, { type: 'ping' });
    expect(reply.header).toEqual({ xid: -2, zxid: h.peer.lastZxid, err: 0 });
  });

  test('every write takes a zxid, failing ones too; reads take none', () => {
    const h = new PeerHarness();
    const { connectionId: c } = h.session();
    const first = h.call(c, 1, create('/a')).header.zxid;
    const failed = h.call(c, 2, create('/a')).header;
    expect(failed.err).toBe(ErrorCode.NodeExists);
    expect(failed.zxid).toBe(first + 1n);
    expect(h.call(c, 3, getData('/a')).header.zxid).toBe(first + 1n);
  });
});

describe('Peer: protocol errors', () => {
  test('a malformed body answers MarshallingError and keeps the connection', () => {
    const h = new PeerHarness();
    const { connectionId: c } = h.session();
    h.peer.step({ type: 'malformedRequest', connectionId: c, xid: 5, opCode: 1, reason: 'short' });
    h.settle();
    expect(h.transcript(c).at(-1)).toBe(`reply xid=5 err=${ErrorCode.MarshallingError}`);
    expect(h.call(c, 6, getData('/')).header.err).toBe(0);
  });

  test('an unknown opcode answers Unimplemented with zxid −1, then closes', () => {
    const h = new PeerHarness();
    const { connectionId: c } = h.session();
    h.peer.step({ type: 'unknownOp', connectionId: c, xid: 9, opCode: 999 });
    h.settle();
    expect(h.transcript(c).slice(-2)).toEqual([
      `reply xid=9 err=${ErrorCode.Unimplemented}`,
      'close',
    ]);
  });

  test('an unknown opcode pipelined behind the handshake is answered after it', () => {
    const h = new PeerHarness();
    const c = h.open();
    h.peer.step({
      type: 'connect',
      connectionId: c,
      request: {
        protocolVersion: 0,
        lastZxidSeen: 0n,
        timeoutMs: 10_000,
        sessionId: 0n,
        passwd: Buffer.alloc(16),
      },
    });
    h.peer.step({ type: 'unknownOp', connectionId: c, xid: 3, opCode: 99 });
    h.settle();
    expect(h.transcript(c)).toEqual([
      'connected timeout=10000',
      `reply xid=3 err=${ErrorCode.Unimplemented}`,
      'close',
    ]);
  });

  test('auth with an unknown scheme answers AuthFailed and closes; digest adds an identity', () => {
    const h = new PeerHarness();
    const { connectionId: c } = h.session();
    const ok = h.call(c, -4, {
      type: 'auth',
      authType: 0,
      scheme: 'digest',
      auth: Buffer.from('u:p'),
    });
    expect(ok.header).toEqual({ xid: -4, zxid: 0n, err: 0 });
    const who = h.call(c, 1, { type: 'whoAmI' });
    // In ZooKeeper's hash-set order (java-set-order.ts), not the order they were added.
    expect(who.body).toEqual({
      type: 'whoAmI',
      clientInfo: expect.arrayContaining([
        { authScheme: 'ip', user: '127.0.0.1' },
        { authScheme: 'digest', user: 'u' },
      ]),
    });
    expect(who.body?.type === 'whoAmI' ? who.body.clientInfo : []).toHaveLength(2);
    h.call(c, -4, { type: 'auth', authType: 0, scheme: 'kerberos', auth: Buffer.from('x') });
    expect(h.transcript(c).slice(-2)).toEqual([
      `reply xid=-4 err=${ErrorCode.AuthFailed}`,
      'close',
    ]);
  });
});

describe('Peer: requests that crash Apache ZooKeeper', () => {
  test('createTTL with a non-TTL mode and a negative ttl is refused with BadArguments', () => {
    // Apache ZooKeeper 3.8/3.9 accepts this in PrepRequestProcessor and then throws applying it.
    const h = new PeerHarness({ extendedTypesEnabled: true });
    const { connectionId: c } = h.session();
    const request: Request = {
      type: 'create',
      variant: 'createTTL',
      path: '/t',
      data: null,
      acl,
      flags: 0,
      ttl: -1n,
    };
    expect(h.call(c, 1, request).header.err).toBe(ErrorCode.BadArguments);
    expect(h.call(c, 2, getData('/')).header.err).toBe(0);
  });
});

describe('Peer: sessions', () => {
  test('closeSession deletes the ephemerals under one zxid, notifies, replies, then closes', () => {
    const h = new PeerHarness();
    const owner = h.session();
    const watcher = h.session();
    h.call(owner.connectionId, 1, create('/e1', 1));
    h.call(owner.connectionId, 2, create('/e2', 1));
    h.call(watcher.connectionId, 1, { type: 'exists', path: '/e1', watch: true });
    h.call(owner.connectionId, 3, { type: 'closeSession' });
    expect(h.transcript(owner.connectionId).slice(-2)).toEqual(['reply xid=3 err=0', 'close']);
    expect(h.notifications(watcher.connectionId)).toEqual([
      { type: EventType.nodeDeleted, state: 3, path: '/e1' },
    ]);
    expect(h.call(watcher.connectionId, 2, getData('/e2')).header.err).toBe(ErrorCode.NoNode);
    expect(h.peer.sessions.get(owner.sessionId)).toBeUndefined();
  });

  test('a silent session expires between timeout and timeout + tick, taking its ephemerals', () => {
    const h = new PeerHarness({ tickMs: 2000 });
    const owner = h.session(4000);
    const watcher = h.session(40_000);
    h.call(owner.connectionId, 1, create('/e', 1));
    h.call(watcher.connectionId, 1, getData('/e', true));
    h.advance(3900);
    h.call(watcher.connectionId, 2, { type: 'ping' });
    expect(h.call(watcher.connectionId, 3, getData('/e')).header.err).toBe(0);
    h.advance(2200);
    expect(h.call(watcher.connectionId, 4, getData('/e')).header.err).toBe(ErrorCode.NoNode);
    expect(h.notifications(watcher.connectionId).map((e) => e.type)).toEqual([
      EventType.nodeDeleted,
    ]);
    expect(h.transcript(owner.connectionId).at(-1)).toBe('close');
    const again = h.connect(h.open(), { sessionId: owner.sessionId, passwd: owner.passwd });
    expect(again?.timeoutMs).toBe(0);
  });

  test('pings keep a session alive past its timeout', () => {
    const h = new PeerHarness({ tickMs: 2000 });
    const s = h.session(4000);
    for (let i = 0; i < 10; i += 1) {
      h.advance(1500);
      h.call(s.connectionId, i, { type: 'ping' });
    }
    expect(h.peer.sessions.get(s.sessionId)?.isClosing).toBe(false);
  });

  test('a dropped connection keeps its session (until expiry) but loses its watches', () => {
    const h = new PeerHarness();
    const s = h.session();
    h.call(s.connectionId, 1, getData('/', true));
    h.peer.step({ type: 'connectionClosed', connectionId: s.connectionId });
    expect(h.peer.watches.watchCount()).toBe(0);
    expect(h.peer.sessions.get(s.sessionId)).toBeDefined();
  });
});

describe('Peer: reaper', () => {
  test('an emptied container is deleted by the periodic check, with its watches fired', () => {
    const h = new PeerHarness({ containerCheckIntervalMs: 1000 });
    const { connectionId: c } = h.session();
    h.call(c, 1, {
      type: 'create',
      variant: 'createContainer',
      path: '/box',
      data: null,
      acl,
      flags: 4,
      ttl: -1n,
    });
    h.call(c, 2, create('/box/item'));
    h.call(c, 3, { type: 'delete', path: '/box/item', version: -1 });
    h.call(c, 4, { type: 'exists', path: '/box', watch: true });
    h.advance(1500);
    expect(h.call(c, 5, { type: 'exists', path: '/box', watch: false }).header.err).toBe(
      ErrorCode.NoNode,
    );
    expect(h.notifications(c).map((e) => [e.type, e.path])).toEqual([
      [EventType.nodeDeleted, '/box'],
    ]);
  });

  test('a TTL node unmodified past its TTL is deleted; TTL needs extended types', () => {
    const plain = new PeerHarness();
    const p = plain.session();
    const ttlCreate: Request = {
      type: 'create',
      variant: 'createTTL',
      path: '/t',
      data: null,
      acl,
      flags: 5,
      ttl: 500n,
    };
    expect(plain.call(p.connectionId, 1, ttlCreate).header.err).toBe(ErrorCode.Unimplemented);
    const h = new PeerHarness({ extendedTypesEnabled: true, containerCheckIntervalMs: 1000 });
    const { connectionId: c } = h.session();
    expect(h.call(c, 1, ttlCreate).header.err).toBe(0);
    h.advance(1100);
    expect(h.call(c, 2, getData('/t')).header.err).toBe(ErrorCode.NoNode);
  });
});
