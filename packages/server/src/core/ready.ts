// What a peer asks its loop to do after some inputs (the Ready contract, see runtime/peer-loop.ts):
// txns to make durable, and messages to write to client connections, in order per connection.

import type { ConnectResponse, Notification, Reply } from '@zoo/client/protocol';
import type { Txn } from './txn.js';

export type ClientMessage =
  | { kind: 'connectResponse'; connectionId: number; response: ConnectResponse }
  | { kind: 'reply'; connectionId: number; reply: Reply }
  | { kind: 'notification'; connectionId: number; notification: Notification }
  /** Close after everything queued before it has been written. */
  | { kind: 'close'; connectionId: number; reason: string };

export interface Ready {
  /** Txns to append to the log and fdatasync before `persisted` is stepped. */
  persist: Txn[];
  /** Client-bound messages in the order they must reach each connection. */
  messages: ClientMessage[];
}

export function describeReady(ready: Ready): string {
  const kinds = new Map<string, number>();
  for (const message of ready.messages) kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
  const parts = [...kinds].map(([kind, count]) => `${kind}×${count}`);
  return `ready persist=${ready.persist.length} ${parts.join(' ')}`.trimEnd();
}
