// Bounded retries with jittered exponential back-off, shared by the recipes: an attempt either
// finishes with a value or asks to be retried (saying why), and the loop gives up with a typed
// error once the attempt budget is spent.

import type { RecipeEnv } from './recipe-env.js';
import { sleep } from './recipe-env.js';
import { isOutcomeUnknown, isRefusedForNow } from './zoo-error-kinds.js';

export interface RetryPolicy {
  /** Attempts before giving up, the first one included. */
  attemptsMax: number;
  /** The back-off before retry n is uniform in [0, min(backoffMaxMs, backoffBaseMs · 2^n)). */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const retryPolicyDefault: Readonly<RetryPolicy> = {
  attemptsMax: 30,
  backoffBaseMs: 2,
  backoffMaxMs: 400,
};

/** The default policy with the caller's overrides, checked. */
export function retryPolicyOf(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...retryPolicyDefault, ...overrides };
  if (!Number.isInteger(policy.attemptsMax) || policy.attemptsMax < 1) {
    throw new RangeError(`attemptsMax must be a positive integer, got ${policy.attemptsMax}`);
  }
  if (!(policy.backoffBaseMs >= 0) || !(policy.backoffMaxMs >= policy.backoffBaseMs)) {
    throw new RangeError('backoff must satisfy 0 ≤ backoffBaseMs ≤ backoffMaxMs');
  }
  return policy;
}

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): contenders that
 * collided spread out over the whole window instead of colliding again in lock-step.
 */
export function backoffDelayMs(retryIndex: number, policy: RetryPolicy, random: () => number) {
  const ceilingMs = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** retryIndex);
  return random() * ceilingMs;
}

/**
 * What an attempt returns to be tried again; `cause` is kept for the final error. An urgent
 * retry waits only the base back-off (jittered), not the growing one: for a check that must run
 * soon, such as the read that decides a write whose reply was lost.
 */
export class RetryLater {
  constructor(
    readonly cause: unknown,
    readonly isUrgent = false,
  ) {}
}

/**
 * For a catch block inside an attempt: a transient failure (a lost reply, a throttled call)
 * becomes a RetryLater; any other error is thrown on.
 */
export function retryIfTransient(error: unknown, isUrgent = false): RetryLater {
  if (isOutcomeUnknown(error) || isRefusedForNow(error)) return new RetryLater(error, isUrgent);
  throw error;
}

/** Every attempt asked to be retried. `cause` is the last attempt's reason. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  readonly attempts: number;

  constructor(what: string, attempts: number, cause: unknown) {
    super(`${what}: gave up after ${attempts} attempts (last: ${String(cause)})`, { cause });
    this.attempts = attempts;
  }
}

export interface RetryContext {
  env: RecipeEnv;
  policy: RetryPolicy;
  /** Names the operation in RetriesExhaustedError. */
  what: string;
}

/** Runs `attempt` until it returns a value, backing off between attempts, at most attemptsMax. */
export async function retryWithBackoff<T>(
  context: RetryContext,
  attempt: (index: number) => Promise<T | RetryLater>,
): Promise<T> {
  let cause: unknown = null;
  let isUrgent = false;
  for (let index = 0; index < context.policy.attemptsMax; index += 1) {
    if (index > 0) {
      const retryIndex = isUrgent ? 0 : index - 1;
      await sleep(context.env, backoffDelayMs(retryIndex, context.policy, context.env.random));
    }
    const result = await attempt(index);
    if (!(result instanceof RetryLater)) return result;
    ({ cause, isUrgent } = result);
  }
  throw new RetriesExhaustedError(context.what, context.policy.attemptsMax, cause);
}
