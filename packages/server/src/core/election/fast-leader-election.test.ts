// One FastLeaderElection fed notifications by hand: each rule of FastLeaderElection.lookForLeader
// and its WorkerReceiver (rounds, votes, established leaders, answers), checked through its output.

import { describe, expect, test } from 'vitest';
import { AssertionError } from '@zoo/client/protocol';
import { FastLeaderElection, electionDefaults } from './fast-leader-election.js';
import type { Notification } from './fast-leader-election.js';
import type { Vote } from '../zab/messages.js';
import { election, note, receive, sent, vote } from './testing/election-test-kit.js';

describe('FastLeaderElection: starting', () => {
  test('start votes for itself in round 1 and notifies every other voter', () => {
    const e = election(2);
    e.start({ zxid: 5n, epoch: 1 }, 0);
    expect(e.isLooking).toBe(true);
    expect(e.result).toBeNull();
    expect(e.state).toBe('looking');
    expect(sent(e)).toEqual([
      '1: vote r1 looking for 2 (e1 0x5)',
      '3: vote r1 looking for 2 (e1 0x5)',
    ]);
  });

  test('each start opens the next round and clears the previous result', () => {
    const e = election(1, [1]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    e.tick(electionDefaults.finalizeWaitMs);
    expect(e.result?.round).toBe(1);
    e.start({ zxid: 0n, epoch: 0 }, 1_000);
    expect(e.round).toBe(2);
    expect(e.result).toBeNull();
    expect(e.isLooking).toBe(true);
  });

  test('a one-voter ensemble elects itself once finalizeWait has passed', () => {
    const e = election(7, [7]);
    e.start({ zxid: 3n, epoch: 2 }, 1_000);
    expect(sent(e)).toEqual([]);
    e.tick(1_199);
    expect(e.isLooking).toBe(true);
    e.tick(1_200);
    expect(e.result).toEqual({ leader: 7, epoch: 2, round: 1, zxid: 3n });
    expect(e.state).toBe('leading');
  });

  test('receive and tick before start do nothing', () => {
    const e = election(1);
    receive(e, 2, note(1, vote(2)));
    e.tick(10_000);
    expect(sent(e)).toEqual([]);
    expect(e.isLooking).toBe(false);
    expect(e.result).toBeNull();
  });

  test('rejects bad options, a negative zxid and a notification from itself', () => {
    expect(() => election(1, [1, 2, 2])).toThrow(AssertionError);
    expect(() => election(1, [])).toThrow(AssertionError);
    const overrides = { notificationIntervalMinMs: 500, notificationIntervalMaxMs: 100 };
    expect(() => election(1, [1, 2, 3], overrides)).toThrow(AssertionError);
    const e = election(1);
    expect(() => e.start({ zxid: -1n, epoch: 0 }, 0)).toThrow(AssertionError);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    expect(() => e.receive(1, note(1, vote(1)), 0)).toThrow(AssertionError);
    expect(() => e.receive(2, note(-1, vote(2)), 0)).toThrow(AssertionError);
  });
});

// ZooKeeper: FastLeaderElection.lookForLeader, case LOOKING.
const lookingCases: {
  name: string;
  from: number;
  n: Notification;
  round: number;
  proposal: Vote;
  sends: string[];
}[] = [
  {
    name: 'same round, better vote: adopt it and notify everyone',
    from: 3,
    n: note(1, vote(3)),
    round: 1,
    proposal: vote(3),
    sends: ['1: vote r1 looking for 3 (e0 0x0)', '3: vote r1 looking for 3 (e0 0x0)'],
  },
  {
    name: 'same round, worse vote: keep ours and stay quiet',
    from: 1,
    n: note(1, vote(1)),
    round: 1,
    proposal: vote(2),
    sends: [],
  },
  {
    name: 'higher round, worse vote: join the round and vote for ourselves again',
    from: 1,
    n: note(4, vote(1)),
    round: 4,
    proposal: vote(2),
    sends: ['1: vote r4 looking for 2 (e0 0x0)', '3: vote r4 looking for 2 (e0 0x0)'],
  },
  {
    name: 'higher round, better vote: join the round with that vote',
    from: 3,
    n: note(4, vote(3)),
    round: 4,
    proposal: vote(3),
    sends: ['1: vote r4 looking for 3 (e0 0x0)', '3: vote r4 looking for 3 (e0 0x0)'],
  },
  {
    name: 'lower round: ignore the vote but tell the sender our round and vote',
    from: 3,
    n: note(0, vote(3, 99n, 9)),
    round: 1,
    proposal: vote(2),
    sends: ['3: vote r1 looking for 2 (e0 0x0)'],
  },
  {
    name: 'a vote for a non-voter is ignored',
    from: 3,
    n: note(1, vote(9, 99n, 9)),
    round: 1,
    proposal: vote(2),
    sends: [],
  },
  {
    name: 'an observing sender is not counted',
    from: 3,
    n: note(1, vote(3), 'observing'),
    round: 1,
    proposal: vote(2),
    sends: [],
  },
];

describe('FastLeaderElection: LOOKING notifications', () => {
  for (const c of lookingCases) {
    test(c.name, () => {
      const e = election(2);
      e.start({ zxid: 0n, epoch: 0 }, 0);
      sent(e);
      receive(e, c.from, c.n);
      expect(e.round).toBe(c.round);
      expect(e.vote).toEqual(c.proposal);
      expect(sent(e)).toEqual(c.sends);
      expect(e.isLooking).toBe(true);
    });
  }

  test('votes counted in an older round do not count after joining a newer one', () => {
    const e = election(3, [1, 2, 3, 4, 5]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 1, note(1, vote(3)));
    receive(e, 2, note(2, vote(2)));
    // Round 2: only our own vote (3) and 2's (for 2); 1's round-1 vote for 3 is forgotten.
    receive(e, 4, note(2, vote(3)));
    e.tick(1_000);
    expect(e.isLooking).toBe(true);
    receive(e, 1, note(2, vote(3)), 1_000);
    e.tick(1_000 + electionDefaults.finalizeWaitMs);
    expect(e.result).toEqual({ leader: 3, epoch: 0, round: 2, zxid: 0n });
  });
});

describe('FastLeaderElection: learning an established leader', () => {
  test('a quorum following a leader that says it leads is joined, in their round', () => {
    const e = election(3);
    e.start({ zxid: 50n, epoch: 1 }, 0);
    receive(e, 2, note(5, vote(1, 7n, 1), 'following'));
    expect(e.isLooking).toBe(true);
    receive(e, 1, note(5, vote(1, 7n, 1), 'leading'));
    expect(e.result).toEqual({ leader: 1, epoch: 1, round: 5, zxid: 7n });
    expect(e.round).toBe(5);
    expect(e.state).toBe('following');
  });

  test('a quorum of followers is not enough until the leader itself reports leading', () => {
    const e = election(5, [1, 2, 3, 4, 5]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    for (const from of [2, 3, 4]) receive(e, from, note(3, vote(1), 'following'));
    expect(e.isLooking).toBe(true);
    receive(e, 1, note(3, vote(1), 'following'));
    expect(e.isLooking).toBe(true);
    receive(e, 1, note(3, vote(1), 'leading'));
    expect(e.result?.leader).toBe(1);
  });

  test('followers agree on (leader, epoch) whatever their zxid and round', () => {
    // ZooKeeper: Vote.equals for peers out of election (ZOOKEEPER-1805).
    const e = election(4, [1, 2, 3, 4, 5]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 2, note(3, vote(1, 9n, 2), 'following'));
    receive(e, 3, note(7, vote(1, 4n, 2), 'following'));
    receive(e, 1, note(2, vote(1, 1n, 3), 'leading'));
    expect(e.isLooking).toBe(true);
    receive(e, 1, note(2, vote(1, 1n, 2), 'leading'));
    expect(e.result).toEqual({ leader: 1, epoch: 2, round: 2, zxid: 1n });
  });

  test('same-round FOLLOWING votes count with the LOOKING votes of the round', () => {
    const e = election(1, [1, 2, 3, 4, 5]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 3, note(1, vote(3)));
    receive(e, 2, note(1, vote(3), 'following'));
    // Ours, 3's and 2's agree on 3, but 3 has not said it leads yet.
    expect(e.isLooking).toBe(true);
    receive(e, 3, note(1, vote(3), 'leading'));
    expect(e.result).toEqual({ leader: 3, epoch: 0, round: 1, zxid: 0n });
  });

  test('a quorum naming us as leader is trusted only in our own round', () => {
    // ZooKeeper: checkLeader — "if everyone else thinks I'm the leader, I must be the leader".
    const e = election(1, [1, 2, 3, 4, 5]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    for (const from of [2, 3, 4]) receive(e, from, note(6, vote(1), 'following'));
    expect(e.isLooking).toBe(true);
    const other = election(1, [1, 2, 3, 4, 5]);
    other.start({ zxid: 0n, epoch: 0 }, 0);
    for (const from of [2, 3, 4]) receive(other, from, note(1, vote(1), 'following'));
    expect(other.result?.leader).toBe(1);
    expect(other.state).toBe('leading');
  });
});

describe('FastLeaderElection: answering', () => {
  test('a voter answers a non-voter at once and does not count it', () => {
    const e = election(2);
    e.start({ zxid: 4n, epoch: 1 }, 0);
    sent(e);
    receive(e, 9, note(7, vote(-1, -1n, -1)));
    expect(sent(e)).toEqual(['9: vote r1 looking for 2 (e1 0x4)']);
    expect(e.round).toBe(1);
  });

  test('a voter does not answer a non-voter that is out of election', () => {
    const e = election(2);
    e.start({ zxid: 4n, epoch: 1 }, 0);
    sent(e);
    receive(e, 9, note(1, vote(2, 4n, 1), 'observing'));
    expect(sent(e)).toEqual([]);
  });

  test('once decided, it answers LOOKING peers with its decision and ignores the rest', () => {
    const e = election(3);
    e.start({ zxid: 8n, epoch: 2 }, 0);
    receive(e, 1, note(1, vote(3, 8n, 2)));
    e.tick(200);
    sent(e);
    receive(e, 2, note(4, vote(2)), 300);
    receive(e, 1, note(1, vote(3, 8n, 2), 'following'), 300);
    expect(sent(e)).toEqual(['2: vote r1 leading for 3 (e2 0x8)']);
  });

  test('answerLooking builds the reply envelope and refuses a looking state', () => {
    const envelope = FastLeaderElection.answerLooking({
      from: 4,
      round: 3,
      vote: vote(1, 2n, 5),
      state: 'following',
    });
    expect(envelope).toEqual({
      to: 4,
      message: { type: 'vote', round: 3, vote: vote(1, 2n, 5), state: 'following' },
    });
    const looking = { from: 4, round: 3, vote: vote(1), state: 'looking' as const };
    expect(() => FastLeaderElection.answerLooking(looking)).toThrow(AssertionError);
  });

  test('updateElectionVote reports the established epoch and needs a decision', () => {
    const e = election(1, [1]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    expect(() => e.updateElectionVote(1)).toThrow(AssertionError);
    e.tick(200);
    e.updateElectionVote(1);
    receive(e, 2, note(1, vote(2)), 300);
    expect(sent(e)).toEqual(['2: vote r1 leading for 1 (e1 0x0)']);
  });

  test('a newer notification to the same peer replaces the queued one', () => {
    const e = election(1);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 2, note(1, vote(2)));
    receive(e, 3, note(1, vote(3)));
    expect(sent(e)).toEqual([
      '2: vote r1 looking for 3 (e0 0x0)',
      '3: vote r1 looking for 3 (e0 0x0)',
    ]);
  });
});
