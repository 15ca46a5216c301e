// Running virtual time until something happens, bounded: the run's waits for set-up, for the
// clients after the heal and for convergence.

import type { World } from './world/world.js';

/** Runs the world until `promise` settles or `maxMs` of virtual time pass; true if it settled. */
export async function settle(
  world: World,
  promise: Promise<unknown>,
  maxMs: number,
): Promise<boolean> {
  let isSettled = false;
  promise.then(
    () => (isSettled = true),
    () => (isSettled = true),
  );
  return waitFor(world, () => isSettled, maxMs);
}

export async function waitFor(
  world: World,
  condition: () => boolean,
  maxMs: number,
): Promise<boolean> {
  const limitMs = world.nowMs + maxMs;
  while (!condition()) {
    if (world.nowMs >= limitMs) return false;
    await world.runUntil(Math.min(limitMs, world.nowMs + 50));
  }
  return true;
}
