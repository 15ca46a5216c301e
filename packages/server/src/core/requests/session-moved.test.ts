// A session's requests take effect in the order its client sent them, even when it moves to
// another member while a forward of the old connection is still on its way to the leader
// (ZooKeeper: session owners on the leader, and SessionMovedException). Found by the simulator.

import { describe, expect, test } from 'vitest';
import { ErrorCode, OPEN_ACL_UNSAFE, type CreateRequest } from '@zoo/client/protocol';
import { EnsembleHarness, electedTrio as ensemble } from '../testing/ensemble-harness.js';

function open(net: EnsembleHarness, via: number, session = {}) {
  const connectionId = net.open(via);
  const response = net.connect(via, connectionId, session);
  if (response === null) throw new Error('no session');
  return { connectionId, session: { sessionId: response.sessionId, passwd: response.passwd } };
}

const create: CreateRequest = {
  type: 'create',
  variant: 'create',
  path: '/x',
  data: Buffer.from('0'),
  acl: [...OPEN_ACL_UNSAFE],
  flags: 0,
  ttl: -1n,
};

const setData = (text: string) =>
  ({ type: 'setData', path: '/x', data: Buffer.from(text), version: -1 }) as const;

function dataOf(net: EnsembleHarness, id: number): string | undefined {
  return net.peer(id).tree.getNode('/x')?.data?.toString();
}

/**
 * A session made through `from` creates /x; its setData 'old' (xid 2) leaves through `from`,
 * whose link to the leader holds it; the client then resumes on `to` and sets 'new' (xid 3).
 */
function moveWhileForwardHeld(
  net: EnsembleHarness,
  members: { leader: number; from: number; to: number },
) {
  const { leader, from, to } = members;
  const first = open(net, from);
  net.send(from, first.connectionId, 1, create);
  expect(dataOf(net, leader)).toBe('0');
  net.hold(from, leader);
  net.send(from, first.connectionId, 2, setData('old'));
  net.disconnect(from, first.connectionId);
  // The client resumes on `to` (the leader vouches, or is `to`) and writes there.
  const second = open(net, to, first.session);
  net.send(to, second.connectionId, 3, setData('new'));
  return { first, second };
}

describe('a session that moves while a forward of its old connection is in flight', () => {
  test('the old forward does not take effect after the writes sent through the new member', () => {
    const { net, leader, a, b } = ensemble();
    const { first, second } = moveWhileForwardHeld(net, { leader, from: a, to: b });
    expect(net.transcript(b, second.connectionId)).toContain('reply xid=3 err=0');
    expect(dataOf(net, leader)).toBe('new');

    // The old forward arrives at last: it comes through a member the session has left, and
    // becomes an error txn (SessionMoved) that takes a zxid and changes nothing.
    const before = net.peer(leader).tree.lastZxid;
    net.release(a, leader);
    for (const id of [leader, a, b]) expect(dataOf(net, id)).toBe('new');
    expect(net.peer(leader).tree.lastZxid).toBe(before + 1n);
    // Nobody is answered: the old connection is gone.
    expect(net.transcript(a, first.connectionId)).not.toContain('reply xid=2 err=0');
  });

  test('resumed on the leader itself, the old forward is refused too', () => {
    const { net, leader, a } = ensemble();
    const { second } = moveWhileForwardHeld(net, { leader, from: a, to: leader });
    expect(net.transcript(leader, second.connectionId)).toContain('reply xid=3 err=0');
    net.release(a, leader);
    for (const id of net.ids) expect(dataOf(net, id)).toBe('new');
  });

  test('a session created under an old leader is adopted by the member it writes through', () => {
    const { net, leader, a } = ensemble();
    const first = open(net, a);
    net.peer(leader).sessions.owners.clear();
    net.send(a, first.connectionId, 1, create);
    expect(net.transcript(a, first.connectionId)).toContain('reply xid=1 err=0');
    expect(net.peer(leader).sessions.owners.get(first.session.sessionId)).toBe(a);
    expect(ErrorCode.SessionMoved).toBe(-118);
  });
});
