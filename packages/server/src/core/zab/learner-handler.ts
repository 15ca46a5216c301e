// The leader's record of one connected learner, from FOLLOWERINFO to broadcast.
// ZooKeeper: LearnerHandler (one thread per learner there; plain data here).

import { assert } from '@zoo/client/protocol';
import { hexZxid } from './zxid.js';

/**
 * awaitingEpoch: FOLLOWERINFO arrived before the new epoch was chosen ·
 * awaitingAckEpoch: LEADERINFO sent · awaitingSync: ACKEPOCH arrived, the epoch quorum has not ·
 * syncing: the sync stream and NEWLEADER are sent · synced: the learner acked NEWLEADER.
 */
export type HandlerStage =
  'awaitingEpoch' | 'awaitingAckEpoch' | 'awaitingSync' | 'syncing' | 'synced';

export interface LearnerHandler {
  readonly id: number;
  readonly isObserver: boolean;
  stage: HandlerStage;
  /** From FOLLOWERINFO. */
  readonly acceptedEpoch: number;
  /** From ACKEPOCH: what the sync is planned from. */
  lastZxid: bigint | null;
  /** The NEWLEADER zxid sent: the learner's log ends there once synced. */
  newLeaderZxid: bigint | null;
  /** Voters: the learner's log is durable and on our history up to here. */
  ackedZxid: bigint;
  readonly startMs: number;
  lastHeardMs: number;
}

export function createLearnerHandler(options: {
  id: number;
  isObserver: boolean;
  acceptedEpoch: number;
  nowMs: number;
}): LearnerHandler {
  return {
    id: options.id,
    isObserver: options.isObserver,
    stage: 'awaitingEpoch',
    acceptedEpoch: options.acceptedEpoch,
    lastZxid: null,
    newLeaderZxid: null,
    ackedZxid: 0n,
    startMs: options.nowMs,
    lastHeardMs: options.nowMs,
  };
}

/** Whether proposals and commits (or informs) flow to this learner. */
export function isForwarding(handler: LearnerHandler): boolean {
  return handler.stage === 'syncing' || handler.stage === 'synced';
}

/** ZooKeeper: StateSummary.isMoreRecentThan — later currentEpoch, or same and later zxid. */
export function isAhead(
  learner: { currentEpoch: number; lastZxid: bigint },
  leader: { currentEpoch: number; lastZxid: bigint },
): boolean {
  if (learner.currentEpoch !== leader.currentEpoch) {
    return learner.currentEpoch > leader.currentEpoch;
  }
  return learner.lastZxid > leader.lastZxid;
}

/**
 * A synced learner silent for syncLimit, or one not synced within initLimit, is dropped
 * (ZooKeeper: LearnerHandler.ping's syncLimitCheck and the sync deadline).
 */
export function isExpired(
  handler: LearnerHandler,
  limits: { nowMs: number; initLimitMs: number; syncLimitMs: number },
): boolean {
  if (handler.stage === 'synced') return limits.nowMs - handler.lastHeardMs >= limits.syncLimitMs;
  return limits.nowMs - handler.startMs >= limits.initLimitMs;
}

export function learnerHandlerInvariants(handler: LearnerHandler, lastLoggedZxid: bigint): void {
  const id = handler.id;
  assert(handler.ackedZxid <= lastLoggedZxid, () => `learner ${id} acked beyond our log`);
  if (isForwarding(handler)) {
    assert(handler.newLeaderZxid !== null, () => `learner ${id} forwarding before NEWLEADER`);
    assert(handler.lastZxid !== null, () => `learner ${id} synced without ACKEPOCH`);
  }
  if (handler.isObserver) assert(handler.ackedZxid === 0n, () => `observer ${id} acked`);
  if (handler.stage !== 'synced') assert(handler.ackedZxid === 0n, `learner ${id} acked early`);
}

export function describeLearnerHandler(handler: LearnerHandler): string {
  const acked = handler.isObserver ? '' : ` acked=${hexZxid(handler.ackedZxid)}`;
  return `${handler.id}:${handler.stage}${acked}`;
}
