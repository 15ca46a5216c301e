// Spreads a burst of watch events over event-loop turns. One write can fire 100,000 watches, and
// the core hands out all their notifications in one Ready; encoding them in one go keeps every
// other session waiting. Here at most `perTurn` notifications are handed to connections per
// flush; the rest wait in a queue per connection and go out in later turns, while the loop reads
// other sockets in between. Replies are not counted: they are bounded by the requests in flight
// (globalOutstandingLimit), and holding one back would only slow its client down.
//
// Order: a connection with messages waiting takes every new message behind them, so a reply that
// reflects a change still follows the watch event about it (ZooKeeper's ordering guarantee). A
// connection with nothing waiting is served at once, so other clients do not wait for the burst.

import type { ClientMessage } from '../core/peer/ready.js';

/** What the pacer needs of the connection registry. */
export interface PacedTarget<C> {
  /** Encodes one message into the connection's writer (written at the next flush). */
  deliverNow(connection: C, message: ClientMessage): void;
  /** Writes what was delivered: the end of one turn's share. */
  flush(): void;
}

/** One connection's waiting messages; `next` is the first not yet handed over. */
interface Waiting {
  messages: ClientMessage[];
  next: number;
}

export class PacedDelivery<C> {
  /** Connections with messages waiting, oldest first. */
  private readonly waiting = new Map<C, Waiting>();
  private budget: number;
  private isScheduled = false;

  constructor(
    /** Notifications handed over per turn; Infinity turns pacing off (the simulator). */
    private readonly perTurn: number,
    /** Runs a task in a later event-loop turn, after the I/O that is ready. */
    private readonly defer: (task: () => void) => void,
    private readonly target: PacedTarget<C>,
  ) {
    this.budget = perTurn;
  }

  /** Messages waiting for a later turn, over all connections. */
  get backlog(): number {
    let total = 0;
    for (const entry of this.waiting.values()) total += entry.messages.length - entry.next;
    return total;
  }

  deliver(connection: C, message: ClientMessage): void {
    const entry = this.waiting.get(connection);
    if (entry !== undefined) {
      entry.messages.push(message);
    } else if (message.kind !== 'notification') {
      this.target.deliverNow(connection, message);
    } else if (this.budget > 0) {
      this.budget -= 1;
      this.target.deliverNow(connection, message);
    } else {
      this.waiting.set(connection, { messages: [message], next: 0 });
    }
  }

  /** The connection is gone: what waited for it is dropped. */
  forget(connection: C): void {
    this.waiting.delete(connection);
  }

  /** Called after each flush: a new turn's budget, and a later turn for what still waits. */
  turnEnded(): void {
    this.budget = this.perTurn;
    if (this.waiting.size === 0 || this.isScheduled) return;
    this.isScheduled = true;
    this.defer(() => {
      this.isScheduled = false;
      this.handOverShare();
    });
  }

  /** One turn's share of the waiting messages, oldest connection first, then a flush. */
  private handOverShare(): void {
    for (const [connection, entry] of this.waiting) {
      const share = entry.messages.slice(entry.next, entry.next + this.budget);
      for (const message of share) this.target.deliverNow(connection, message);
      this.budget -= share.length;
      entry.next += share.length;
      if (entry.next === entry.messages.length) this.waiting.delete(connection);
      else if (entry.next >= this.perTurn) {
        // A connection that never catches up must not keep what it was handed.
        entry.messages.splice(0, entry.next);
        entry.next = 0;
      }
      if (this.budget <= 0) break;
    }
    this.target.flush();
  }
}

/**
 * Notifications a server hands to connections per loop turn. A few milliseconds of encoding: a
 * turn stays short while a storm of 100,000 events still leaves within a few dozen turns.
 */
export const pacedNotificationsPerTurn = 2_000;
