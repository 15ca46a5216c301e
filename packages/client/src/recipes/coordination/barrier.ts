// A barrier: while its znode exists, waiters wait; removing it releases them all (Curator's
// DistributedBarrier). Waiting arms an exists-watch and re-checks, so no removal is missed, even
// across a reconnect (the client restores its watches) or a lost reply (the check runs again).

import type { ZooClient } from '../../api/zoo-client.js';
import { ErrorCode } from '../../protocol/index.js';
import { hasCode } from '../support/zoo-error-kinds.js';
import { ensurePath } from '../support/znode-paths.js';
import { parentOf } from '../support/znode-paths.js';

export class Barrier {
  constructor(
    private readonly client: ZooClient,
    readonly path: string,
  ) {}

  /** Raises the barrier (creates its node); raising a raised barrier is fine. */
  async set(): Promise<void> {
    if (parentOf(this.path) !== '/') await ensurePath(this.client, parentOf(this.path));
    try {
      await this.client.create(this.path, null);
    } catch (error) {
      if (!hasCode(error, ErrorCode.NodeExists)) throw error;
    }
  }

  /** Lowers the barrier: every waiter is released. */
  async remove(): Promise<void> {
    try {
      await this.client.delete(this.path);
    } catch (error) {
      if (!hasCode(error, ErrorCode.NoNode)) throw error;
    }
  }

  /** Resolves once the barrier is down (at once if it is not up). */
  async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      let fired!: () => void;
      const changed = new Promise<void>((resolve) => (fired = resolve));
      const stat = await this.client.exists(this.path, { watch: () => fired() });
      if (stat === null) return;
      await abortable(changed, signal);
    }
  }
}

/** `promise`, or a rejection with the signal's reason once it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
