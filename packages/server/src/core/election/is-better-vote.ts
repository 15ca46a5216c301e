// The total order on election votes: which candidate a peer prefers to lead.

import type { Vote } from '../zab/messages.js';

/**
 * ZooKeeper: FastLeaderElection.totalOrderPredicate — higher epoch wins, then higher zxid, then
 * higher server id. Whether the candidate may win at all (is a voter) is checked by the caller.
 */
export function isBetterVote(candidate: Vote, current: Vote): boolean {
  if (candidate.epoch !== current.epoch) return candidate.epoch > current.epoch;
  if (candidate.zxid !== current.zxid) return candidate.zxid > current.zxid;
  return candidate.leader > current.leader;
}

/** The initial vote of a non-voter: every voter's vote beats it (ZooKeeper uses Long.MIN_VALUE). */
export const noCandidate: Vote = Object.freeze({ leader: -1, zxid: -1n, epoch: -1 });
