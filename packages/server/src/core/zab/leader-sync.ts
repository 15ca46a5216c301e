// The synchronization stream a leader sends one learner (phase 2): TRUNC/DIFF/SNAP as planned,
// the committed txns the learner lacks as proposals and one commit, the leader's uncommitted
// ones as bare proposals, then NEWLEADER. ZooKeeper: LearnerHandler.syncFollower and run().

import { assert } from '@zoo/client/protocol';
import { planSync } from './sync-plan.js';
import type { SyncPlan } from './sync-plan.js';
import type { ZabContext } from './zab-types.js';
import { hexZxid } from './zxid.js';

export interface SyncStreamOptions {
  to: number;
  isObserver: boolean;
  /** The learner's last logged zxid, from its ACKEPOCH (durable when it was sent). */
  learnerLastZxid: bigint;
  epoch: number;
}

/**
 * Queues the stream on the outbox and returns the zxid the learner's log ends at once it has
 * processed it: the NEWLEADER zxid the learner must acknowledge.
 */
export function sendSyncStream(context: ZabContext, options: SyncStreamOptions): bigint {
  const { log, outbox } = context;
  const { to, isObserver, epoch } = options;
  const plan = planSync(options.learnerLastZxid, log);
  const committedZxid = log.committedZxid;
  const fromZxid = sendSyncStart(context, { to, plan, learnerLastZxid: options.learnerLastZxid });
  let lastSentZxid = fromZxid;
  let committedSent = 0;
  for (const txn of log.entriesAfter(fromZxid)) {
    const isCommitted = txn.zxid <= committedZxid;
    // Observers only ever learn committed txns (ZooKeeper sends them INFORMs, not PROPOSALs).
    if (!isCommitted && isObserver) break;
    if (!isCommitted && committedSent > 0) {
      outbox.sendNow(to, { type: 'commit', zxid: committedZxid });
      committedSent = 0;
    }
    outbox.sendNow(to, { type: 'proposal', txn });
    if (isCommitted) committedSent += 1;
    lastSentZxid = txn.zxid;
  }
  if (committedSent > 0) outbox.sendNow(to, { type: 'commit', zxid: committedZxid });
  outbox.sendNow(to, { type: 'newLeader', epoch, zxid: lastSentZxid });
  return lastSentZxid;
}

/** Sends the opening packet(s) of the plan; returns the point the learner's log resumes from. */
function sendSyncStart(
  context: ZabContext,
  start: { to: number; plan: SyncPlan; learnerLastZxid: bigint },
): bigint {
  const { to, plan, learnerLastZxid } = start;
  const { log, outbox, replicated } = context;
  switch (plan.kind) {
    case 'diff':
      assert(plan.fromZxid === learnerLastZxid, 'a DIFF resumes from the learner');
      outbox.sendNow(to, { type: 'diff', zxid: log.committedZxid });
      return plan.fromZxid;
    case 'trunc':
      assert(plan.truncZxid < learnerLastZxid, 'a TRUNC drops part of the learner tail');
      outbox.sendNow(to, { type: 'trunc', zxid: plan.truncZxid });
      outbox.sendNow(to, { type: 'diff', zxid: log.committedZxid });
      return plan.truncZxid;
    case 'snap': {
      // A walk of the tree, not a copy: the transport reads it as the link drains, while this
      // leader goes on committing; the txns after its zxid follow it on the link, as here.
      const snapshot = replicated.streamSnapshot();
      // The leader applies exactly what is committed, so its state is the committed prefix.
      assert(
        snapshot.zxid === log.appliedZxid && log.appliedZxid === log.committedZxid,
        () => `snapshot at ${hexZxid(snapshot.zxid)}, committed ${hexZxid(log.committedZxid)}`,
      );
      outbox.sendNow(to, { type: 'snapSend', snapshot });
      return snapshot.zxid;
    }
  }
}
