// A simulated client host: the real ZooClient's clock, timers, randomness and transport, on
// virtual time and the simulated network. Every callback into client code marks the world as
// having microtasks to run, so promise continuations resume at the virtual time they belong to.

import type { ClientEnv } from '@zoo/client';
import type { SeededRandom } from '../seeded-random.js';
import type { EventHandle, World } from '../world/world.js';
import type { ClientLinks } from '../net/client-links.js';

export function simClientEnv(options: {
  name: string;
  world: World;
  links: ClientLinks;
  random: SeededRandom;
}): ClientEnv {
  const { name, world, links, random } = options;
  return {
    clock: { nowMs: () => world.nowMs },
    timers: {
      // As Node's timers: a delay under 1 ms is 1 ms.
      setTimeout: (callback, delayMs) =>
        world.after(Math.max(1, delayMs), () => {
          world.hasPendingMicrotasks = true;
          callback();
        }),
      clearTimeout: (handle) => world.cancel(handle as EventHandle),
    },
    random: () => random.nextFloat(),
    connect: (server, handlers) => links.connect(name, server, handlers),
    log: { warn: (message) => world.record(`${name} warn ${message}`) },
  };
}

/** A promise that resolves after `ms` of virtual time. */
export function sleep(world: World, ms: number): Promise<void> {
  return new Promise((resolve) =>
    world.after(ms, () => {
      world.hasPendingMicrotasks = true;
      resolve();
    }),
  );
}
