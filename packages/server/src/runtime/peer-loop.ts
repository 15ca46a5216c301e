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
//      already applied, so they do not wait for step 2;
//   5. `advance(ready)`.
// Each connection then writes what it was handed in one socket write.

import type { Peer } from '../core/peer.js';
import type { PeerInput } from '../core/peer-input.js';
import type { ClientMessage, Ready } from '../core/ready.js';
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
    const { peers, txnLog } = this.env;
    for (const envelope of ready.send) peers.send(envelope.to, envelope.message);
    if (ready.persist.length === 0) {
      for (const envelope of ready.sendAfterPersist) peers.send(envelope.to, envelope.message);
    } else {
      txnLog.write(ready.persist, (lastTxnZxid) => {
        // Only now may ACKs leave: what they acknowledge is durable.
        for (const envelope of ready.sendAfterPersist) peers.send(envelope.to, envelope.message);
        // Every durable batch is reported (epochs too: a leader counts its own NEWLEADER ack);
        // −1 says it held no txn.
        this.submit({ type: 'persisted', upTo: lastTxnZxid ?? -1n });
      });
    }
    // Client messages answer what was already applied: they never wait for this Ready's write.
    for (const message of ready.messages) this.sink.deliver(message);
    this.peer.advance(ready);
  }
}
