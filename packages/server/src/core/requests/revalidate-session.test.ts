// A session resumed on a learner is checked by the leader, which expires sessions (ZooKeeper's
// Learner.validateSession): the learner's own table lags the leader's, in both directions.

import { describe, expect, test } from 'vitest';
import { EnsembleHarness, electedTrio as ensemble } from '../testing/ensemble-harness.js';

/** A new session through member `via`, whose connection the client then drops. */
function sessionThrough(net: EnsembleHarness, via: number, timeoutMs = 10_000) {
  const connectionId = net.open(via);
  const response = net.connect(via, connectionId, { timeoutMs });
  expect(response?.timeoutMs).toBeGreaterThan(0);
  if (response === null) throw new Error('no session');
  net.disconnect(via, connectionId);
  return { sessionId: response.sessionId, passwd: response.passwd };
}

describe('a session resumed on a learner', () => {
  test('that has not applied its createSession yet is resumed once the leader vouches', () => {
    const { net, leader, a, b } = ensemble();
    // The leader's proposals and commits to b wait: the session is committed by leader + a.
    net.hold(leader, b);
    const session = sessionThrough(net, a);
    expect(net.peer(b).sessions.get(session.sessionId)).toBeUndefined();

    const connectionId = net.open(b);
    // lastZxidSeen 0: the client got no reply on a, only its session.
    expect(net.connect(b, connectionId, session)).toBeNull();
    // A request pipelined behind the ConnectRequest waits for the handshake.
    net.send(b, connectionId, 1, { type: 'exists', path: '/', watch: false });
    expect(net.transcript(b, connectionId)).toEqual([]);

    net.release(leader, b);
    expect(net.connectResponse(b, connectionId)).toMatchObject({
      sessionId: session.sessionId,
      timeoutMs: 2000, // the ensemble's maxSessionTimeout: 20 ticks of 100 ms
    });
    expect(net.transcript(b, connectionId)).toEqual([
      'connected timeout=2000',
      'reply xid=1 err=0',
    ]);
    expect(net.peer(b).sessions.get(session.sessionId)).toBeDefined();
  });

  test('that the leader has expired is refused, though the learner still tracks it', () => {
    const { net, leader, a, b } = ensemble();
    const session = sessionThrough(net, a, 200);
    expect(net.peer(b).sessions.get(session.sessionId)).toBeDefined();
    // b misses the closeSession of the expiry (but not for syncLimit: it stays a follower).
    net.hold(leader, b);
    for (let ms = 0; ms < 400; ms += 50) net.advance(50);
    expect(net.peer(leader).sessions.get(session.sessionId)).toBeUndefined();
    expect(net.peer(b).sessions.get(session.sessionId)).toBeDefined();

    const connectionId = net.open(b);
    expect(net.connect(b, connectionId, session)).toBeNull();
    net.release(leader, b);
    expect(net.connectResponse(b, connectionId)).toMatchObject({ timeoutMs: 0, sessionId: 0n });
    expect(net.transcript(b, connectionId)).toEqual(['connected timeout=0', 'close']);
  });

  test('with a wrong password is refused at once, without asking the leader', () => {
    const { net, leader, a, b } = ensemble();
    const session = sessionThrough(net, a);
    net.hold(leader, b);
    const connectionId = net.open(b);
    const passwd = Buffer.alloc(16, 7);
    const response = net.connect(b, connectionId, { sessionId: session.sessionId, passwd });
    expect(response).toMatchObject({ timeoutMs: 0, sessionId: 0n });
  });

  test('whose learner loses its leader meanwhile closes the connection: the client retries', () => {
    const { net, leader, a, b } = ensemble();
    net.hold(leader, b);
    const session = sessionThrough(net, a);
    const connectionId = net.open(b);
    expect(net.connect(b, connectionId, session)).toBeNull();

    net.peer(b).step({ type: 'peerDisconnected', peerId: leader });
    net.settle();
    expect(net.transcript(b, connectionId)).toEqual(['close']);
    // The leader's late answer finds nobody waiting for it.
    net.release(leader, b);
    expect(net.transcript(b, connectionId)).toEqual(['close']);
  });

  test('on an observer waits for the leader too', () => {
    const net = new EnsembleHarness([1, 2, 3], [4]);
    const leader = net.elect();
    const follower = [1, 2, 3].find((id) => id !== leader) ?? 0;
    net.hold(leader, 4);
    const session = sessionThrough(net, follower);
    const connectionId = net.open(4);
    expect(net.connect(4, connectionId, session)).toBeNull();
    net.release(leader, 4);
    expect(net.connectResponse(4, connectionId)).toMatchObject({ sessionId: session.sessionId });
  });

  test('on the leader itself is answered at once', () => {
    const { net, leader, a } = ensemble();
    const session = sessionThrough(net, a);
    const connectionId = net.open(leader);
    expect(net.connect(leader, connectionId, session)).toMatchObject({
      sessionId: session.sessionId,
    });
  });
});
