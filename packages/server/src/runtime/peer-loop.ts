// The one loop that drives a Peer, in the real server and (later) in the simulator alike.
//
// The Ready contract. Inputs are stepped into the peer as they arrive; once per event-loop turn
// the loop drains every Ready the peer has — many inputs, one Ready, one fsync (group commit):
//   1. send `send` to peers (proposals, commits) — may overlap the local write (replication);
//   2. write `persist` (txns, truncation, snapshot, epochs) and make it durable;
//   3. only then send `sendAfterPersist` (ACKs, epoch ACKs) and step `{ type: 'persisted',
//      upTo }`: the self-ACK that lets the leader (or a standalone server) commit;
//   4. hand `messages` to the client connections, in order; notifications come before any
//      reply that follows them, because the peer emitted them first. They answer what is
//      already applied, so they do not wait for step 2.
// (core/peer/ready.ts carryOutReady does exactly this, for the loop and the tests alike.) Each
// connection then writes what it was handed in one socket write.

import type { Peer } from '../core/peer/peer.js';
import type { PeerInput } from '../core/peer/peer-input.js';
import { carryOutReady } from '../core/peer/ready.js';
import type { ClientMessage, Ready, ReadyTarget } from '../core/peer/ready.js';
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
  private readonly target: ReadyTarget;

  constructor(
    readonly peer: Peer,
    private readonly env: Env,
    private readonly sink: ClientSink,
  ) {
    this.target = {
      send: (envelope) => env.peers.send(envelope.to, envelope.message),
      persist: (ops, done) => env.txnLog.write(ops, done),
      persisted: (upTo) => this.submit({ type: 'persisted', upTo }),
      deliver: (message) => sink.deliver(message),
    };
    const tickIntervalMs = Math.max(10, Math.min(100, peer.options.tickMs / 4));
    this.stopTicking = env.scheduler.every(tickIntervalMs, () => this.drain());
  }

  submit(input: PeerInput): void {
    if (this.isClosed) return;
    this.peer.advanceTime(this.env.clock.nowMs());
    this.peer.step(input);
    // Inside a drain (a synchronous log) the running loop picks the new work up.
    if (!this.isDraining) this.scheduleDrain();
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
      while (peer.hasReady()) this.carryOut(peer.ready());
      this.sink.flush();
    } finally {
      this.isDraining = false;
    }
  }

  private carryOut(ready: Ready): void {
    carryOutReady(ready, this.target);
  }
}
