// Watches for the watch checker: each session may keep one persistent or persistent-recursive
// watch for its whole life, and now and then sets one-shot watches with getData / exists /
// getChildren on the busy paths (registers, the counter, the ephemerals' parent). What arrives
// is recorded by the session's tap (session-tap.ts), not here; the listeners do nothing.
//
// A one-shot watch never goes on the path of the session's persistent watch: ZooKeeper 3.8 keeps
// one mode per connection and path (the last registration's), so a one-shot read there would
// turn the persistent watch into a one-shot one on the server. That is ZooKeeper's behaviour,
// not a guarantee the checker judges, and the workload stays clear of it.

import { AddWatchMode } from '@zoo/client';
import type { WatchListener } from '@zoo/client';
import { outcomeOf } from './outcome.js';
import type { OpContext } from './op-context.js';
import { counterPath, ephemeralsPath, registerKeys } from './op-context.js';

/** The persistent watch a session keeps, if any. */
export interface WatchPlan {
  persistent: { path: string; mode: number } | null;
}

const ignore: WatchListener = () => undefined;

export function drawWatchPlan(context: Pick<OpContext, 'random'>): WatchPlan {
  const { random } = context;
  const roll = random.nextFloat();
  const key = registerKeys[random.nextInt(0, registerKeys.length - 1)] ?? '/reg/k0';
  if (roll < 0.3) return { persistent: null };
  if (roll < 0.5) return { persistent: { path: '/reg', mode: AddWatchMode.persistentRecursive } };
  if (roll < 0.7) return { persistent: { path: key, mode: AddWatchMode.persistent } };
  if (roll < 0.85) {
    return { persistent: { path: ephemeralsPath, mode: AddWatchMode.persistentRecursive } };
  }
  return { persistent: { path: '/reg', mode: AddWatchMode.persistent } };
}

/** Sets the session's persistent watch, if its plan has one (once: it outlives reconnects). */
export async function addPlannedWatch(context: OpContext, plan: WatchPlan): Promise<void> {
  const watch = plan.persistent;
  if (watch === null) return;
  await outcomeOf(context.world, () => context.client.addWatch(watch.path, watch.mode, ignore));
}

/** One read that sets a one-shot watch, off the path of the session's persistent watch. */
export async function watchRead(context: OpContext, plan: WatchPlan): Promise<void> {
  const { client, random, world } = context;
  const roll = random.nextFloat();
  const key = registerKeys[random.nextInt(0, registerKeys.length - 1)] ?? '/reg/k0';
  let read: { path: string; call: () => Promise<unknown> };
  if (roll < 0.35) read = { path: key, call: () => client.getData(key, { watch: ignore }) };
  else if (roll < 0.6) read = { path: key, call: () => client.exists(key, { watch: ignore }) };
  else if (roll < 0.75) {
    read = { path: counterPath, call: () => client.getData(counterPath, { watch: ignore }) };
  } else if (roll < 0.88) {
    read = { path: '/reg', call: () => client.getChildren('/reg', { watch: ignore }) };
  } else {
    const path = ephemeralsPath;
    read = { path, call: () => client.getChildren(path, { watch: ignore }) };
  }
  if (read.path === plan.persistent?.path) return;
  await outcomeOf(world, read.call);
}
