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

  /**
   * Runs every event due up to `endMs`, then sets the clock to `endMs`. After an event that
   * leaves microtasks (client code, the log's completions), the next one waits until they have
   * all run (`afterMicrotasks`), so awaits resume at the virtual time they belong to. The loop
   * resumes from a callback rather than awaiting a fresh promise per event: that promise, its
   * resolvers and the await were about a twentieth of everything a run allocated.
   */
  runUntil(endMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const step = (): void => {
        try {
          if (!this.runEvents(endMs)) return afterMicrotasks(resume);
          this.nowMs = Math.max(this.nowMs, endMs);
          resolve();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const resume = (): void => void process.nextTick(step);
      step();
    });
  }

  /** Runs due events until one leaves microtasks (answers false) or none is left (true). */
  private runEvents(endMs: number): boolean {
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.atMs > endMs) return true;
      this.queue.pop();
      if (next.isCancelled) continue;
      this.nowMs = next.atMs;
      this.eventsRun += 1;
      next.run();
      if (this.hasPendingMicrotasks) {
        this.hasPendingMicrotasks = false;
        return false;
      }
    }
  }
}

/**
 * Calls `resume` after every queued microtask (and those they queue) has run, without an
 * event-loop turn (a poll of the OS) per client event as a setImmediate would take. `resume`
 * queues a nextTick, and Node empties the microtask queue before it looks at its nextTick queue
 * again, so the tick runs only once every continuation of this event has run. It must be queued
 * from a microtask: queued straight from a macrotask (the run loop's first steps run in the
 * caller's turn), it would run before the microtasks already waiting. Every
 * `drainsPerEventLoopTurn` drains take a real turn instead, so that the thread still answers
 * messages. The microtask is a reaction to a settled promise, not a queueMicrotask, which wraps
 * each callback in an AsyncResource.
 */
function afterMicrotasks(resume: () => void): void {
  drainsSinceTurn += 1;
  if (drainsSinceTurn < drainsPerEventLoopTurn) {
    void settled.then(resume);
    return;
  }
  drainsSinceTurn = 0;
  setImmediate(resume);
}

const drainsPerEventLoopTurn = 1024;
const settled = Promise.resolve();
let drainsSinceTurn = 0;
