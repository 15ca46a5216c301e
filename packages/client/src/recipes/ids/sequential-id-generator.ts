// Sequential-node IDs: each ID is the sequence number ZooKeeper gives a new persistent-
// sequential child of one parent, so IDs are unique cluster-wide and increase in the order
// their creates commit. The child is deleted right after: see SequentialIdGenerator.

import { CreateMode, ErrorCode } from '../../protocol/index.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { nodeRecipeEnv, randomHex } from '../support/recipe-env.js';
import type { RecipeEnv } from '../support/recipe-env.js';
import { RetryLater, retryIfTransient, retryPolicyOf, retryWithBackoff } from '../support/retry.js';
import type { RetryContext, RetryPolicy } from '../support/retry.js';
import { hasCode, isOutcomeUnknown } from '../support/zoo-error-kinds.js';
import { childPath, createParentThenRetry, sequenceOf } from '../support/znode-paths.js';
import { IdSpaceExhaustedError } from './id-errors.js';

export interface SequentialIdOptions {
  retry?: Partial<RetryPolicy>;
  /** Timers and randomness for back-off and node GUIDs; Node's by default. */
  env?: RecipeEnv;
}

const guidBytes = 16;

/**
 * IDs from persistent-sequential children of `parentPath`.
 *
 * Guarantees: every ID is unique among all clients of the ensemble, and an ID is greater than
 * every ID whose `next()` resolved before this `next()` was called, on any client (ZooKeeper
 * takes the suffix from the parent's cversion when the create commits, and commits are totally
 * ordered). IDs are not contiguous. Unique for as long as the parent is never deleted: a
 * re-created parent starts its sequence again at 0.
 *
 * The child is deleted once its ID is read. Keeping it would grow the parent by one child per
 * ID for ever (every member holds every node in memory, and getChildren of the parent grows
 * without bound), and nothing needs it: the parent's cversion never goes back, so a deleted
 * child's number is never handed out again. The price is that each delete also counts in the
 * cversion, which leaves about 2^30 IDs per parent before the int32 sequence would wrap; the
 * generator throws IdSpaceExhaustedError rather than return a wrapped (negative) number.
 *
 * A create whose reply is lost may still have made a child: its name carries a random GUID, so
 * the generator looks for it (after a sync) and uses its number, as ZooKeeper's recipes guide
 * advises. A child whose delete fails is left behind, harmlessly.
 */
export class SequentialIdGenerator {
  readonly parentPath: string;
  private readonly client: ZooClient;
  private readonly env: RecipeEnv;
  private readonly retry: RetryContext;

  constructor(client: ZooClient, parentPath: string, options: SequentialIdOptions = {}) {
    this.client = client;
    this.parentPath = parentPath;
    this.env = options.env ?? nodeRecipeEnv();
    const policy = retryPolicyOf(options.retry);
    this.retry = { env: this.env, policy, what: `sequential id under ${parentPath}` };
  }

  async next(): Promise<bigint> {
    const prefix = `${randomHex(this.env, guidBytes)}-`;
    const names = await retryWithBackoff(this.retry, () => this.create(prefix));
    const sequences = names.map((name) => sequenceOf(name, prefix)).sort((a, b) => a - b);
    await this.deleteAll(names);
    const sequence = sequences[0];
    if (sequence === undefined) throw new Error('a sequential create yielded no node');
    if (sequence < 0) {
      throw new IdSpaceExhaustedError(`the sequence of ${this.parentPath} wrapped past 2^31 − 1`);
    }
    return BigInt(sequence);
  }

  /** Creates the child; after a lost reply, the children already carrying this GUID. */
  private async create(prefix: string): Promise<string[] | RetryLater> {
    try {
      const path = await this.client.create(childPath(this.parentPath, prefix), null, {
        mode: CreateMode.persistentSequential,
      });
      return [path.slice(path.lastIndexOf('/') + 1)];
    } catch (error) {
      if (isOutcomeUnknown(error)) return this.findCreated(prefix, error);
      if (hasCode(error, ErrorCode.NoNode)) {
        return createParentThenRetry(this.client, this.parentPath, error);
      }
      return retryIfTransient(error);
    }
  }

  /**
   * A lost create may have applied: sync first so the server answering the read has every
   * write the leader committed before, then look for the GUID. Not there: create again.
   */
  private async findCreated(prefix: string, cause: unknown): Promise<string[] | RetryLater> {
    try {
      await this.client.sync(this.parentPath);
      const children = await this.client.getChildren(this.parentPath);
      const mine = children.filter((name) => name.startsWith(prefix));
      return mine.length > 0 ? mine : new RetryLater(cause);
    } catch (error) {
      // No parent: the lost create cannot have made a child (its reply was NoNode).
      if (hasCode(error, ErrorCode.NoNode)) return new RetryLater(cause);
      return retryIfTransient(error);
    }
  }

  /** Deletes the children; one that cannot be deleted now is left (its number stays used). */
  private async deleteAll(names: string[]): Promise<void> {
    for (const name of names) {
      await this.client.delete(childPath(this.parentPath, name)).catch(() => undefined);
    }
  }
}
