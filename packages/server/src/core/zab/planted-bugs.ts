// The simulator's and the ZAB tests' planted bugs, planted from outside the production code
// (the simulator imports them through @zoo/server/internals; the server never uses them). A
// wrong commit rule is injected where production passes the real quorum rule; ACKs sent before
// the write are made by moving them in the output the loop is handed. A planted-bug test proves
// that a checker can fail; the same run without the bug is clean.

import type { ReplicationOutput } from '../replication/replication.js';
import type { CommitRule } from './quorum.js';

export interface PlantedBugs {
  /** The leader commits on its own ACK alone, without waiting for a quorum. */
  commitWithoutQuorum?: boolean;
  /** Learners' ACKs (and NEWLEADER ACKs) leave before the log they acknowledge is durable. */
  ackBeforePersist?: boolean;
}

/** The commit rule of a leader that trusts its own ACK alone. */
export function commitOnOwnAck(serverId: number): CommitRule {
  return (acks) => acks.get(serverId) ?? 0n;
}

/** Moves the ACKs a Ready holds back for its write to the messages that leave at once. */
export function sendAcksBeforePersist(output: ReplicationOutput): ReplicationOutput {
  const isAck = (type: string): boolean => type === 'ack' || type === 'ackNewLeader';
  return {
    send: [
      ...output.send,
      ...output.sendAfterPersist.filter((envelope) => isAck(envelope.message.type)),
    ],
    persist: output.persist,
    sendAfterPersist: output.sendAfterPersist.filter((envelope) => !isAck(envelope.message.type)),
  };
}
