// A simulated client host: the real ZooClient's clock, timers, randomness and transport, on
// virtual time and the simulated network, inside a client process that can pause or die. Every
// callback into client code marks the world as having microtasks to run, so promise
// continuations resume at the virtual time they belong to.

import type { ClientEnv } from '@zoo/client';
import type { SeededRandom } from '@zoo/server/internals';
import type { EventHandle, World } from '../world/world.js';
import type { ClientLinks } from '../net/client-links.js';
import type { SimProcess } from '../node/sim-process.js';

export function simClientEnv(options: {
  process: SimProcess;
  world: World;
  links: ClientLinks;
  random: SeededRandom;
}): ClientEnv {
  const { process, world, links, random } = options;
  return {
    clock: { nowMs: () => world.nowMs },
    timers: {
      // As Node's timers: a delay under 1 ms is 1 ms.
      setTimeout: (callback, delayMs) => inProcess(world, process, Math.max(1, delayMs), callback),
      clearTimeout: (handle) => world.cancel(handle as EventHandle),
    },
    random: () => random.nextFloat(),
    connect: (server, handlers) => links.connect(process, server, handlers),
    log: { warn: (message) => world.record(`${process.name} warn ${message}`) },
  };
}

/** A promise that resolves after `ms` of virtual time in `process` (never, if it dies). */
export function sleep(world: World, process: SimProcess, ms: number): Promise<void> {
  return new Promise((resolve) => inProcess(world, process, ms, resolve));
}

function inProcess(world: World, process: SimProcess, delayMs: number, task: () => void) {
  const incarnation = process.incarnation;
  return world.after(delayMs, () =>
    process.run(incarnation, () => {
      world.hasPendingMicrotasks = true;
      task();
    }),
  );
}
