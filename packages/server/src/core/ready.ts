// What a peer asks its loop to do after some inputs (the Ready contract, see runtime/peer-loop.ts):
// txns to make durable, and messages to write to client connections, in order per connection.

import type { ConnectResponse, Notification, Reply } from '@zoo/client/protocol';
import type { PersistOp } from './replication.js';
import type { PeerEnvelope } from './zab/messages.js';

export type ClientMessage =
  | { kind: 'connectResponse'; connectionId: number; response: ConnectResponse }
  | { kind: 'reply'; connectionId: number; reply: Reply }
  | { kind: 'notification'; connectionId: number; notification: Notification }
  /** Close after everything queued before it has been written. */
  | { kind: 'close'; connectionId: number; reason: string };

export interface Ready {
  /** Messages to other peers that may go before the local write (proposals, commits, pings). */
  send: PeerEnvelope[];
  /** Durable writes (txns, truncation, snapshot, epochs) to make before `sendAfterPersist`. */
  persist: PersistOp[];
  /** Messages that may only leave once `persist` is durable (ACKs, epoch ACKs). */
  sendAfterPersist: PeerEnvelope[];
  /** Client-bound messages in the order they must reach each connection. */
  messages: ClientMessage[];
}

export function describeReady(ready: Ready): string {
  const kinds = new Map<string, number>();
  for (const message of ready.messages) kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
  const parts = [...kinds].map(([kind, count]) => `${kind}×${count}`);
  const peers = `send=${ready.send.length} after=${ready.sendAfterPersist.length}`;
  return `ready persist=${ready.persist.length} ${peers} ${parts.join(' ')}`.trimEnd();
}
