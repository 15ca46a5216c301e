// Bugs planted in the simulated peer network, outside the server code, to prove that a checker
// catches what they break. Never used by an honest run.

import type { PeerMessage } from '@zoo/server/internals';

/** What a planted bug delivers instead of a message sent: to whom, as if from whom. */
export interface PlantedDelivery {
  readonly from: number;
  readonly to: number;
  readonly message: PeerMessage;
}

/** Null: the message goes on its way as sent. */
export type PeerSendRewrite = (
  from: number,
  to: number,
  message: PeerMessage,
) => PlantedDelivery | null;

/**
 * `staleResume` (its peer half): a learner's `revalidate` never reaches its leader; the learner
 * is handed at once the answer a leader gives for a live session, "valid", as if from the
 * leader. So the learner does not wait behind the commits the leader sent it before, and
 * finishes the handshake from whatever view it holds (a learner that does not ask its leader).
 */
export function answerRevalidationAtOnce(
  learner: number,
  leader: number,
  message: PeerMessage,
): PlantedDelivery | null {
  if (message.type !== 'revalidate') return null;
  const { sessionId, connectionId } = message;
  return {
    from: leader,
    to: learner,
    message: { type: 'revalidated', sessionId, connectionId, isValid: true },
  };
}
