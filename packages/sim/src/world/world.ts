// The simulated world: virtual time on an event queue, named random streams drawn from one seed,
// and the trace whose digest proves a run replays byte for byte. Nothing here reads a real clock.

import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { SeededRandom } from '@zoo/server/internals';
import { EventQueue } from './event-queue.js';
import type { SimEvent } from './event-queue.js';

/** A handle to cancel a scheduled event. */
export type EventHandle = SimEvent;

export interface WorldOptions {
  seed: number;
}

export class World {
  nowMs = 0;
  eventsRun = 0;
  /**
   * Set by anything that runs client (promise) code inside an event: the run loop then lets the
   * microtask queue empty before the next event, so awaits resume at the virtual time they belong.
   */
  hasPendingMicrotasks = false;
  private readonly queue = new EventQueue();
  private nextSeq = 0;
  private readonly trace: Hash = createHash('sha256');

  constructor(readonly options: WorldOptions) {}

  /** An independent random stream per purpose, so one stream's draws never shift another's. */
  random(stream: string): SeededRandom {
    let hash = 0x811c9dc5;
    for (const char of stream) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    return new SeededRandom((this.options.seed ^ hash) >>> 0);
  }

  after(delayMs: number, run: () => void): EventHandle {
    return this.at(this.nowMs + Math.max(0, delayMs), run);
  }

  at(atMs: number, run: () => void): EventHandle {
    const event: SimEvent = {
      atMs: Math.max(atMs, this.nowMs),
      seq: this.nextSeq,
      run,
      isCancelled: false,
    };
    this.nextSeq += 1;
    this.queue.push(event);
    return event;
  }

  cancel(handle: EventHandle): void {
    handle.isCancelled = true;
  }

  /** Adds one line, stamped with the virtual time, to the trace digest. */
  record(line: string): void {
    this.trace.update(`${this.nowMs} ${line}\n`);
  }

  traceDigest(): string {
    return this.trace.copy().digest('hex');
  }

  /** Runs every event due up to `endMs`, then sets the clock to `endMs`. */
  async runUntil(endMs: number): Promise<void> {
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.atMs > endMs) break;
      this.queue.pop();
      if (next.isCancelled) continue;
      this.nowMs = next.atMs;
      this.eventsRun += 1;
      next.run();
      if (this.hasPendingMicrotasks) {
        this.hasPendingMicrotasks = false;
        await drainMicrotasks();
      }
    }
    this.nowMs = Math.max(this.nowMs, endMs);
  }
}

/**
 * Resolves after every queued microtask (and those they queue) has run, without an event-loop
 * turn (a poll of the OS) per client event as a setImmediate would take. Node empties the
 * microtask queue before it looks at its nextTick queue again, so a nextTick queued from inside
 * a microtask runs only once every continuation of this event has run. It must be queued from a
 * microtask: queued straight from a macrotask (the run loop's first steps run in the caller's
 * turn), it would run before the microtasks already waiting. Every `drainsPerEventLoopTurn`
 * drains take a real turn, so that the thread still answers messages. The microtask is a
 * reaction to a settled promise, not a queueMicrotask, which wraps each callback in an
 * AsyncResource (a small saving: that bookkeeping is well under 1% of a run).
 */
function drainMicrotasks(): Promise<void> {
  drainsSinceTurn += 1;
  if (drainsSinceTurn < drainsPerEventLoopTurn) {
    return new Promise((resolve) => void settled.then(() => process.nextTick(resolve)));
  }
  drainsSinceTurn = 0;
  return new Promise((resolve) => setImmediate(resolve));
}

const drainsPerEventLoopTurn = 1024;
const settled = Promise.resolve();
let drainsSinceTurn = 0;
