// Even-sized ensembles, which ZooKeeper accepts: a majority of the voters is the quorum, so 2
// voters need both and 4 voters tolerate one failure; observers never count.

import { afterEach, describe, expect, test } from 'vitest';
import { startCluster } from '@zoo/server';
import type { ZooCluster } from '@zoo/server';
import { createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import { within } from './support/promise-client.js';

let cluster: ZooCluster | null = null;
const clients: ZooClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  await cluster?.close();
  cluster = null;
});

async function open(connectString: string): Promise<ZooClient> {
  const client = createClient(connectString, { sessionTimeoutMs: 20_000 });
  clients.push(client);
  await within(client.ready(), 15_000, `a session on ${connectString}`);
  return client;
}

describe('even-sized ensembles', () => {
  test('2 voters and an observer elect a voter and take writes through the observer', async () => {
    cluster = await startCluster({ size: 2, observers: 1 });
    const leader = await cluster.waitForLeader();
    expect([1, 2]).toContain(leader);
    const observer = cluster.members.find((m) => m.isObserver);
    expect(cluster.roleOf(observer?.id ?? 0)).toBe('observing');
    const client = await open(observer?.connectString ?? '');
    await within(client.create('/even', Buffer.from('2')), 15_000, 'a write via the observer');
    const read = await within(client.getData('/even'), 15_000, 'a read');
    expect(read.data?.toString()).toBe('2');
  });

  test('4 voters keep serving writes with one voter down (3 of 4 are a majority)', async () => {
    cluster = await startCluster({ size: 4, tickMs: 500 });
    const leader = await cluster.waitForLeader();
    const other = cluster.members.find((m) => m.id !== leader && !m.isObserver);
    await cluster.kill(other?.id ?? 0);
    const live = cluster.members.filter((m) => m.isRunning).map((m) => m.connectString);
    const client = await open(live.join(','));
    await within(client.create('/four', Buffer.from('4')), 15_000, 'a write with 3 of 4 up');
    expect(cluster.leader()).toBe(leader);
  });

  test('no voters at all is refused', async () => {
    await expect(startCluster({ size: 0 })).rejects.toThrow(/whole number of voters/);
    await expect(startCluster({ size: 3, observers: -1 })).rejects.toThrow(/observers/);
  });
});
