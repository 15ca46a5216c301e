// Vote counting (ZooKeeper: Vote.equals, SyncedLearnerTracker, checkLeader) over tallies
// built by hand.

import { describe, expect, test } from 'vitest';
import { AssertionError } from '@zoo/client/protocol';
import type { ServerState, Vote } from '../zab/messages.js';
import { VoteTally, isLeaderConfirmed, isSameVote, quorumSizeOf } from './vote-tally.js';
import type { ReceivedVote } from './vote-tally.js';

const received = (
  leader: number,
  options: { zxid?: bigint; epoch?: number; round?: number; state?: ServerState } = {},
): ReceivedVote => {
  const vote: Vote = { leader, zxid: options.zxid ?? 0n, epoch: options.epoch ?? 0 };
  return { vote, round: options.round ?? 1, state: options.state ?? 'looking' };
};

describe('quorumSizeOf', () => {
  test('is a strict majority of the voters', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(quorumSizeOf)).toEqual([1, 2, 2, 3, 3, 4, 4]);
    expect(() => quorumSizeOf(0)).toThrow(AssertionError);
  });
});

describe('isSameVote', () => {
  test('LOOKING votes agree only on leader, zxid, epoch and round', () => {
    expect(isSameVote(received(1), received(1))).toBe(true);
    expect(isSameVote(received(1), received(1, { zxid: 1n }))).toBe(false);
    expect(isSameVote(received(1), received(1, { epoch: 1 }))).toBe(false);
    expect(isSameVote(received(1), received(1, { round: 2 }))).toBe(false);
    expect(isSameVote(received(1), received(2))).toBe(false);
  });

  test('a LOOKING vote compares in full with a FOLLOWING one', () => {
    const following = received(1, { state: 'following', zxid: 3n });
    expect(isSameVote(received(1), following)).toBe(false);
    expect(isSameVote(received(1, { zxid: 3n }), following)).toBe(true);
  });

  test('votes out of election agree on leader and epoch alone', () => {
    const a = received(1, { state: 'following', zxid: 3n, round: 4, epoch: 2 });
    const b = received(1, { state: 'leading', zxid: 9n, round: 1, epoch: 2 });
    expect(isSameVote(a, b)).toBe(true);
    expect(isSameVote(a, { ...b, vote: { ...b.vote, epoch: 3 } })).toBe(false);
  });
});

describe('VoteTally', () => {
  test('keeps the latest vote per voter and counts a quorum of agreeing ones', () => {
    const tally = new VoteTally(new Set([1, 2, 3, 4, 5]));
    tally.record(1, received(5));
    tally.record(2, received(5));
    tally.record(3, received(4));
    expect(tally.hasQuorumFor(received(5))).toBe(false);
    tally.record(3, received(5));
    expect(tally.agreeing(received(5))).toEqual([1, 2, 3]);
    expect(tally.hasQuorumFor(received(5))).toBe(true);
    tally.clear();
    expect(tally.size).toBe(0);
  });

  test('refuses a vote from a non-voter', () => {
    const tally = new VoteTally(new Set([1, 2, 3]));
    expect(() => tally.record(4, received(1))).toThrow(AssertionError);
  });

  test('confirms another leader only when it reports leading, ourselves only in our round', () => {
    const tally = new VoteTally(new Set([1, 2, 3]));
    const self = { serverId: 2, logicalClock: 4 };
    tally.record(1, received(1, { state: 'following' }));
    expect(isLeaderConfirmed({ tally, leader: 1, round: 4, self })).toBe(false);
    tally.record(1, received(1, { state: 'leading' }));
    expect(isLeaderConfirmed({ tally, leader: 1, round: 4, self })).toBe(true);
    expect(isLeaderConfirmed({ tally, leader: 3, round: 4, self })).toBe(false);
    expect(isLeaderConfirmed({ tally, leader: 2, round: 4, self })).toBe(true);
    expect(isLeaderConfirmed({ tally, leader: 2, round: 3, self })).toBe(false);
  });
});
