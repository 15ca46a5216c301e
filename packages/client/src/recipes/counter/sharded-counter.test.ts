// ShardedCounter against the fake server: updates spread over the shards or follow their key,
// and get() sums every shard under the parent, including shards other clients configured.

import { describe, expect, test } from 'vitest';
import { FakeZooServer, drive, useFakeServerClients } from '../testing/fake-server-clients.js';
import type { FakeServerClient } from '../testing/fake-server-clients.js';
import { ShardedCounter } from './sharded-counter.js';

const open = useFakeServerClients(400);

async function shardValues(side: FakeServerClient, path: string): Promise<Map<string, number>> {
  const names = await drive(side.env, side.client.getChildren(path));
  const values = new Map<string, number>();
  for (const name of names.sort()) {
    const { data } = await drive(side.env, side.client.getData(`${path}/${name}`));
    values.set(name, Number(data?.readBigInt64BE(0) ?? 0n));
  }
  return values;
}

describe('ShardedCounter', () => {
  test('random updates spread over every shard, and get() sums them', async () => {
    const side = open(new FakeZooServer());
    const counter = new ShardedCounter(side.client, '/hits', { shards: 4, env: side.env });
    for (let i = 0; i < 40; i += 1) await drive(side.env, counter.increment());
    await drive(side.env, counter.add(-5));
    expect(await drive(side.env, counter.get())).toBe(35n);
    const values = await shardValues(side, '/hits');
    expect([...values.keys()]).toEqual(['shard-0000', 'shard-0001', 'shard-0002', 'shard-0003']);
    expect([...values.values()].reduce((a, b) => a + b, 0)).toBe(35);
  });

  test('a key always lands on the same shard, from any client', async () => {
    const server = new FakeZooServer();
    const [a, b] = [open(server), open(server)];
    const onA = new ShardedCounter(a.client, '/by-key', { shards: 8, env: a.env });
    const onB = new ShardedCounter(b.client, '/by-key', { shards: 8, env: b.env });
    for (let i = 0; i < 5; i += 1) {
      await drive(a.env, onA.increment({ key: 'user-17' }));
      await drive(b.env, onB.increment({ key: 'user-17' }));
    }
    const values = await shardValues(a, '/by-key');
    expect([...values.values()]).toEqual([10]);
  });

  test('get() counts shards created by a client configured with more shards', async () => {
    const server = new FakeZooServer();
    const [few, many] = [open(server), open(server)];
    const small = new ShardedCounter(few.client, '/mixed', { shards: 1, env: few.env });
    const large = new ShardedCounter(many.client, '/mixed', { shards: 16, env: many.env });
    for (let i = 0; i < 20; i += 1) await drive(many.env, large.increment());
    await drive(few.env, small.add(100));
    expect((await shardValues(few, '/mixed')).size).toBeGreaterThan(1);
    expect(await drive(few.env, small.get())).toBe(120n);
  });

  test('a missing counter sums to zero; a bad shard count is refused', async () => {
    const side = open(new FakeZooServer());
    expect(await drive(side.env, new ShardedCounter(side.client, '/none').get())).toBe(0n);
    expect(() => new ShardedCounter(side.client, '/x', { shards: 0 })).toThrow(RangeError);
  });
});
