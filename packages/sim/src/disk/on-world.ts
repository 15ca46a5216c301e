// For tests of the simulated disk: run a promise's work on virtual time until it settles.

import type { World } from '../world/world.js';

/** Runs `work` on virtual time to its end, as the simulator runs a server's disk calls. */
export async function onWorld<T>(world: World, work: Promise<T>): Promise<T> {
  let settled = false;
  const settle = (): void => void (settled = true);
  work.then(settle, settle);
  while (!settled) await world.runUntil(world.nowMs + 1);
  return work;
}
