// The one loop that drives a Peer, in the real server and (later) in the simulator alike.
//
// The Ready contract. Inputs are stepped into the peer as they arrive; once per event-loop turn
// the loop drains every Ready the peer has — many inputs, one Ready, one fsync (group commit):
//   1. send `send` to peers (proposals, commits) — may overlap the local write (replication);
//   2. write `persist` (txns) and make it durable;
//   3. only then send `sendAfterPersist` (ACKs, votes) (replication);
//   4. hand `messages` to the client connections, in order; notifications come before any
//      reply that follows them, because the peer emitted them first;
//   5. `advance(ready)`, then step `{ type: 'persisted', upTo }` once the log says so: that is
//      the self-ACK that lets the peer commit and answer the writes.
// Each connection then writes what it was handed in one socket write.

import type { Peer } from '../core/peer.js';
import type { PeerInput } from '../core/peer-input.js';
import type { ClientMessage } from '../core/ready.js';
import type { Env } from './env.js';

/** Where client-bound messages go: the connection registry. */
export interface ClientSink {
  deliver(message: ClientMessage): void;
  /** Writes everything delivered this turn, one write per connection. */
  flush(): void;
}

export class PeerLoop {
  private isDrainScheduled = false;
  private isDraining = false;
  private isClosed = false;
  private readonly stopTicking: () => void;

  constructor(
    readonly peer: Peer,
    private readonly env: Env,
    private readonly sink: ClientSink,
  ) {
    const tickIntervalMs = Math.max(10, Math.min(100, peer.options.tickMs / 4));
    this.stopTicking = env.scheduler.every(tickIntervalMs, () => this.drain());
  }

  submit(input: PeerInput): void {
    if (this.isClosed) return;
    this.peer.step(input);
    this.scheduleDrain();
  }

  close(): void {
    this.isClosed = true;
    this.stopTicking();
  }

  private scheduleDrain(): void {
    if (this.isDrainScheduled || this.isDraining) return;
    this.isDrainScheduled = true;
    this.env.scheduler.defer(() => {
      this.isDrainScheduled = false;
      this.drain();
    });
  }

  /** Carries out every Ready the peer has, then flushes the connections once. */
  drain(): void {
    if (this.isClosed || this.isDraining) return;
    this.isDraining = true;
    try {
      const peer = this.peer;
      peer.tick(this.env.clock.nowMs());
      while (peer.hasReady()) {
        const ready = peer.ready();
        let persistedUpTo: bigint | null = null;
        if (ready.persist.length > 0) {
          this.env.txnLog.append(ready.persist, (upTo) => {
            if (this.isDraining) persistedUpTo = upTo;
            else this.submit({ type: 'persisted', upTo });
          });
        }
        for (const message of ready.messages) this.sink.deliver(message);
        peer.advance(ready);
        if (persistedUpTo !== null) peer.step({ type: 'persisted', upTo: persistedUpTo });
      }
      this.sink.flush();
    } finally {
      this.isDraining = false;
    }
  }
}
