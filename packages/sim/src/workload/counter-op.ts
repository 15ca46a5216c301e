// A counter increment through the real Counter recipe, recorded for the recipe checker with
// what the recipe promises: a value it produced, an outcome it could not decide
// (CounterOutcomeUnknownError: applied once or not at all), or a failure that did not apply.

import { ZooError } from '@zoo/client';
import { Counter, CounterOutcomeUnknownError, RetriesExhaustedError } from '@zoo/client/recipes';
import type { CounterIncrement } from '../history/history.js';
import { codeOf } from './outcome.js';
import type { OpContext } from './op-context.js';
import { counterPath } from './op-context.js';
import { blindIncrement } from './planted-recipe-bugs.js';

export async function incrementCounter(context: OpContext): Promise<void> {
  const { client, env, world } = context;
  const increment: CounterIncrement = {
    process: context.process,
    invokeMs: world.nowMs,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  };
  context.history.counterIncrements.push(increment);
  try {
    const value =
      context.recipeBug === 'counterBlindRetry'
        ? await blindIncrement(client, counterPath, env)
        : await new Counter(client, counterPath, { env }).increment();
    increment.outcome = { type: 'ok', value: Number(value), completeMs: world.nowMs };
  } catch (error) {
    if (error instanceof CounterOutcomeUnknownError) {
      increment.outcome = { type: 'unknown', reason: error.message };
      return;
    }
    // Anything else but these is a bug in the recipe or the client: the run fails on it.
    if (!(error instanceof ZooError) && !(error instanceof RetriesExhaustedError)) throw error;
    increment.outcome = { type: 'fail', code: codeOf(error) ?? -1, completeMs: world.nowMs };
  }
}
