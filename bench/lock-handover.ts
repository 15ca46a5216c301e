// `--sections handover`: lock hand-over latency — the time from the holder starting its release
// to the next waiter holding the Lock, with N waiters queued (N + 1 contenders, each its own
// client, each re-queuing as soon as it has released). It covers the holder's delete, the
// watch notification to the next in line and that waiter's check of the queue.

import { Lock } from '@zoo/client/recipes';
import type { Endpoint } from './targets.js';
import { closeAll, createPath, openRecipeClients } from './recipe-workloads.js';

export interface HandoverOptions {
  waiters: number;
  /** Hand-overs measured; the first few, while the queue forms, are not counted. */
  handovers: number;
  timeoutMs: number;
}

/** Hand-over times (ms) of `handovers` consecutive releases under `waiters` waiters. */
export async function measureLockHandover(
  endpoints: readonly Endpoint[],
  options: HandoverOptions,
): Promise<number[]> {
  const contenders = options.waiters + 1;
  const clients = await openRecipeClients(endpoints, contenders);
  try {
    const path = `/bench/handover-${process.hrtime.bigint().toString(36)}`;
    const [first] = clients;
    if (first !== undefined) await createPath(first, path);
    const locks = clients.map((client) => new Lock(client, path));
    // Skip the hand-overs before every contender has queued once.
    const skipped = contenders;
    const samples: number[] = [];
    let releasedAt: number | null = null;
    let handovers = 0;
    const deadline = performance.now() + options.timeoutMs;
    const loop = async (lock: Lock): Promise<void> => {
      while (handovers < options.handovers + skipped && performance.now() < deadline) {
        const handle = await lock.acquire({ timeoutMs: options.timeoutMs });
        const heldAt = performance.now();
        if (releasedAt !== null) {
          handovers += 1;
          if (handovers > skipped) samples.push(heldAt - releasedAt);
        }
        releasedAt = performance.now();
        await handle.release();
      }
    };
    await Promise.all(locks.map(loop));
    return samples.slice(0, options.handovers);
  } finally {
    await closeAll(clients);
  }
}
