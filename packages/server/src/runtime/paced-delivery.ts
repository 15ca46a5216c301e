// Fans fired watch sets out over event-loop turns. One write can fire 100,000 watches; the core
// hands them over as a few sets of connections per event (a `notifications` message), and here
// at most `perTurn` notifications are encoded per flush, the rest in later turns, while the loop
// reads other sockets in between. Replies are not counted: they are bounded by the requests in
// flight (globalOutstandingLimit), and holding one back would only slow its client down.
//
// Order. Every message to a connection first takes the events of the sets still being fanned
// out that the connection is in and has not had yet, oldest first (`catchUp`): so a reply that
// reflects a change follows the watch event about it (ZooKeeper's ordering guarantee), and a
// connection's events keep zxid order. A connection in no pending set is served at once, so
// other clients do not wait for the storm.

import type { ClientMessage, ConnectionMessage } from '../core/peer/ready.js';
import type { Notification } from '@zoo/client/protocol';

/** What the pacer needs of the connection registry. */
export interface PacedTarget<C> {
  /** The open connection with this id, if any. */
  connectionOf(connectionId: number): C | undefined;
  /** Encodes one message into the connection's writer (written at the next flush). */
  deliverNow(connection: C, message: ConnectionMessage): void;
  /** Writes what was delivered: the end of one turn's share. */
  flush(): void;
}

/** One fired watch set being fanned out. */
class FanOut {
  /** Connections that had the event (from the walk or a catch-up). */
  readonly done = new Set<number>();
  private group = 0;
  private ids: Iterator<number>;

  constructor(
    readonly notification: Notification,
    private readonly watchers: readonly ReadonlySet<number>[],
  ) {
    this.ids = (watchers[0] ?? new Set<number>()).values();
  }

  /** Whether the connection is due this event and has not had it. */
  isOwedTo(connectionId: number): boolean {
    if (this.done.has(connectionId)) return false;
    return this.watchers.some((group) => group.has(connectionId));
  }

  /** The next connection of the walk not served yet, or null once the walk is over. */
  next(): number | null {
    for (;;) {
      const step = this.ids.next();
      if (step.done !== true) {
        if (!this.done.has(step.value)) return step.value;
        continue;
      }
      this.group += 1;
      const group = this.watchers[this.group];
      if (group === undefined) return null;
      this.ids = group.values();
    }
  }
}

export class PacedDelivery<C> {
  /** Sets still being fanned out, oldest first, from `head` on. */
  private fanOuts: (FanOut | undefined)[] = [];
  private head = 0;
  /** How many sets were ever dropped off the front of `fanOuts` (an index's absolute base). */
  private dropped = 0;
  /**
   * Per connection, the absolute index of the first set its catch-up has not looked at: a set
   * looked at owes it nothing any more, so each message scans only the sets added since.
   * Cleared whenever nothing is pending.
   */
  private readonly scannedTo = new Map<number, number>();
  private budget: number;
  private isScheduled = false;

  constructor(
    /** Notifications handed over per turn; Infinity turns pacing off (the simulator). */
    private readonly perTurn: number,
    /** Runs a task in a later event-loop turn, after the I/O that is ready. */
    private readonly defer: (task: () => void) => void,
    private readonly target: PacedTarget<C>,
    /** Told of each notification of a fired set handed to a connection (its statistics). */
    private readonly sent: (connectionId: number) => void = () => {},
  ) {
    this.budget = perTurn;
  }

  /** Fired sets not fanned out to the end yet. */
  get backlog(): number {
    return this.fanOuts.length - this.head;
  }

  deliver(message: ClientMessage): void {
    if (message.kind === 'notifications') {
      if (this.fitsNow(message.watchers)) {
        this.fanOutNow(message.notification, message.watchers);
        return;
      }
      this.fanOuts.push(new FanOut(message.notification, message.watchers));
      this.handOver();
      return;
    }
    const connection = this.target.connectionOf(message.connectionId);
    if (connection === undefined) return;
    this.catchUp(message.connectionId, connection);
    this.target.deliverNow(connection, message);
  }

  /** Called after each flush: a new turn's budget, and a later turn for what still waits. */
  turnEnded(): void {
    this.budget = this.perTurn;
    if (this.backlog === 0 || this.isScheduled) return;
    this.isScheduled = true;
    this.defer(() => {
      this.isScheduled = false;
      this.handOver();
      this.target.flush();
    });
  }

  /** Nothing pending and the whole set within this turn's budget: the common, small case. */
  private fitsNow(watchers: readonly ReadonlySet<number>[]): boolean {
    if (this.head < this.fanOuts.length) return false;
    let size = 0;
    for (const group of watchers) size += group.size;
    return size <= this.budget;
  }

  /** Fans a set out at once; with nothing pending, no connection owes an older event. */
  private fanOutNow(notification: Notification, watchers: readonly ReadonlySet<number>[]): void {
    const served = watchers.length > 1 ? new Set<number>() : null;
    for (const group of watchers) {
      for (const connectionId of group) {
        if (served !== null) {
          if (served.has(connectionId)) continue;
          served.add(connectionId);
        }
        this.budget -= 1;
        const connection = this.target.connectionOf(connectionId);
        if (connection !== undefined) this.notify(connectionId, connection, notification);
      }
    }
  }

  /** Before any other message to a connection: the events it is owed, oldest first. */
  private catchUp(connectionId: number, connection: C): number {
    // Nothing being fanned out (nearly always): no lookup per reply.
    if (this.head === this.fanOuts.length) return 0;
    let count = 0;
    const from = Math.max(this.head, (this.scannedTo.get(connectionId) ?? 0) - this.dropped);
    for (let index = from; index < this.fanOuts.length; index += 1) {
      const fanOut = this.fanOuts[index];
      if (fanOut === undefined || !fanOut.isOwedTo(connectionId)) continue;
      fanOut.done.add(connectionId);
      this.notify(connectionId, connection, fanOut.notification);
      count += 1;
    }
    if (this.fanOuts.length > this.head) {
      this.scannedTo.set(connectionId, this.dropped + this.fanOuts.length);
    }
    return count;
  }

  /** This turn's share of the walks, oldest set first. */
  private handOver(): void {
    while (this.budget > 0 && this.head < this.fanOuts.length) {
      const fanOut = this.fanOuts[this.head];
      const connectionId = fanOut === undefined ? null : fanOut.next();
      if (fanOut === undefined || connectionId === null) {
        this.fanOuts[this.head] = undefined; // done with: its sets may be large
        this.head += 1;
        continue;
      }
      // The oldest set, so this connection owes nothing older: it gets everything it is owed
      // now, in one write, rather than a little per turn in many.
      fanOut.done.add(connectionId);
      const connection = this.target.connectionOf(connectionId);
      this.budget -= 1;
      if (connection === undefined) continue;
      this.notify(connectionId, connection, fanOut.notification);
      this.budget -= this.catchUp(connectionId, connection);
    }
    if (this.head === this.fanOuts.length || this.head > 1024) {
      this.fanOuts = this.fanOuts.slice(this.head);
      this.dropped += this.head;
      this.head = 0;
    }
    if (this.fanOuts.length === 0) this.scannedTo.clear();
  }

  private notify(connectionId: number, connection: C, notification: Notification): void {
    this.target.deliverNow(connection, { kind: 'notification', connectionId, notification });
    this.sent(connectionId);
  }
}

/**
 * Notifications a server hands to connections per loop turn. A few milliseconds of encoding: a
 * turn stays short while a storm of 100,000 events still leaves within a few dozen turns.
 */
export const pacedNotificationsPerTurn = 2_000;
