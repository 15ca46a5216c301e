// Segment IDs: ranges of IDs reserved through a Counter (one update per range) and handed out
// from memory; the next range is fetched in the background before the current one runs out,
// and a range used up quickly makes the next one larger.

import type { ZooClient } from '../../api/zoo-client.js';
import { Counter } from '../counter/counter.js';
import type { CounterOptions } from '../counter/counter.js';
import { CounterOutcomeUnknownError } from '../counter/counter-errors.js';
import { nodeRecipeEnv } from '../support/recipe-env.js';
import type { RecipeEnv } from '../support/recipe-env.js';

export interface SegmentIdOptions {
  /** The first range's size, and the smallest (1000). */
  step?: number;
  /** The largest range (1,000,000). */
  stepMax?: number;
  /** A range used up faster than this doubles the next one; four times slower halves it (1 s). */
  rangeDurationTargetMs?: number;
  /** Fetch the next range once this share of the current one is used (0.1, as Leaf does). */
  prefetchAt?: number;
  /** The first ID of a counter that does not exist yet (1). */
  firstId?: bigint | number;
  /** Options of the Counter that reserves ranges (its retries, K). */
  counter?: Omit<CounterOptions, 'initialValue' | 'env'>;
  /** Clock, timers and randomness; Node's by default. */
  env?: RecipeEnv;
}

interface Range {
  next: bigint;
  end: bigint;
  /** Once `next` reaches this, the following range is fetched. */
  prefetchFrom: bigint;
  size: number;
  startedMs: number | null;
}

/** Attempts at reserving one range whose counter update had an unknown outcome. */
const reserveAttemptsMax = 5;

/**
 * IDs reserved in ranges through a Counter at `counterPath`.
 *
 * Guarantees: unique among all generators sharing the counter path, across processes and
 * restarts — each range is the result of one counter update, and the Counter applies an update
 * at most once and returns exactly the value it produced, so no two reservations overlap. IDs
 * from one generator increase; across generators they interleave, and a range a process did
 * not finish (it stopped or restarted) leaves a gap. An update whose outcome is unknown is
 * never used: the generator reserves again, which at worst skips a range.
 */
export class SegmentIdGenerator {
  private readonly counter: Counter;
  private readonly env: RecipeEnv;
  private readonly stepMin: number;
  private readonly stepMax: number;
  private readonly targetMs: number;
  private readonly prefetchAt: number;
  private step: number;
  private current: Range | null = null;
  private upcoming: Range | null = null;
  private fetching: Promise<void> | null = null;

  constructor(client: ZooClient, counterPath: string, options: SegmentIdOptions = {}) {
    this.env = options.env ?? nodeRecipeEnv();
    this.stepMin = options.step ?? 1000;
    this.stepMax = options.stepMax ?? 1_000_000;
    this.targetMs = options.rangeDurationTargetMs ?? 1000;
    this.prefetchAt = options.prefetchAt ?? 0.1;
    const isStepValid = Number.isSafeInteger(this.stepMin) && this.stepMin >= 1;
    if (!isStepValid || !Number.isSafeInteger(this.stepMax) || this.stepMax < this.stepMin) {
      throw new RangeError('step and stepMax must be integers with 1 ≤ step ≤ stepMax');
    }
    if (!(this.prefetchAt >= 0 && this.prefetchAt <= 1)) {
      throw new RangeError('prefetchAt must be within 0..1');
    }
    this.step = this.stepMin;
    const initialValue = options.firstId ?? 1n;
    this.counter = new Counter(client, counterPath, {
      ...options.counter,
      initialValue,
      env: this.env,
    });
  }

  /** IDs reserved and not yet handed out (the current range and a fetched next one). */
  get idsInMemory(): bigint {
    const left = (range: Range | null): bigint => (range === null ? 0n : range.end - range.next);
    return left(this.current) + left(this.upcoming);
  }

  /** The next ID: at once from memory, or after the next range arrives. */
  next(): Promise<bigint> {
    const id = this.take();
    return id === null ? this.nextAfterFetch() : Promise.resolve(id);
  }

  private take(): bigint | null {
    let range = this.current;
    if (range === null || range.next >= range.end) {
      range = this.promoteUpcoming();
      if (range === null) return null;
    }
    const id = range.next;
    range.next = id + 1n;
    if (range.next === range.prefetchFrom) this.prefetch();
    return id;
  }

  /** Moves a fetched range in as the current one, adapting the step to how long the last took. */
  private promoteUpcoming(): Range | null {
    const finished = this.current;
    const range = this.upcoming;
    if (range === null) return null;
    this.upcoming = null;
    this.current = range;
    const nowMs = this.env.clock.nowMs();
    if (finished !== null && finished.startedMs !== null) {
      this.adaptStep(nowMs - finished.startedMs);
    }
    range.startedMs = nowMs;
    return range;
  }

  /** A range lasts as long as a ZooKeeper write many times over, and the process stays lean. */
  private adaptStep(tookMs: number): void {
    if (tookMs < this.targetMs) this.step = Math.min(this.stepMax, this.step * 2);
    else if (tookMs > 4 * this.targetMs) this.step = Math.max(this.stepMin, this.step / 2);
  }

  private async nextAfterFetch(): Promise<bigint> {
    for (;;) {
      await this.fetch();
      const id = this.take();
      if (id !== null) return id;
    }
  }

  /** Starts fetching the next range in the background; a failure is retried when needed. */
  private prefetch(): void {
    if (this.upcoming === null) this.fetch().catch(() => undefined);
  }

  /** Fetches one range into `upcoming`, sharing a fetch already under way. */
  private fetch(): Promise<void> {
    if (this.upcoming !== null) return Promise.resolve();
    this.fetching ??= this.reserve().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async reserve(): Promise<void> {
    const size = this.step;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const end = await this.counter.add(size);
        const start = end - BigInt(size);
        // At least one ID in: `take` starts the prefetch right after handing out that ID.
        const prefetchFrom = start + BigInt(Math.max(1, Math.floor(size * this.prefetchAt)));
        this.upcoming = { next: start, end, prefetchFrom, size, startedMs: null };
        return;
      } catch (error) {
        // Reserved once or not at all: leave that range unused and reserve another.
        if (!(error instanceof CounterOutcomeUnknownError) || attempt >= reserveAttemptsMax) {
          throw error;
        }
      }
    }
  }
}
