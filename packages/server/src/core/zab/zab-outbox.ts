// Zab's pending output, in the shape of the Ready contract: messages that may leave at once,
// durable writes, and messages that may leave only after those writes (ACKs, epoch ACKs,
// votes). Within a turn it keeps each link FIFO: once a peer has a message waiting for the
// write, every later message to that peer waits behind it. Across turns it does not: a message
// sent at once in a later turn overtakes one still waiting for an earlier turn's write. So a
// kind of message whose own order matters must never wait (see sendAhead). It also holds the
// effects of the current call, which the peer carries out as the call returns.
// describeOutput/describePersistOp print it.

import { assert } from '@zoo/client/protocol';
import type { ReplicationEffect } from '../replication/replication.js';
import type { OutgoingEnvelope, OutgoingMessage } from './messages.js';
import { describeMessage } from './messages.js';
// Straight from replication.ts, not via zab-types.ts, which imports this file.
import type { PersistOp, ReplicationOutput } from '../replication/replication.js';
import { hexZxid } from './zxid.js';

/** A bound on what one turn may queue; hitting it is a bug (the loop must drain every turn). */
export const outboxMessagesMax = 1_000_000;

/** The output of a turn that queued nothing: shared, and frozen so that no one fills it. */
const nothingToDo: ReplicationOutput = Object.freeze({
  send: Object.freeze([]),
  persist: Object.freeze([]),
  sendAfterPersist: Object.freeze([]),
});

export class ZabOutbox {
  private send: OutgoingEnvelope[] = [];
  private persistOps: PersistOp[] = [];
  private sendAfterPersist: OutgoingEnvelope[] = [];
  /** Peers that have a message in sendAfterPersist. */
  private readonly waitingPeers = new Set<number>();
  private persistCount = 0;
  private handedOutPersistNumber = 0;
  private durablePersistNumber = 0;
  /**
   * The last PersistOp number of every batch handed out with durable writes and not yet
   * confirmed, oldest first. The loop writes one batch per Ready, in order, and reports each
   * with one persisted(): several may be in flight at once, so a completion confirms its own
   * batch only — never the ones handed out after it.
   */
  private readonly batchesInFlight: number[] = [];
  private effects: ReplicationEffect[] = [];

  get isEmpty(): boolean {
    return (
      this.send.length === 0 && this.persistOps.length === 0 && this.sendAfterPersist.length === 0
    );
  }

  /** A message that does not depend on this turn's writes (proposals, commits, pings). */
  sendNow(to: number, message: OutgoingMessage): void {
    if (this.waitingPeers.has(to)) {
      this.queueAfterPersist(to, message);
      return;
    }
    this.send.push({ to, message });
    assert(this.send.length <= outboxMessagesMax, 'zab outbox overflow');
  }

  /**
   * A message that does not depend on any write and must keep its order against others of its
   * kind: a client's request a learner forwards, or its sync. It never waits behind an ACK,
   * because one that waited would be overtaken by the next turn's, which leaves at once (the
   * leader would then commit a session's writes out of their order). ZooKeeper's learner
   * likewise writes a request to its leader at once, apart from the ACKs its sync thread sends.
   */
  sendAhead(to: number, message: OutgoingMessage): void {
    this.send.push({ to, message });
    assert(this.send.length <= outboxMessagesMax, 'zab outbox overflow');
  }

  /** A message that may leave only once everything persisted so far is durable. */
  sendAfterPersisted(to: number, message: OutgoingMessage): void {
    this.queueAfterPersist(to, message);
  }

  /** Queues a durable write; returns its number (consecutive txn writes share one op). */
  persist(op: PersistOp): number {
    const last = this.persistOps.at(-1);
    if (op.type === 'txns' && last?.type === 'txns') last.txns.push(...op.txns);
    else this.persistOps.push(op.type === 'txns' ? { type: 'txns', txns: [...op.txns] } : op);
    this.persistCount += 1;
    return this.persistCount;
  }

  /** Something for the peer to carry out once the current call returns. */
  emit(effect: ReplicationEffect): void {
    this.effects.push(effect);
  }

  /** What the current call decided: handed out as it returns. */
  takeEffects(): ReplicationEffect[] {
    const effects = this.effects;
    this.effects = [];
    return effects;
  }

  get hasEffects(): boolean {
    return this.effects.length > 0;
  }

  take(): ReplicationOutput {
    // Most drains of a member hand out nothing (a tick, an input that only touched the tree).
    if (this.isEmpty) return nothingToDo;
    const output = {
      send: this.send,
      persist: this.persistOps,
      sendAfterPersist: this.sendAfterPersist,
    };
    this.handedOutPersistNumber = this.persistCount;
    if (this.persistOps.length > 0) this.batchesInFlight.push(this.persistCount);
    this.send = [];
    this.persistOps = [];
    this.sendAfterPersist = [];
    this.waitingPeers.clear();
    return output;
  }

  /** The oldest batch handed out is durable: returns the number of its last PersistOp. */
  confirmOldestBatch(): number {
    const batch = this.batchesInFlight.shift();
    assert(batch !== undefined, 'persisted() with no batch of writes in flight');
    this.durablePersistNumber = batch;
    return batch;
  }

  invariants(): void {
    assert(this.durablePersistNumber <= this.handedOutPersistNumber, 'durable ≤ handed out');
    assert(!this.hasEffects, 'effects left behind by a call');
  }

  private queueAfterPersist(to: number, message: OutgoingMessage): void {
    const last = this.sendAfterPersist.at(-1);
    // An ACK means "durable up to here", so a later ACK to the same peer supersedes an earlier
    // one queued right before it: one ACK per batch of proposals (group commit).
    if (message.type === 'ack' && last?.to === to && last.message.type === 'ack') {
      assert(message.zxid > last.message.zxid, 'acks queue in zxid order');
      this.sendAfterPersist[this.sendAfterPersist.length - 1] = { to, message };
      return;
    }
    this.sendAfterPersist.push({ to, message });
    this.waitingPeers.add(to);
    assert(this.sendAfterPersist.length <= outboxMessagesMax, 'zab outbox overflow');
  }
}

export function describeOutput(output: ReplicationOutput): string {
  const line = (envelope: OutgoingEnvelope): string =>
    `→${envelope.to} ${describeMessage(envelope.message)}`;
  const parts = [
    `send[${output.send.map(line).join('; ')}]`,
    `persist[${output.persist.map(describePersistOp).join('; ')}]`,
    `after[${output.sendAfterPersist.map(line).join('; ')}]`,
  ];
  return parts.join(' ');
}

export function describePersistOp(op: PersistOp): string {
  switch (op.type) {
    case 'txns': {
      const first = op.txns[0];
      const last = op.txns.at(-1);
      if (first === undefined || last === undefined) return 'txns []';
      return `txns ${hexZxid(first.zxid)}..${hexZxid(last.zxid)} (${op.txns.length})`;
    }
    case 'truncate':
      return `truncate after ${hexZxid(op.afterZxid)}`;
    case 'snapshot':
      return `snapshot ${hexZxid(op.snapshot.zxid)}`;
    case 'checkpoint':
      return `checkpoint ${hexZxid(op.snapshot.zxid)} (+${op.tail.length} logged after)`;
    case 'epochs':
      return `epochs accepted=${op.acceptedEpoch} current=${op.currentEpoch}`;
  }
}
