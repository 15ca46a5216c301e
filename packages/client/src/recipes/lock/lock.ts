// Lock: a fair, re-entrant mutex on ephemeral-sequential nodes, with a fencing token and a
// lost-lock signal. Contenders are served in the order they joined; each waits only for the one
// before it. ZooKeeper recipes: Locks; Curator: InterProcessMutex.

import type { ZnodeData } from '../../api/create-request.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { Cancellation, type AcquireOptions } from './cancellation.js';
import { HeldNode, type LockHandle } from './held-node.js';
import { acquireInQueue, mutexRule, type QueueRule } from './lock-queue.js';
import { nodeRecipeEnv, type RecipeEnv } from '../support/recipe-env.js';

export interface LockOptions {
  /** Time, timers and randomness; Node's by default (pass the client's env in a simulation). */
  env?: RecipeEnv;
  /** Stored in the lock node, e.g. who holds it, for others to read. */
  data?: ZnodeData;
  /** Who holds: the mutex's rule by default (ReadWriteLock passes its readers' and writers'). */
  rule?: QueueRule;
}

/**
 * One owner's view of the lock at `path`: acquiring again while held re-enters (one more
 * release is due) without touching the server. Give each owner its own Lock object.
 */
export class Lock {
  readonly path: string;
  private readonly client: ZooClient;
  private readonly env: RecipeEnv;
  private readonly data: ZnodeData | undefined;
  private readonly rule: QueueRule;
  private held: HeldNode | null = null;
  private acquiring: Promise<unknown> | null = null;

  constructor(client: ZooClient, path: string, options: LockOptions = {}) {
    this.client = client;
    this.path = path;
    this.env = options.env ?? nodeRecipeEnv();
    this.data = options.data;
    this.rule = options.rule ?? mutexRule;
  }

  /** True while this owner holds the lock and has not been told it is lost. */
  get isHeld(): boolean {
    return this.held?.isHeld === true;
  }

  /**
   * Waits for the lock. Rejects with LockTimeoutError after `timeoutMs`, with the signal's
   * reason when it aborts, and with the ZooError when the session ends; in each case the node
   * it queued with is removed. `timeoutMs: 0` tries once.
   */
  async acquire(options: AcquireOptions = {}): Promise<LockHandle> {
    const cancellation = new Cancellation(this.env, this.path, options);
    try {
      cancellation.throwIfCancelled();
      // Another acquire of this owner is under way: re-enter once it holds.
      while (this.acquiring !== null) {
        await cancellation.race(this.acquiring.catch(() => undefined));
      }
      if (this.held?.isHeld === true) return this.held.retain();
      return await this.join(cancellation);
    } finally {
      cancellation.dispose();
    }
  }

  private async join(cancellation: Cancellation): Promise<LockHandle> {
    const { client, env, rule } = this;
    const context = { client, env, dir: this.path, rule, data: this.data ?? null };
    const attempt = acquireInQueue(context, cancellation);
    this.acquiring = attempt;
    try {
      const node = await attempt;
      const held: HeldNode = new HeldNode({
        client,
        env,
        node,
        onEnd: () => {
          if (this.held === held) this.held = null;
        },
      });
      this.held = held;
      return held.retain();
    } finally {
      this.acquiring = null;
    }
  }
}
