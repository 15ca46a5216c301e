// The vote order (ZooKeeper: FastLeaderElection.totalOrderPredicate) as a table and as the
// laws of a strict total order.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Vote } from '../zab/messages.js';
import { isBetterVote, noCandidate } from './is-better-vote.js';

const vote = (leader: number, zxid: bigint, epoch: number): Vote => ({ leader, zxid, epoch });

const voteOrderCases: { name: string; candidate: Vote; current: Vote; expected: boolean }[] = [
  {
    name: 'higher epoch wins',
    candidate: vote(1, 0n, 2),
    current: vote(3, 0n, 1),
    expected: true,
  },
  {
    name: 'higher epoch beats higher zxid',
    candidate: vote(1, 1n, 2),
    current: vote(2, 0xffff_ffffn, 1),
    expected: true,
  },
  {
    name: 'lower epoch loses',
    candidate: vote(3, 9n, 1),
    current: vote(1, 0n, 2),
    expected: false,
  },
  {
    name: 'same epoch, higher zxid wins over a higher id',
    candidate: vote(1, 6n, 1),
    current: vote(3, 5n, 1),
    expected: true,
  },
  {
    name: 'same epoch and zxid, higher id wins',
    candidate: vote(3, 5n, 1),
    current: vote(2, 5n, 1),
    expected: true,
  },
  {
    name: 'same epoch and zxid, lower id loses',
    candidate: vote(2, 5n, 1),
    current: vote(3, 5n, 1),
    expected: false,
  },
  {
    name: 'an identical vote is not better',
    candidate: vote(2, 5n, 1),
    current: vote(2, 5n, 1),
    expected: false,
  },
  {
    name: "any real vote beats a non-voter's",
    candidate: vote(0, 0n, 0),
    current: noCandidate,
    expected: true,
  },
];

describe('isBetterVote', () => {
  for (const c of voteOrderCases) {
    test(c.name, () => {
      expect(isBetterVote(c.candidate, c.current)).toBe(c.expected);
    });
  }

  const arbitraryVote = fc.record({
    leader: fc.integer({ min: 0, max: 6 }),
    zxid: fc.bigInt({ min: 0n, max: 4n }),
    epoch: fc.integer({ min: 0, max: 3 }),
  });
  const same = (a: Vote, b: Vote): boolean =>
    a.leader === b.leader && a.zxid === b.zxid && a.epoch === b.epoch;

  test('is a strict total order: irreflexive, asymmetric, total and transitive', () => {
    fc.assert(
      fc.property(arbitraryVote, arbitraryVote, arbitraryVote, (a, b, c) => {
        expect(isBetterVote(a, a)).toBe(false);
        if (isBetterVote(a, b)) expect(isBetterVote(b, a)).toBe(false);
        if (!same(a, b)) expect(isBetterVote(a, b) || isBetterVote(b, a)).toBe(true);
        if (isBetterVote(a, b) && isBetterVote(b, c)) expect(isBetterVote(a, c)).toBe(true);
      }),
    );
  });
});
