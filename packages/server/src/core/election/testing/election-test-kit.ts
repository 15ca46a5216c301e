// Helpers for tests that drive one FastLeaderElection by hand: build it without jitter, make
// votes and notifications, feed them, and read what it sends as describeMessage lines.

import type { Random } from '../../replication/random.js';
import { describeMessage } from '../../zab/messages.js';
import type { ServerState, Vote } from '../../zab/messages.js';
import { FastLeaderElection, electionDefaults } from '../fast-leader-election.js';
import type { ElectionOptions, Notification } from '../fast-leader-election.js';

/** No jitter: nextInt always gives its minimum. */
export const noJitter: Random = { nextFloat: () => 0, nextInt: (min) => min };

export function election(
  serverId: number,
  voters: readonly number[] = [1, 2, 3],
  overrides: Partial<ElectionOptions> = {},
): FastLeaderElection {
  const e = new FastLeaderElection({
    serverId,
    voters,
    random: noJitter,
    ...electionDefaults,
    ...overrides,
  });
  e.invariants();
  return e;
}

export const vote = (leader: number, zxid = 0n, epoch = 0): Vote => ({ leader, zxid, epoch });

export const note = (round: number, v: Vote, state: ServerState = 'looking'): Notification => ({
  round,
  vote: v,
  state,
});

/** What the instance sends, as `to: description` lines (and checks its invariants). */
export function sent(e: FastLeaderElection): string[] {
  e.invariants();
  return e.takeMessages().map(({ to, message }) => `${to}: ${describeMessage(message)}`);
}

export function receive(e: FastLeaderElection, from: number, n: Notification, nowMs = 0): void {
  e.receive(from, n, nowMs);
  e.invariants();
}
