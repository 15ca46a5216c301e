// A ClientEnv for tests whose clock only moves when the test says so: timers fire in deadline
// order inside advance(), and settle() lets every pending microtask and delivery run.

import type { ClientEnv, ClientLogger, TimerHandle, TransportFactory } from '../env.js';

interface Timer {
  id: number;
  dueMs: number;
  callback: () => void;
}

/** Lets queued microtasks (and the promise chains they start) run to completion. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualEnv implements ClientEnv {
  nowMs = 0;
  readonly warnings: Array<{ message: string; error: unknown }> = [];
  readonly clock = { nowMs: (): number => this.nowMs };
  readonly timers = {
    setTimeout: (callback: () => void, delayMs: number): TimerHandle => {
      const timer = { id: this.nextTimerId++, dueMs: this.nowMs + delayMs, callback };
      this.pending.set(timer.id, timer);
      return timer.id;
    },
    clearTimeout: (handle: TimerHandle): void => {
      if (typeof handle === 'number') this.pending.delete(handle);
    },
  };
  readonly log: ClientLogger = {
    warn: (message, error) => this.warnings.push({ message, error }),
  };
  readonly connect: TransportFactory;
  private readonly pending = new Map<number, Timer>();
  private nextTimerId = 1;

  constructor(
    connect: TransportFactory,
    readonly random: () => number = () => 0,
  ) {
    this.connect = connect;
  }

  get timerCount(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing due timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.nowMs + ms;
    await settle();
    for (;;) {
      const next = [...this.pending.values()]
        .filter((t) => t.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (next === undefined) break;
      this.pending.delete(next.id);
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.callback();
      await settle();
    }
    this.nowMs = targetMs;
    await settle();
  }
}
