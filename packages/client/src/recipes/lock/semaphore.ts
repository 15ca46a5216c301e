// A counting semaphore: at most `leases` holders at once, served in the order they came. Lease
// nodes go in `<path>/leases`; the first `leases` of them hold. Only the holder of a fair gate
// lock (`<path>/locks`) waits on the leases' children, so a release wakes one waiter, not all
// (kazoo's Semaphore and Curator's InterProcessSemaphoreV2 use a gate the same way).

import { WatcherType } from '../../protocol/index.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { Cancellation, type AcquireOptions } from './cancellation.js';
import { HeldNode, type LockHandle } from './held-node.js';
import { Lock, type LockOptions } from './lock.js';
import { untilDoneOrDisconnected } from './lock-queue.js';
import { createOwnNode, deleteOwnNode, type OwnNode } from './own-node.js';
import { sortContenders } from './protected-node.js';
import { nodeRecipeEnv, type RecipeEnv } from '../support/recipe-env.js';
import { isRecoverable, recover, recoverableRetriesMax } from './recoverable.js';

export interface SemaphoreOptions extends LockOptions {
  /** How many may hold at once (at least 1). */
  leases: number;
}

const leasePrefix = 'lease-';

export class Semaphore {
  readonly path: string;
  readonly leases: number;
  private readonly client: ZooClient;
  private readonly env: RecipeEnv;
  private readonly options: SemaphoreOptions;

  constructor(client: ZooClient, path: string, options: SemaphoreOptions) {
    if (!Number.isSafeInteger(options.leases) || options.leases < 1) {
      throw new RangeError(`a semaphore needs at least one lease, got ${options.leases}`);
    }
    this.client = client;
    this.path = path;
    this.leases = options.leases;
    this.env = options.env ?? nodeRecipeEnv();
    this.options = options;
  }

  /**
   * Waits for a lease; rejects (after removing its node) as Lock.acquire does. Every call is
   * its own holder: leases are not re-entrant. The handle's fencingToken is the lease node's
   * creation zxid, which orders grants but does not make them exclusive.
   */
  async acquire(options: AcquireOptions = {}): Promise<LockHandle> {
    const { client, env } = this;
    const cancellation = new Cancellation(env, this.path, options);
    try {
      cancellation.throwIfCancelled();
      // A gate of its own for each call, so that two calls of this process queue in turn.
      const gate = await new Lock(client, `${this.path}/locks`, { env }).acquire(options);
      try {
        const dir = `${this.path}/leases`;
        const spec = { dir, prefix: leasePrefix, data: this.options.data ?? null };
        const node = await createOwnNode(client, env, spec, cancellation);
        try {
          await this.waitForLease(node, cancellation);
        } catch (error) {
          await untilDoneOrDisconnected(client, deleteOwnNode(client, env, node.path));
          throw error;
        }
        return new HeldNode({ client, env, node }).retain();
      } finally {
        await gate.release();
      }
    } finally {
      cancellation.dispose();
    }
  }

  /** Resolves once the node is among the first `leases` lease nodes, with the client connected. */
  private async waitForLease(node: OwnNode, cancellation: Cancellation): Promise<void> {
    const { client, env } = this;
    const dir = `${this.path}/leases`;
    for (let attempt = 0; ;) {
      try {
        let listener = (): void => undefined;
        const changed = new Promise<void>((resolve) => (listener = () => resolve()));
        const names = await client.getChildren(dir, { watch: listener });
        const contenders = sortContenders(names, [leasePrefix]);
        const index = contenders.findIndex((contender) => contender.name === node.name);
        if (index < 0) throw new Error(`lease node ${node.path} vanished while waiting`);
        if (index < this.leases && client.state === 'connected') return;
        await cancellation.race(changed).catch((error: unknown) => {
          // Given up on: the watch would otherwise stay on the server until the leases change.
          client.removeWatches(dir, WatcherType.children, { listener }).catch(() => undefined);
          throw error;
        });
        attempt = 0;
      } catch (error) {
        if (!isRecoverable(error) || attempt >= recoverableRetriesMax) throw error;
        await cancellation.race(recover(client, env, attempt));
        attempt += 1;
      }
    }
  }
}
