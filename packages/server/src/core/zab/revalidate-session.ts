// The leader's answer to a learner's REVALIDATE: a client resumes a session on that learner, and
// only the leader, which expires sessions, can say whether it is still alive. ZooKeeper:
// LearnerMaster.revalidateSession → checkIfValidGlobalSession → SessionTrackerImpl.touchSession.

import type { RevalidateMessage } from './messages.js';
import type { ZabContext } from './zab-types.js';

/**
 * Valid if the leader tracks the session and it is not closing; a valid session is touched, as
 * ZooKeeper's touchSession renews it while it answers (with its own timeout: Zoo's leader keeps
 * the one it was created or last resumed with). The answer follows, on the same link, every
 * commit already sent: a session the leader tracks was applied here, so a learner told "valid"
 * has applied its createSession too.
 */
export function answerRevalidation(
  context: ZabContext,
  learnerId: number,
  message: RevalidateMessage,
): void {
  const { sessionId, connectionId } = message;
  const isValid = context.replicated.isLiveSession(sessionId);
  // ZooKeeper: Leader.revalidateSession — a valid session now belongs to this learner.
  if (isValid) {
    context.emit({ type: 'sessionsTouched', sessionIds: [sessionId], revalidatedBy: learnerId });
  }
  context.outbox.sendNow(learnerId, { type: 'revalidated', sessionId, connectionId, isValid });
}
