// What a recipe takes from the world — a clock, timers and randomness — injected so that the
// simulator can run the same recipe on virtual time; the real ones (Node's) by default.

import { randomFillSync } from 'node:crypto';
import type { ClientLogger, Clock, Timers } from '../../api/env.js';

/**
 * A ClientEnv has these three members, so the env a client was built with (the simulator's, a
 * test's manual clock) can be handed to a recipe as it is.
 */
export interface RecipeEnv {
  /** Milliseconds on a monotonic clock; recipes use only differences. */
  clock: Clock;
  timers: Timers;
  /** Uniform in [0, 1). Update ids and worker GUIDs take 32 bits from each call. */
  random: () => number;
  /** Where a recipe reports what it cannot throw (a listener that threw); console by default. */
  log?: ClientLogger;
}

/** Random words are drawn from the OS in batches: one system call per 256 draws. */
const randomBatchWords = 256;

/** Node's monotonic clock and timers, and a cryptographically strong random source. */
export function nodeRecipeEnv(): RecipeEnv {
  const words = new Uint32Array(randomBatchWords);
  let next = randomBatchWords;
  return {
    clock: { nowMs: () => performance.now() },
    timers: {
      setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    log: { warn: (message, error) => console.warn(message, error) },
    random: () => {
      if (next === randomBatchWords) {
        randomFillSync(words);
        next = 0;
      }
      const word = words[next++] ?? 0;
      return word / 2 ** 32;
    },
  };
}

/** Resolves after `delayMs` on the env's timers. */
export function sleep(env: RecipeEnv, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    env.timers.setTimeout(resolve, delayMs);
  });
}

/** `bytes` random bytes as lowercase hex, drawn 32 bits at a time from the env's source. */
export function randomHex(env: RecipeEnv, bytes: number): string {
  let hex = '';
  for (let i = 0; i < bytes; i += 4) {
    const word = Math.floor(env.random() * 2 ** 32) >>> 0;
    hex += word.toString(16).padStart(8, '0');
  }
  return hex.slice(0, bytes * 2);
}
