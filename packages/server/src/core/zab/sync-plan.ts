// How a leader brings one learner in line with its history (phase 2), decided from the
// learner's last logged zxid alone: DIFF, TRUNC then DIFF, or SNAP. A pure function.
// ZooKeeper: LearnerHandler.syncFollower and queueCommittedProposals.

import { epochOf, hexZxid } from './zxid.js';

/** The leader's history as the decision needs it (ProposalLog implements it). */
export interface SyncHistory {
  /** The oldest point the leader can DIFF from: the history just before its log window. */
  readonly baseZxid: bigint;
  readonly lastZxid: bigint;
  /** Whether `zxid` is the base or a logged entry. */
  has(zxid: bigint): boolean;
  /** The largest known point below `zxid` (> baseZxid). */
  predecessor(zxid: bigint): bigint;
}

export type SyncPlan =
  /** The learner's log is a prefix of the leader's history up to `fromZxid`: send what follows. */
  | { kind: 'diff'; fromZxid: bigint }
  /** The learner has a tail the leader lacks: drop everything after `truncZxid`, then DIFF. */
  | { kind: 'trunc'; truncZxid: bigint }
  /** The learner is too far behind (or cannot be trimmed safely): send the whole state. */
  | { kind: 'snap' };

/**
 * Zxids name txns uniquely (one leader per epoch), and within one epoch every log is a prefix of
 * that epoch leader's sequence. So a learner whose last zxid L is in the leader's history holds
 * exactly that history up to L. If L is not in it, the learner's txns of epoch(L) above the
 * leader's last txn of that epoch were never committed, and the learner holds that last txn:
 * TRUNC to it. ZooKeeper: "We cannot send TRUNC that cross epoch boundary" — if the leader has
 * nothing of epoch(L) below L, the common point is unknown, so SNAP.
 */
export function planSync(learnerLastZxid: bigint, history: SyncHistory): SyncPlan {
  const last = learnerLastZxid;
  if (last === history.lastZxid) return { kind: 'diff', fromZxid: last };
  if (last < history.baseZxid) return { kind: 'snap' };
  if (history.has(last)) return { kind: 'diff', fromZxid: last };
  const truncZxid = history.predecessor(last);
  if (epochOf(truncZxid) === epochOf(last)) return { kind: 'trunc', truncZxid };
  return { kind: 'snap' };
}

export function describeSyncPlan(plan: SyncPlan): string {
  switch (plan.kind) {
    case 'diff':
      return `diff from ${hexZxid(plan.fromZxid)}`;
    case 'trunc':
      return `trunc to ${hexZxid(plan.truncZxid)}`;
    case 'snap':
      return 'snap';
  }
}
