// The shapes Fast Leader Election takes and gives (options, notification, result) and the
// checks on them; the state machine itself is in fast-leader-election.ts.

import { assert } from '@zoo/client/protocol';
import type { Random } from '../replication/random.js';
import type { ServerState, Vote } from '../zab/messages.js';

export interface ElectionOptions {
  serverId: number;
  /** Ids of the voting members; observers never win and never count. */
  voters: readonly number[];
  random: Random;
  /** After a quorum agrees, wait this long for a better vote (FLE finalizeWait, default 200). */
  finalizeWaitMs: number;
  /** Re-broadcast our vote if nothing arrived for this long, doubling… (default 200). */
  notificationIntervalMinMs: number;
  /** …up to this (ZooKeeper's default is 60 000; Zoo uses 2 000). */
  notificationIntervalMaxMs: number;
}

export const electionDefaults = {
  finalizeWaitMs: 200,
  notificationIntervalMinMs: 200,
  notificationIntervalMaxMs: 2_000,
} as const;

export interface ElectionResult {
  leader: number;
  /** The leader's epoch as voted (peerEpoch), or as updated by updateElectionVote. */
  epoch: number;
  /** The election round the decision belongs to (ZooKeeper: the end vote's electionEpoch). */
  round: number;
  /** The leader's last logged zxid as voted. */
  zxid: bigint;
}

/** What a 'vote' message carries: the sender's round, vote and state. */
export interface Notification {
  round: number;
  vote: Vote;
  state: ServerState;
}

export function assertElectionOptions(options: ElectionOptions): void {
  const { serverId, voters, finalizeWaitMs } = options;
  const { notificationIntervalMinMs: min, notificationIntervalMaxMs: max } = options;
  assert(Number.isSafeInteger(serverId) && serverId >= 0, `election: server id ${serverId}`);
  assert(voters.length > 0, 'election: no voters');
  assert(
    voters.every((id) => Number.isSafeInteger(id) && id >= 0),
    () => `election: bad voter ids ${voters.join(',')}`,
  );
  assert(new Set(voters).size === voters.length, `election: duplicate voters ${voters.join()}`);
  assert(finalizeWaitMs >= 0, `election: finalizeWaitMs ${finalizeWaitMs}`);
  assert(min > 0 && min <= max, `election: notification interval ${min}..${max}`);
}

/** Notifications come from the network (already shape-checked by the adapter): check values. */
export function assertNotification(notification: Notification): void {
  const { round, vote } = notification;
  assert(Number.isSafeInteger(round) && round >= 0, `election: notification round ${round}`);
  assert(Number.isSafeInteger(vote.leader), `election: notification leader ${vote.leader}`);
  assert(Number.isSafeInteger(vote.epoch), `election: notification epoch ${vote.epoch}`);
}
