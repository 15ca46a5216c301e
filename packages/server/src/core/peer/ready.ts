// What a peer asks its loop to do after some inputs (the Ready contract, see runtime/peer-loop.ts):
// txns to make durable, and messages to write to client connections, in order per connection.

import type { ConnectResponse, Notification, Reply } from '@zoo/client/protocol';
import type { PersistOp, ReplicationOutput } from '../replication/replication.js';
import type { OutgoingEnvelope } from '../zab/messages.js';

export type ClientMessage =
  | { kind: 'connectResponse'; connectionId: number; response: ConnectResponse }
  | { kind: 'reply'; connectionId: number; reply: Reply }
  | { kind: 'notification'; connectionId: number; notification: Notification }
  /**
   * One notification for every connection in any of `watchers`, once each: the watches one tree
   * event fired, handed over whole so that the core's turn does not grow with the watchers. The
   * runtime fans it out; to each connection it goes before any later message to that connection.
   */
  | { kind: 'notifications'; watchers: readonly ReadonlySet<number>[]; notification: Notification }
  /** Close after everything queued before it has been written. */
  | { kind: 'close'; connectionId: number; reason: string };

/** A message for one connection: every kind except a fired watch set. */
export type ConnectionMessage = Exclude<ClientMessage, { kind: 'notifications' }>;

export interface Ready {
  /** Messages to other peers that may go before the local write (proposals, commits, pings). */
  readonly send: readonly OutgoingEnvelope[];
  /** Durable writes (txns, truncation, snapshot, epochs) to make before `sendAfterPersist`. */
  readonly persist: readonly PersistOp[];
  /** Messages that may only leave once `persist` is durable (ACKs, epoch ACKs). */
  readonly sendAfterPersist: readonly OutgoingEnvelope[];
  /** Client-bound messages in the order they must reach each connection. */
  readonly messages: readonly ClientMessage[];
}

/** A Ready with nothing to do (most drains' tick): shared, and frozen so that no one fills it. */
export const idleReady: Ready = Object.freeze({
  send: Object.freeze([]),
  persist: Object.freeze([]),
  sendAfterPersist: Object.freeze([]),
  messages: Object.freeze([]),
});

/**
 * The Ready of a turn: the shared idle one when there is nothing to do, else the parts field by
 * field — not a spread, so that every Ready has the same shape (a spread of the outputs of
 * several classes was 2% of a simulated run's time: one Ready per drain of every member).
 */
export function readyOf(output: ReplicationOutput, messages: ClientMessage[]): Ready {
  const isIdle =
    messages.length === 0 &&
    output.send.length === 0 &&
    output.persist.length === 0 &&
    output.sendAfterPersist.length === 0;
  if (isIdle) return idleReady;
  const { send, persist, sendAfterPersist } = output;
  return { send, persist, sendAfterPersist, messages };
}

export function describeReady(ready: Ready): string {
  const kinds = new Map<string, number>();
  for (const message of ready.messages) kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
  const parts = [...kinds].map(([kind, count]) => `${kind}×${count}`);
  const peers = `send=${ready.send.length} after=${ready.sendAfterPersist.length}`;
  return `ready persist=${ready.persist.length} ${peers} ${parts.join(' ')}`.trimEnd();
}

/** Where the parts of a Ready go; the loop, the core's test harness and the zab test network. */
export interface ReadyTarget {
  send(envelope: OutgoingEnvelope): void;
  /** Makes `ops` durable, then calls `done` with the last txn's zxid — at once or later. */
  persist(ops: readonly PersistOp[], done: (lastTxnZxid: bigint | null) => void): void;
  /** Steps `{ type: 'persisted', upTo }` into the peer: the self-ACK of the batch. */
  persisted(upTo: bigint): void;
  deliver(message: ClientMessage): void;
}

/**
 * Carries out one Ready in the order of the contract (runtime/peer-loop.ts): sends, the durable
 * write, and only once it is durable the sends that wait for it and the `persisted` step. Client
 * messages answer what is already applied, so they never wait for the write.
 */
export function carryOutReady(
  ready: ReplicationOutput & { messages?: readonly ClientMessage[] },
  target: ReadyTarget,
): void {
  for (const envelope of ready.send) target.send(envelope);
  if (ready.persist.length === 0) {
    for (const envelope of ready.sendAfterPersist) target.send(envelope);
  } else {
    target.persist(ready.persist, (lastTxnZxid) => {
      for (const envelope of ready.sendAfterPersist) target.send(envelope);
      // Every durable batch is reported (epochs too: a leader counts its own NEWLEADER ack);
      // −1 says it held no txn.
      target.persisted(lastTxnZxid ?? -1n);
    });
  }
  // By index: a drain runs this once for many messages, too rarely to be optimised, and a for-of
  // in unoptimised code makes an iterator result per message.
  const messages = ready.messages ?? [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (message !== undefined) target.deliver(message);
  }
}
