// One FastLeaderElection fed ticks by hand: finalizeWait (when a quorum decides, and what
// resumes the election) and the re-notification back-off with injected jitter.

import { describe, expect, test } from 'vitest';
import type { Random } from '../replication/random.js';
import type { FastLeaderElection } from './fast-leader-election.js';
import { election, note, receive, sent, vote } from './testing/election-test-kit.js';

describe('FastLeaderElection: finalizeWait', () => {
  test('a quorum for our vote decides only after finalizeWait with nothing better', () => {
    const e = election(3);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 1, note(1, vote(3)), 50);
    e.tick(249);
    expect(e.isLooking).toBe(true);
    e.tick(250);
    expect(e.result).toEqual({ leader: 3, epoch: 0, round: 1, zxid: 0n });
    expect(e.state).toBe('leading');
  });

  test('a better vote during finalizeWait resumes the election and changes the outcome', () => {
    const e = election(2);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 1, note(1, vote(2)), 0);
    sent(e);
    receive(e, 3, note(1, vote(3)), 150);
    expect(sent(e)).toEqual([
      '1: vote r1 looking for 3 (e0 0x0)',
      '3: vote r1 looking for 3 (e0 0x0)',
    ]);
    e.tick(200);
    expect(e.isLooking).toBe(true);
    // Ours and 3's now agree on 3: a new quorum, a new finalizeWait.
    e.tick(350);
    expect(e.result?.leader).toBe(3);
    expect(e.state).toBe('following');
  });

  test('a LOOKING vote from a newer round resumes the election even if it is not better', () => {
    // Deviation from ZooKeeper, which drops it and decides in the older round.
    const e = election(3);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 1, note(1, vote(3)));
    sent(e);
    receive(e, 2, note(4, vote(2)), 100);
    expect(e.round).toBe(4);
    expect(sent(e)).toEqual([
      '1: vote r4 looking for 3 (e0 0x0)',
      '2: vote r4 looking for 3 (e0 0x0)',
    ]);
    e.tick(200);
    expect(e.isLooking).toBe(true);
  });

  test('a notification that is not better is dropped while finalizing', () => {
    const e = election(3, [1, 2, 3, 4, 5]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 1, note(1, vote(3)));
    receive(e, 2, note(1, vote(3)));
    // Even a quorum of FOLLOWING notifications for another leader is not looked at now.
    receive(e, 4, note(1, vote(1), 'following'), 10);
    receive(e, 5, note(1, vote(1), 'following'), 10);
    receive(e, 1, note(1, vote(1), 'leading'), 10);
    e.tick(200);
    expect(e.result?.leader).toBe(3);
  });
});

describe('FastLeaderElection: re-notification back-off', () => {
  /** Ticks every 50 ms up to `untilMs` and returns the times at which it re-notified. */
  function notificationTimes(e: FastLeaderElection, untilMs: number): number[] {
    const times: number[] = [];
    for (let nowMs = 50; nowMs <= untilMs; nowMs += 50) {
      e.tick(nowMs);
      if (sent(e).length > 0) times.push(nowMs);
    }
    return times;
  }

  test('re-notifies when nothing arrives, doubling the wait up to the maximum', () => {
    // ZooKeeper: lookForLeader — notTimeout doubles up to maxNotificationInterval.
    const e = election(1);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    sent(e);
    expect(notificationTimes(e, 7_000)).toEqual([200, 600, 1_400, 3_000, 5_000, 7_000]);
  });

  test('each wait is lengthened by up to a quarter of it, drawn from the injected random', () => {
    const maxJitter: Random = { nextFloat: () => 0.99, nextInt: (_min, max) => max };
    const e = election(1, [1, 2, 3], { random: maxJitter });
    e.start({ zxid: 0n, epoch: 0 }, 0);
    sent(e);
    expect(notificationTimes(e, 2_000)).toEqual([250, 750, 1_750]);
  });

  test('a notification received restarts the wait without doubling it', () => {
    const e = election(1, [1, 2, 3, 4, 5]);
    e.start({ zxid: 0n, epoch: 0 }, 0);
    receive(e, 2, note(1, vote(1)), 150);
    sent(e);
    expect(notificationTimes(e, 800)).toEqual([350, 750]);
  });
});
