// ShardedCounter: a counter for write-heavy use. N shard counters live under one parent; an
// update goes to one shard (at random, or the shard a key hashes to), so N writers seldom
// contend for one node's version, and get() adds up every shard.

import { ErrorCode } from '../../protocol/index.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { nodeRecipeEnv } from '../support/recipe-env.js';
import type { RecipeEnv } from '../support/recipe-env.js';
import { hasCode } from '../support/zoo-error-kinds.js';
import { childPath } from '../support/znode-paths.js';
import { Counter } from './counter.js';
import type { CounterOptions } from './counter.js';
import { decodeCounter } from './counter-codec.js';

export interface ShardedCounterOptions extends Omit<CounterOptions, 'initialValue'> {
  /** Number of shards this client writes to (8, at most 1000). */
  shards?: number;
}

/** Routes an update: a key always lands on the same shard; without one, a random shard. */
export interface ShardChoice {
  key?: string;
}

export const shardCountDefault = 8;
const shardCountMax = 1000;
const shardNamePattern = /^shard-\d{4}$/;

function shardName(index: number): string {
  return `shard-${String(index).padStart(4, '0')}`;
}

/** FNV-1a, 32 bits, over the key's UTF-8 bytes: the same shard on every client. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
}

export class ShardedCounter {
  readonly path: string;
  private readonly client: ZooClient;
  private readonly shards: Counter[];
  private readonly env: RecipeEnv;

  constructor(client: ZooClient, path: string, options: ShardedCounterOptions = {}) {
    const count = options.shards ?? shardCountDefault;
    if (!Number.isInteger(count) || count < 1 || count > shardCountMax) {
      throw new RangeError(`shards must be an integer in 1..${shardCountMax}, got ${count}`);
    }
    this.client = client;
    this.path = path;
    this.env = options.env ?? nodeRecipeEnv();
    const shardOptions: CounterOptions = { ...options, env: this.env };
    this.shards = Array.from(
      { length: count },
      (_, index) => new Counter(client, childPath(path, shardName(index)), shardOptions),
    );
  }

  get shardCount(): number {
    return this.shards.length;
  }

  /**
   * Adds `delta` to one shard, with the Counter's guarantee (never lost, never applied twice).
   * Resolves once it has applied; the shard's own value means little alone, so none is given.
   */
  async add(delta: bigint | number, choice: ShardChoice = {}): Promise<void> {
    await this.shardFor(choice).add(delta);
  }

  increment(choice: ShardChoice = {}): Promise<void> {
    return this.add(1n, choice);
  }

  decrement(choice: ShardChoice = {}): Promise<void> {
    return this.add(-1n, choice);
  }

  /**
   * The sum of every shard under the parent, including shards that clients configured with
   * more shards created. Each shard is read on its own, so while updates run the sum is not
   * one instant's total; once they stop, it is exact.
   */
  async get(options: { sync?: boolean } = {}): Promise<bigint> {
    if (options.sync === true) await this.client.sync(this.path);
    let names: string[];
    try {
      names = await this.client.getChildren(this.path);
    } catch (error) {
      if (hasCode(error, ErrorCode.NoNode)) return 0n;
      throw error;
    }
    const values = await Promise.all(
      names.filter((name) => shardNamePattern.test(name)).map((name) => this.shardValue(name)),
    );
    return values.reduce((sum, value) => sum + value, 0n);
  }

  private shardFor(choice: ShardChoice): Counter {
    const index =
      choice.key === undefined
        ? Math.floor(this.env.random() * this.shards.length)
        : hashOf(choice.key) % this.shards.length;
    const shard = this.shards[index] ?? this.shards[0];
    if (shard === undefined) throw new RangeError('a sharded counter has at least one shard');
    return shard;
  }

  private async shardValue(name: string): Promise<bigint> {
    const path = childPath(this.path, name);
    try {
      const { data } = await this.client.getData(path);
      return decodeCounter(data, { path, initialValue: 0n }).value;
    } catch (error) {
      if (hasCode(error, ErrorCode.NoNode)) return 0n;
      throw error;
    }
  }
}
