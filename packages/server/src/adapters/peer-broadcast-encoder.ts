// Encodes a broadcast once: a proposal or commit goes to every learner as the same message
// object, one learner after the other, so the network keeps the last message it encoded and its
// bytes. One slot, not a WeakMap of every message sent: a WeakMap entry per message cost the
// lookups and the garbage collector more than the rare second encoding a slot misses. Messages
// are never changed once handed to the network. Used by the ws mesh and the simulator's.

import type { PeerMessage } from '../core/zab/messages.js';
import { encodePeerMessage } from './peer-codec.js';

export class PeerBroadcastEncoder {
  private lastMessage: PeerMessage | null = null;
  private lastBytes: Buffer = Buffer.alloc(0);

  encode(message: PeerMessage): Buffer {
    if (message !== this.lastMessage) {
      this.lastBytes = encodePeerMessage(message);
      this.lastMessage = message;
    }
    return this.lastBytes;
  }
}
