// One Zab driven by hand, message by message, checking exactly what it asks the loop to do:
// which messages leave at once, which writes come first, and which messages wait for them.
// Persistence order is where real ZAB lost data (ZOOKEEPER-3911, 4394, 4643, 4646, 4685).

import { describe, expect, test } from 'vitest';
import { forwardedRequest } from './messages.js';
import { describeOutput } from './zab-outbox.js';
import type { ReplicationOutput } from '../replication/replication.js';
import { drive, e1, follower, txn, type Driven } from './testing/driven-zab.js';

/** Peer 3 elected by 1 and 2, with 1 and 2 registered: it has chosen epoch 1. */
function leader(): Driven {
  const driven = drive(3);
  driven.take();
  const vote = { leader: 3, zxid: 0n, epoch: 0 };
  driven.step(1, { type: 'vote', round: 1, vote, state: 'looking' });
  driven.step(2, { type: 'vote', round: 1, vote, state: 'looking' });
  driven.zab.tick(200);
  driven.take();
  expect(driven.zab.role).toBe('leading');
  return driven;
}

/** A leader of epoch 1, serving, with learner 1 synced and both its epochs written. */
function servingLeader(): Driven {
  const driven = leader();
  const { step, zab } = driven;
  step(1, { type: 'followerInfo', acceptedEpoch: 0, lastZxid: 0n, isObserver: false });
  step(1, { type: 'ackEpoch', epoch: 1, currentEpoch: 0, lastZxid: 0n });
  zab.persisted(-1n); // the acceptedEpoch
  zab.persisted(-1n); // the currentEpoch
  step(1, { type: 'ackNewLeader', zxid: 0n });
  return driven;
}

function types(envelopes: ReplicationOutput['send']): string[] {
  return envelopes.map((envelope) => `${envelope.to}:${envelope.message.type}`);
}

describe('zab ordering: learner registration and sync', () => {
  test('persists the accepted epoch before its ACKEPOCH leaves', () => {
    const { step } = follower();
    const output = step(3, { type: 'leaderInfo', epoch: 1 });
    expect(output.persist).toEqual([{ type: 'epochs', acceptedEpoch: 1, currentEpoch: 0 }]);
    expect(output.send).toEqual([]);
    expect(output.sendAfterPersist).toEqual([
      { to: 3, message: { type: 'ackEpoch', epoch: 1, currentEpoch: 0, lastZxid: 0n } },
    ]);
  });

  test('writes the synced txns, then currentEpoch, before acking NEWLEADER', () => {
    const { step, zab, host } = follower();
    step(3, { type: 'leaderInfo', epoch: 1 });
    step(3, { type: 'diff', zxid: 0n });
    let persist: ReplicationOutput['persist'] = [];
    for (const zxid of [e1(1), e1(2)])
      persist = [...persist, ...step(3, { type: 'proposal', txn: txn(zxid) }).persist];
    const commit = step(3, { type: 'commit', zxid: e1(1) });
    expect(host.state.map((t) => t.zxid)).toEqual([e1(1)]);
    expect(commit.sendAfterPersist).toEqual([]);
    const output = step(3, { type: 'newLeader', epoch: 1, zxid: e1(2) });
    expect(persist.map((op) => op.type)).toEqual(['txns', 'txns']);
    expect(output.persist).toEqual([{ type: 'epochs', acceptedEpoch: 1, currentEpoch: 1 }]);
    expect(output.send).toEqual([]);
    expect(output.sendAfterPersist).toEqual([
      { to: 3, message: { type: 'ackNewLeader', zxid: e1(2) } },
    ]);
    expect(zab.isServing).toBe(false);
    step(3, { type: 'upToDate' });
    expect(zab.isServing).toBe(true);
    expect(host.roleChanges.at(-1)).toEqual({ role: 'following', leader: 3, isServing: true });
  });
});

describe('zab ordering: learner broadcast and refusals', () => {
  test('acks a broadcast proposal only once written, one ACK per batch', () => {
    const { step, zab, take } = follower();
    step(3, { type: 'leaderInfo', epoch: 1 });
    step(3, { type: 'diff', zxid: 0n });
    step(3, { type: 'newLeader', epoch: 1, zxid: 0n });
    step(3, { type: 'upToDate' });
    zab.step(3, { type: 'proposal', txn: txn(e1(1)) }, 0);
    zab.step(3, { type: 'proposal', txn: txn(e1(2)) }, 0);
    const output = take();
    expect(output.send).toEqual([]);
    expect(output.persist).toEqual([{ type: 'txns', txns: [txn(e1(1)), txn(e1(2))] }]);
    expect(output.sendAfterPersist).toEqual([{ to: 3, message: { type: 'ack', zxid: e1(2) } }]);
  });

  test('a pong queued behind an ACK waits for the write too, keeping the link in order', () => {
    const { step, zab, take } = follower();
    step(3, { type: 'leaderInfo', epoch: 1 });
    step(3, { type: 'diff', zxid: 0n });
    step(3, { type: 'newLeader', epoch: 1, zxid: 0n });
    step(3, { type: 'upToDate' });
    zab.step(3, { type: 'proposal', txn: txn(e1(1)) }, 0);
    zab.step(3, { type: 'ping', zxid: e1(1) }, 0);
    const output = take();
    expect(output.send).toEqual([]);
    expect(types(output.sendAfterPersist)).toEqual(['3:ack', '3:pong']);
  });

  test('forwards requests at once, never behind an ACK: a later turn cannot overtake', () => {
    const { step, zab, take } = follower();
    for (const message of [
      { type: 'leaderInfo', epoch: 1 },
      { type: 'diff', zxid: 0n },
    ] as const)
      step(3, message);
    step(3, { type: 'newLeader', epoch: 1, zxid: 0n });
    step(3, { type: 'upToDate' });
    const request = (cxid: number) =>
      forwardedRequest(9n, cxid, [], {
        type: 'write',
        request: { type: 'delete', path: '/x', version: -1 },
      });
    zab.step(3, { type: 'proposal', txn: txn(e1(1)) }, 0);
    zab.forward(request(1));
    const first = take();
    expect(types(first.sendAfterPersist)).toEqual(['3:ack']);
    zab.forward(request(2));
    // Were cxid 1 waiting for the write, cxid 2 would reach the leader first.
    expect([...first.send, ...take().send]).toEqual(
      [request(1), request(2)].map((message) => ({ to: 3, message })),
    );
  });

  test('truncates an uncommitted tail on TRUNC, and the truncation is written first', () => {
    const log = [txn(e1(1)), txn(e1(2)), txn(e1(3))];
    const { step, zab } = follower({ acceptedEpoch: 1, currentEpoch: 1, log });
    step(3, { type: 'leaderInfo', epoch: 2 });
    const trunc = step(3, { type: 'trunc', zxid: e1(1) });
    expect(trunc.persist).toEqual([{ type: 'truncate', afterZxid: e1(1) }]);
    step(3, { type: 'diff', zxid: e1(1) });
    expect(zab.log.lastZxid).toBe(e1(1));
    expect(zab.log.committedZxid).toBe(e1(1));
    const output = step(3, { type: 'newLeader', epoch: 2, zxid: e1(1) });
    expect(output.sendAfterPersist).toEqual([
      { to: 3, message: { type: 'ackNewLeader', zxid: e1(1) } },
    ]);
  });

  test('refuses a LEADERINFO below its accepted epoch and looks again', () => {
    const { step, zab } = follower({ acceptedEpoch: 5, currentEpoch: 4 });
    const output = step(3, { type: 'leaderInfo', epoch: 3 });
    expect(zab.role).toBe('looking');
    expect(output.persist).toEqual([]);
    expect(output.sendAfterPersist.every((e) => e.message.type === 'vote')).toBe(true);
  });

  test('ignores a duplicate LEADERINFO of its epoch and anything before LEADERINFO', () => {
    const { step, zab } = follower();
    expect(step(3, { type: 'commit', zxid: 0n }).persist).toEqual([]);
    expect(step(3, { type: 'proposal', txn: txn(e1(1)) }).persist).toEqual([]);
    step(3, { type: 'leaderInfo', epoch: 1 });
    expect(step(3, { type: 'leaderInfo', epoch: 1 })).toEqual({
      send: [],
      persist: [],
      sendAfterPersist: [],
    });
    expect(zab.role).toBe('following');
    expect(zab.log.lastZxid).toBe(0n);
  });
});

describe('zab ordering: leader establishment and broadcast', () => {
  test('sends LEADERINFO only after writing the new accepted epoch', () => {
    const { step } = leader();
    const output = step(1, {
      type: 'followerInfo',
      acceptedEpoch: 0,
      lastZxid: 0n,
      isObserver: false,
    });
    expect(output.persist).toEqual([{ type: 'epochs', acceptedEpoch: 1, currentEpoch: 0 }]);
    expect(output.send).toEqual([]);
    expect(output.sendAfterPersist).toEqual([{ to: 1, message: { type: 'leaderInfo', epoch: 1 } }]);
  });

  test('counts itself for NEWLEADER only once its currentEpoch is durable', () => {
    const { step, zab, take } = leader();
    step(1, { type: 'followerInfo', acceptedEpoch: 0, lastZxid: 0n, isObserver: false });
    const sync = step(1, { type: 'ackEpoch', epoch: 1, currentEpoch: 0, lastZxid: 0n });
    expect(sync.persist).toEqual([{ type: 'epochs', acceptedEpoch: 1, currentEpoch: 1 }]);
    expect(types(sync.send)).toEqual(['1:diff', '1:newLeader']);
    step(1, { type: 'ackNewLeader', zxid: 0n });
    // One learner + the leader is a quorum of 3 — but the leader's own write is not done.
    expect(zab.isServing).toBe(false);
    zab.persisted(-1n); // the acceptedEpoch written in discovery: not yet the currentEpoch
    expect(zab.isServing).toBe(false);
    zab.persisted(-1n); // the currentEpoch
    expect(zab.isServing).toBe(true);
    expect(types(take().send)).toEqual(['1:upToDate']);
  });

  test('sends proposals before its own write, and commits only with a quorum of ACKs', () => {
    const { step, zab, take, host } = servingLeader();
    expect(zab.isServing).toBe(true);
    zab.propose(txn(zab.nextZxid()));
    const proposal = take();
    expect(types(proposal.send)).toEqual(['1:proposal']);
    expect(proposal.persist).toEqual([{ type: 'txns', txns: [txn(e1(1))] }]);
    step(1, { type: 'ack', zxid: e1(1) });
    expect(host.state).toEqual([]);
    zab.persisted(e1(1));
    expect(host.state.map((t) => t.zxid)).toEqual([e1(1)]);
    expect(types(take().send)).toEqual(['1:commit']);
  });
});

describe('zab ordering: a leader with several writes in flight', () => {
  // Found by the simulator (a stalled disk, then a crash): completing one write must not count
  // the leader's ACK for proposals whose writes are still in flight.
  test('a completed write self-ACKs only its own proposals, not later ones', () => {
    const { step, zab, take, host } = servingLeader();
    zab.propose(txn(zab.nextZxid()));
    expect(take().persist).toEqual([{ type: 'txns', txns: [txn(e1(1))] }]);
    zab.propose(txn(zab.nextZxid()));
    expect(take().persist).toEqual([{ type: 'txns', txns: [txn(e1(2))] }]);
    step(1, { type: 'ack', zxid: e1(1) });
    step(1, { type: 'ack', zxid: e1(2) });
    zab.persisted(e1(1));
    // Learner 1 and the leader have e1(1); only learner 1 has e1(2) on disk: not a quorum.
    expect(host.state.map((t) => t.zxid)).toEqual([e1(1)]);
    zab.persisted(e1(2));
    expect(host.state.map((t) => t.zxid)).toEqual([e1(1), e1(2)]);
  });

  test('persisted() with no write in flight is a bug in the loop', () => {
    const { zab } = leader();
    expect(() => zab.persisted(-1n)).toThrow(/no batch of writes in flight/);
  });
});

describe('zab ordering: a learner that looks again', () => {
  // Found by the simulator: a leader frozen for longer than syncLimit woke to its learners'
  // queued pongs, kept counting them, and served stale sync+reads for another syncLimit while
  // a new leader of a newer epoch was already serving.
  test('leaves its leader at once: the leader drops it and steps down without a quorum', () => {
    const { step, zab } = servingLeader();
    expect(zab.isServing).toBe(true);
    const vote = { leader: 2, zxid: 0n, epoch: 1 };
    step(1, { type: 'vote', round: 2, vote, state: 'looking' });
    zab.tick(300); // far within syncLimit: only the dropped learner can explain stepping down
    expect(zab.role).toBe('looking');
  });
});

describe('zab ordering: leader guards', () => {
  test('steps down when a learner of the epoch quorum is ahead of it', () => {
    const { step, zab } = leader();
    step(1, { type: 'followerInfo', acceptedEpoch: 0, lastZxid: e1(4), isObserver: false });
    step(1, { type: 'ackEpoch', epoch: 1, currentEpoch: 0, lastZxid: e1(4) });
    expect(zab.role).toBe('looking');
    expect(describeOutput(zab.takeOutput())).not.toContain('diff');
  });

  test('makes way for a new election when a learner promised a later epoch', () => {
    const { step, zab } = leader();
    step(1, { type: 'followerInfo', acceptedEpoch: 0, lastZxid: 0n, isObserver: false });
    const output = step(2, {
      type: 'followerInfo',
      acceptedEpoch: 6,
      lastZxid: 0n,
      isObserver: false,
    });
    expect(zab.role).toBe('looking');
    expect(output.persist).toEqual([{ type: 'epochs', acceptedEpoch: 6, currentEpoch: 0 }]);
  });

  test('ignores an ACKEPOCH that answers another epoch', () => {
    const { step, zab } = leader();
    step(1, { type: 'followerInfo', acceptedEpoch: 0, lastZxid: 0n, isObserver: false });
    const output = step(1, { type: 'ackEpoch', epoch: 7, currentEpoch: 0, lastZxid: 0n });
    expect(output.send).toEqual([]);
    expect(zab.describe()).toContain('1:awaitingAckEpoch');
  });

  test('never synchronizes a learner that took this epoch from another leader', () => {
    const { step, zab } = leader();
    step(1, { type: 'followerInfo', acceptedEpoch: 0, lastZxid: 0n, isObserver: false });
    step(1, { type: 'ackEpoch', epoch: 1, currentEpoch: 0, lastZxid: 0n });
    step(2, { type: 'followerInfo', acceptedEpoch: 1, lastZxid: 0n, isObserver: false });
    const output = step(2, { type: 'ackEpoch', epoch: 1, currentEpoch: 1, lastZxid: 0n });
    expect(types(output.send)).toEqual([]);
    expect(zab.describe()).not.toContain('2:');
  });

  test('votes for a rejoining peer leave only after the write', () => {
    const { step } = leader();
    const output = step(2, {
      type: 'vote',
      round: 2,
      vote: { leader: 2, zxid: 0n, epoch: 0 },
      state: 'looking',
    });
    expect(output.send).toEqual([]);
    expect(types(output.sendAfterPersist)).toEqual(['2:vote']);
  });
});
