// The time, timers and randomness a recipe uses (timeouts, back-off, node GUIDs), injected so
// that the simulator runs the same recipes on virtual time; Node's own by default.

import { nodeClientEnv } from '../../adapters/node-env.js';
import type { ClientLogger, Clock, Timers } from '../../api/env.js';

/** A ClientEnv is one: pass the client's env to run a recipe in the same world. */
export interface RecipeEnv {
  clock: Clock;
  timers: Timers;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Where a recipe reports what it cannot throw (a listener that threw). */
  log?: ClientLogger;
}

export function nodeRecipeEnv(): RecipeEnv {
  const { clock, timers, random, log } = nodeClientEnv();
  return { clock, timers, random, ...(log === undefined ? {} : { log }) };
}
