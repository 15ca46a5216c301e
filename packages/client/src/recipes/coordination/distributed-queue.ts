// A FIFO queue in a znode: items are persistent sequential children `q-<seq>`; a consumer takes
// the oldest by moving it, in one multi, to a claim node `c-<consumer guid>-<seq>` and deleting
// the item. A multi whose reply was lost is settled by looking for the claim: there means taken
// by us, absent means not (the item is there still, or another consumer took it). So every item
// is handed to exactly one consumer, even across lost replies; the claim is deleted once read.

import type { ZooClient } from '../../api/zoo-client.js';
import { CreateMode, ErrorCode } from '../../protocol/index.js';
import { nodeRecipeEnv, randomHex, type RecipeEnv } from '../support/recipe-env.js';
import { childPath, ensurePath } from '../support/znode-paths.js';
import { hasCode, isOutcomeUnknown } from '../support/zoo-error-kinds.js';
import { retryIfTransient, retryPolicyOf, retryWithBackoff } from '../support/retry.js';
import { abortable } from './barrier.js';

const itemPrefix = 'q-';

export class DistributedQueue {
  private readonly consumerId: string;

  constructor(
    private readonly client: ZooClient,
    readonly path: string,
    private readonly env: RecipeEnv = nodeRecipeEnv(),
  ) {
    this.consumerId = randomHex(env, 16);
  }

  /** Appends an item; resolves with its node's name. */
  async offer(data: Buffer): Promise<string> {
    await ensurePath(this.client, this.path);
    const created = await this.client.create(childPath(this.path, itemPrefix), data, {
      mode: CreateMode.persistentSequential,
    });
    return created.slice(created.lastIndexOf('/') + 1);
  }

  /** The oldest item, taken, or null when the queue is empty. */
  async poll(): Promise<Buffer | null> {
    return (await this.pollOrWatch(false)).item;
  }

  /** The oldest item, waiting for one to come if the queue is empty. */
  async take(signal?: AbortSignal): Promise<Buffer> {
    for (;;) {
      signal?.throwIfAborted();
      const { item, changed } = await this.pollOrWatch(true);
      if (item !== null) return item;
      await abortable(changed ?? Promise.resolve(), signal);
    }
  }

  private async pollOrWatch(isWatching: boolean) {
    await ensurePath(this.client, this.path);
    let fired!: () => void;
    const changed = new Promise<void>((resolve) => (fired = resolve));
    const children = await this.client.getChildren(
      this.path,
      isWatching ? { watch: () => fired() } : undefined,
    );
    const items = children.filter((name) => name.startsWith(itemPrefix)).sort();
    for (const name of items) {
      let item = await this.tryTake(name);
      // A move whose reply was lost and did not happen: the item is most likely still the
      // oldest, so try it again rather than take a younger one first.
      while (item === 'again') item = await this.tryTake(name);
      if (item !== null) return { item, changed: null };
    }
    return { item: null, changed };
  }

  /**
   * Moves one item to our claim and reads it back; null when another consumer had it first,
   * 'again' when a lost reply turned out not to have moved it.
   */
  private async tryTake(name: string): Promise<Buffer | null | 'again'> {
    const itemPath = childPath(this.path, name);
    const claimPath = childPath(this.path, `c-${this.consumerId}-${name.slice(itemPrefix.length)}`);
    let data: Buffer | null;
    try {
      ({ data } = await this.client.getData(itemPath));
    } catch (error) {
      if (hasCode(error, ErrorCode.NoNode)) return null;
      throw error;
    }
    try {
      await this.client.transaction().create(claimPath, data).delete(itemPath).commit();
    } catch (error) {
      if (!isOutcomeUnknown(error)) return null;
      // Lost reply: the claim tells whether the move happened; ask until an answer comes.
      if (!(await this.untilAnswered(`settle ${claimPath}`, () => this.claimExists(claimPath)))) {
        return 'again';
      }
    }
    // Ours now: the claim goes, however many tries that takes, or the item would stay claimed.
    await this.untilAnswered(`drop ${claimPath}`, () => this.dropClaim(claimPath));
    return data ?? Buffer.alloc(0);
  }

  private async claimExists(claimPath: string): Promise<boolean> {
    await this.client.sync(this.path);
    return (await this.client.exists(claimPath)) !== null;
  }

  private async dropClaim(claimPath: string): Promise<true> {
    try {
      await this.client.delete(claimPath);
    } catch (error) {
      if (!hasCode(error, ErrorCode.NoNode)) throw error;
    }
    return true;
  }

  /** Runs `ask` until it answers; a lost reply or a throttled call is asked again. */
  private untilAnswered<T>(what: string, ask: () => Promise<T>): Promise<T> {
    const context = { env: this.env, policy: retryPolicyOf({ attemptsMax: 1000 }), what };
    return retryWithBackoff(context, async () => {
      try {
        return await ask();
      } catch (error) {
        return retryIfTransient(error, true);
      }
    });
  }
}
