// Counter: a 64-bit integer in one znode, updated by version-checked writes with bounded,
// jittered retries, such that no update is lost and none is applied twice — even when a write's
// reply is lost with its connection (kazoo's Counter retries blindly there and can apply twice).
//
// How: each update carries a random 128-bit id, and the node keeps the ids of its last K updates
// with the values they produced (counter-codec.ts). After a write's reply is lost, the next read
// looks for the id before anything is written again (lost-update-check.ts).

import { ErrorCode } from '../../protocol/index.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { nodeRecipeEnv, randomHex } from '../support/recipe-env.js';
import type { RecipeEnv } from '../support/recipe-env.js';
import {
  RetriesExhaustedError,
  RetryLater,
  retryIfTransient,
  retryPolicyOf,
  retryWithBackoff,
} from '../support/retry.js';
import type { RetryContext, RetryPolicy } from '../support/retry.js';
import { hasCode, isOutcomeUnknown } from '../support/zoo-error-kinds.js';
import { createParentThenRetry, parentOf } from '../support/znode-paths.js';
import {
  decodeCounter,
  encodeCounter,
  isInt64,
  recentUpdatesLimit,
  updateIdBytes,
} from './counter-codec.js';
import { CounterOutcomeUnknownError } from './counter-errors.js';
import { LostUpdateCheck } from './lost-update-check.js';
import type { CounterRead } from './lost-update-check.js';

export interface CounterOptions {
  /** The value of a counter whose node does not exist yet (0). */
  initialValue?: bigint | number;
  /**
   * K: how many recent updates the node lists (64, at most 255). A lost reply is decided
   * exactly as long as fewer than K other updates land before the check; each entry costs 24
   * bytes of node data.
   */
  recentUpdatesMax?: number;
  retry?: Partial<RetryPolicy>;
  /** Timers and randomness for back-off and update ids; Node's by default. */
  env?: RecipeEnv;
}

export const recentUpdatesMaxDefault = 64;

/** What an update did: whether it wrote, and the counter's value after it (or as it found it). */
interface UpdateResult {
  applied: boolean;
  value: bigint;
}

/** A safe integer or a bigint, as a bigint. */
function toBigInt(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer`);
  return BigInt(value);
}

function checkedInt64(value: bigint, what: string): bigint {
  if (!isInt64(value)) throw new RangeError(`${what} ${value} is outside the signed 64-bit range`);
  return value;
}

export class Counter {
  readonly path: string;
  private readonly client: ZooClient;
  private readonly initialValue: bigint;
  private readonly recentUpdatesMax: number;
  private readonly env: RecipeEnv;
  private readonly retry: RetryContext;

  constructor(client: ZooClient, path: string, options: CounterOptions = {}) {
    this.client = client;
    this.path = path;
    this.initialValue = checkedInt64(
      toBigInt(options.initialValue ?? 0n, 'initialValue'),
      'initialValue',
    );
    const recentUpdatesMax = options.recentUpdatesMax ?? recentUpdatesMaxDefault;
    if (
      !Number.isInteger(recentUpdatesMax) ||
      recentUpdatesMax < 1 ||
      recentUpdatesMax > recentUpdatesLimit
    ) {
      throw new RangeError(`recentUpdatesMax must be an integer in 1..${recentUpdatesLimit}`);
    }
    this.recentUpdatesMax = recentUpdatesMax;
    this.env = options.env ?? nodeRecipeEnv();
    this.retry = { env: this.env, policy: retryPolicyOf(options.retry), what: `counter ${path}` };
  }

  /**
   * The value, as the server this client talks to has it: like any ZooKeeper read it may lag
   * the leader. `{ sync: true }` first catches that server up (one more round trip).
   */
  async get(options: { sync?: boolean } = {}): Promise<bigint> {
    if (options.sync === true) await this.client.sync(this.path);
    return (await this.read()).state.value;
  }

  /** Adds `delta` and resolves with the value this update produced. */
  async add(delta: bigint | number): Promise<bigint> {
    const amount = toBigInt(delta, 'delta');
    const result = await this.update((current) => checkedInt64(current + amount, 'the sum'));
    return result.value;
  }

  increment(): Promise<bigint> {
    return this.add(1n);
  }

  decrement(): Promise<bigint> {
    return this.add(-1n);
  }

  /** Sets `next` if the value is `expected`; false (nothing written) if it is not. */
  async compareAndSet(expected: bigint | number, next: bigint | number): Promise<boolean> {
    const from = toBigInt(expected, 'expected');
    const to = checkedInt64(toBigInt(next, 'next'), 'next');
    const result = await this.update((current) => (current === from ? to : null));
    return result.applied;
  }

  /**
   * Sets `value` whatever the counter holds, retrying on contention; false when the retry
   * budget runs out first (the other updates then throw RetriesExhaustedError instead).
   */
  async trySet(value: bigint | number): Promise<boolean> {
    const to = checkedInt64(toBigInt(value, 'value'), 'value');
    try {
      return (await this.update(() => to)).applied;
    } catch (error) {
      if (error instanceof RetriesExhaustedError) return false;
      throw error;
    }
  }

  /**
   * Reads, computes the next value (null: write nothing) and writes it conditionally on the
   * version read, until a write lands or the budget runs out. One update id for every attempt.
   */
  private async update(next: (current: bigint) => bigint | null): Promise<UpdateResult> {
    const check = new LostUpdateCheck(randomHex(this.env, updateIdBytes));
    try {
      return await retryWithBackoff(this.retry, () => this.attempt(check, next));
    } catch (error) {
      if (check.isResolved || error instanceof CounterOutcomeUnknownError) throw error;
      const reason = error instanceof RetriesExhaustedError ? 'retries ran out' : String(error);
      throw new CounterOutcomeUnknownError({
        path: this.path,
        updateId: check.updateId,
        reason: `a reply was lost, then ${reason}`,
        cause: error,
      });
    }
  }

  private async attempt(
    check: LostUpdateCheck,
    next: (current: bigint) => bigint | null,
  ): Promise<UpdateResult | RetryLater> {
    let read: CounterRead;
    try {
      read = await this.read();
    } catch (error) {
      return retryIfTransient(error, !check.isResolved);
    }
    const verdict = check.judge(read);
    switch (verdict.type) {
      case 'applied':
        return { applied: true, value: verdict.value };
      case 'behind':
        return new RetryLater(new Error(`read version ${read.version} is behind a write`));
      case 'unknown': {
        const since = `${verdict.expectedVersion} → ${verdict.version}`;
        const reason = `versions ${since} outnumber the ${read.state.updates.length} listed`;
        throw new CounterOutcomeUnknownError({ path: this.path, updateId: check.updateId, reason });
      }
      case 'notApplied':
        break;
    }
    const value = next(read.state.value);
    if (value === null) return { applied: false, value: read.state.value };
    return this.write(read, value, check);
  }

  /** Writes `value` and this update's id against the version read (a create if none). */
  private async write(
    read: CounterRead,
    value: bigint,
    check: LostUpdateCheck,
  ): Promise<UpdateResult | RetryLater> {
    if (read.version === -1) {
      // After 2^32 − 1 updates the version wraps to −1, which ZooKeeper reads as "any version":
      // a write there would not be checked, so the counter refuses rather than risk a lost update.
      throw new RangeError(`${this.path} is at version −1, which cannot be checked`);
    }
    const updates = [...read.state.updates, { id: check.updateId, value }];
    const data = encodeCounter({ value, updates: updates.slice(-this.recentUpdatesMax) });
    try {
      if (read.version === null) await this.client.create(this.path, data);
      else await this.client.setData(this.path, data, read.version);
      return { applied: true, value };
    } catch (error) {
      if (isOutcomeUnknown(error)) {
        // Check soon: every update landing meanwhile brings the entry closer to falling out of
        // the recent list.
        check.lost(read.version ?? -1);
        return new RetryLater(error, true);
      }
      if (read.version === null && hasCode(error, ErrorCode.NoNode)) {
        return createParentThenRetry(this.client, parentOf(this.path), error);
      }
      const isContention = hasCode(
        error,
        ErrorCode.BadVersion,
        ErrorCode.NodeExists,
        ErrorCode.NoNode,
      );
      return isContention ? new RetryLater(error) : retryIfTransient(error);
    }
  }

  private async read(): Promise<CounterRead> {
    const decodeOptions = { path: this.path, initialValue: this.initialValue };
    try {
      const { data, stat } = await this.client.getData(this.path);
      return { version: stat.version, state: decodeCounter(data, decodeOptions) };
    } catch (error) {
      if (!hasCode(error, ErrorCode.NoNode)) throw error;
      return { version: null, state: decodeCounter(null, decodeOptions) };
    }
  }
}
