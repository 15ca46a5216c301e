// The planted bug forwardBehindAck, from outside the server: the hang fixed by ZabOutbox's
// sendAhead (commit 0eba01a) put back by rewriting the output a learner's loop is handed. The
// bug: a client's request (or sync) the learner forwarded in a turn that also queued an ACK for
// its write waited behind that ACK, as every message to a peer with a waiting one used to; a
// request forwarded in a later turn, with no write, left at once and overtook it. The leader
// then committed the session's writes out of their order, and the learner, which matches a
// committed write of a session to its oldest pending one, never answered them.
//
// The real loop batches every input that arrived while it worked into one turn; the simulator's
// inputs land at distinct instants, so a turn rarely holds a proposal and a client's request
// together. The plant therefore also holds the first forwards made after a turn that queued an
// ACK, behind that ACK while its write is still in flight: as if the loop had taken them in the
// ACK's turn, as a busy loop does. The forwards of any later turn leave at once, as they did.

import { sendAcksBeforePersist } from '@zoo/server/internals';
import type { ReplicationOutput } from '@zoo/server/internals';

type Envelope = ReplicationOutput['send'][number];

/** A planted rewrite of the output the loop is handed; `persisted` hears each durable batch. */
export interface PlantedOutput {
  rewrite(output: ReplicationOutput): ReplicationOutput;
  persisted(): void;
}

/** The rewrite a member's planted bug asks for (a new one each life), or null when honest. */
export function plantedOutput(
  bugs: { ackBeforePersist?: boolean; forwardBehindAck?: boolean } | undefined,
): PlantedOutput | null {
  if (bugs?.ackBeforePersist === true) {
    return { rewrite: sendAcksBeforePersist, persisted: () => undefined };
  }
  if (bugs?.forwardBehindAck === true) return new ForwardsBehindAcks();
  return null;
}

function isForward(envelope: Envelope): boolean {
  return envelope.message.type === 'request' || envelope.message.type === 'sync';
}

export class ForwardsBehindAcks implements PlantedOutput {
  /** The after-write sends of each batch handed out and not yet durable, oldest first. */
  private readonly inFlight: Envelope[][] = [];
  /** The after-write sends of the last turn that queued any: the next forwards join them. */
  private previous: Envelope[] | null = null;

  rewrite(output: ReplicationOutput): ReplicationOutput {
    // Only while that turn's write is in flight: its sends are not yet made.
    if (this.previous !== null && !this.inFlight.includes(this.previous)) this.previous = null;
    const previous = this.previous;
    const waiting = new Set(output.sendAfterPersist.map((envelope) => envelope.to));
    const heldNow = output.send.filter((e) => isForward(e) && waiting.has(e.to));
    const previousPeers = new Set((previous ?? []).map((envelope) => envelope.to));
    const heldBefore = output.send.filter(
      (e) => isForward(e) && !waiting.has(e.to) && previousPeers.has(e.to),
    );
    if (previous !== null && heldBefore.length > 0) {
      previous.push(...heldBefore);
      this.previous = null;
    }
    const afterPersist = [...output.sendAfterPersist, ...heldNow];
    const rewritten: ReplicationOutput = {
      send: output.send.filter((e) => !heldNow.includes(e) && !heldBefore.includes(e)),
      persist: output.persist,
      sendAfterPersist: afterPersist,
    };
    if (output.persist.length > 0) {
      this.inFlight.push(afterPersist);
      if (afterPersist.length > 0) this.previous = afterPersist;
    }
    return rewritten;
  }

  persisted(): void {
    this.inFlight.shift();
  }
}
