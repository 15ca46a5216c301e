// Barrier, double barrier, queue and tree cache on a 3-member Zoo ensemble, and on Apache
// ZooKeeper 3.8 when installed: several clients in parallel, a leader kill under the queue.

import { describe, expect, test } from 'vitest';
import { createClient } from '../../adapters/create-client.js';
import type { ZooClient } from '../../api/zoo-client.js';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeperEnsemble,
  startZooEnsemble,
  type Ensemble,
} from '../testing/ensembles.js';
import { useEnsemble } from '../testing/fault-suites.js';
import { until } from '../testing/until.js';
import { Barrier } from './barrier.js';
import { DistributedQueue } from './distributed-queue.js';
import { DoubleBarrier } from './double-barrier.js';
import { TreeCache } from './tree-cache.js';

async function withClients(
  ensemble: Ensemble,
  count: number,
  body: (clients: ZooClient[]) => Promise<void>,
): Promise<void> {
  const clients = Array.from({ length: count }, () =>
    createClient(ensemble.connectString, { sessionTimeoutMs: 8000 }),
  );
  try {
    await body(clients);
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  }
}

const unique = (name: string) => `/coordination/${name}-${Date.now()}`;

function coordinationSuite(ensemble: () => Ensemble): void {
  test('a barrier holds every waiter until it is removed', async () => {
    await withClients(ensemble(), 3, async ([owner, a, b]) => {
      if (owner === undefined || a === undefined || b === undefined) throw new Error();
      const path = unique('barrier');
      await new Barrier(owner, path).set();
      let released = 0;
      const waits = [a, b].map((client) =>
        new Barrier(client, path).wait().then(() => (released += 1)),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(released).toBe(0);
      await new Barrier(owner, path).remove();
      await Promise.all(waits);
      expect(released).toBe(2);
    });
  });

  test('a double barrier lets nobody in before all 3 enter, nor out before all leave', async () => {
    await withClients(ensemble(), 3, async (clients) => {
      const path = unique('double');
      const events: string[] = [];
      await Promise.all(
        clients.map(async (client, i) => {
          const barrier = new DoubleBarrier(client, path, 3, `p${i}`);
          // Staggered arrivals: the first waits for the last.
          await new Promise((resolve) => setTimeout(resolve, i * 150));
          events.push(`arrive${i}`);
          await barrier.enter();
          events.push(`in${i}`);
          await new Promise((resolve) => setTimeout(resolve, (2 - i) * 150));
          events.push(`leave${i}`);
          await barrier.leave();
          events.push(`out${i}`);
        }),
      );
      const firstIn = events.findIndex((event) => event.startsWith('in'));
      const lastArrive = lastIndexWhere(events, 'arrive');
      expect(firstIn).toBeGreaterThan(lastArrive);
      const firstOut = events.findIndex((event) => event.startsWith('out'));
      const lastLeave = lastIndexWhere(events, 'leave');
      expect(firstOut).toBeGreaterThan(lastLeave);
    });
  });

  test('a queue hands each item to one consumer, in order, through a leader kill', async () => {
    await withClients(ensemble(), 4, async ([producer, ...consumers]) => {
      if (producer === undefined) throw new Error();
      const path = unique('queue');
      const queue = new DistributedQueue(producer, path);
      const total = 120;
      // Items first (an offer whose reply a failover loses could be retried into a duplicate),
      // then the consumers, with the leader killed while they take.
      for (let n = 0; n < total; n++) await queue.offer(Buffer.from(String(n)));
      const taken: string[][] = consumers.map(() => []);
      const workers = consumers.map(async (client, i) => {
        const mine = new DistributedQueue(client, path);
        while (taken.flat().length < total) {
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort(), 500);
          try {
            taken[i]?.push((await mine.take(controller.signal)).toString());
          } catch {
            // Aborted (queue empty for now) or a failover: look again.
          } finally {
            clearTimeout(timer);
          }
        }
      });
      await until('some items taken', () => taken.flat().length > 10);
      await ensemble().killLeader();
      await Promise.all(workers);
      const all = taken.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.map(Number).sort((x, y) => x - y)).toEqual(
        Array.from({ length: total }, (_, n) => n),
      );
      // Each consumer took its items oldest first.
      for (const items of taken)
        expect(items.map(Number)).toEqual([...items.map(Number)].sort((x, y) => x - y));
    });
  }, 60_000);

  test('a tree cache follows creates, changes and deletes below its root', async () => {
    await withClients(ensemble(), 2, async ([writer, reader]) => {
      if (writer === undefined || reader === undefined) throw new Error();
      const root = unique('tree');
      await writer.create('/coordination', null).catch(() => undefined);
      await writer.create(root, Buffer.from('r'));
      await writer.create(`${root}/a`, Buffer.from('1'));
      const cache = new TreeCache(reader, root);
      await cache.start();
      expect(cache.paths()).toEqual([root, `${root}/a`]);
      await writer.create(`${root}/a/b`, Buffer.from('2'));
      await writer.setData(`${root}/a`, Buffer.from('1b'));
      await writer.create(`${root}/c`, null);
      await writer.delete(`${root}/c`);
      await until(
        'the cache catches up',
        () =>
          cache.get(`${root}/a`)?.data?.toString() === '1b' &&
          cache.get(`${root}/a/b`)?.data?.toString() === '2' &&
          cache.get(`${root}/c`) === undefined,
      );
      expect(cache.paths()).toEqual([root, `${root}/a`, `${root}/a/b`]);
      cache.close();
    });
  });
}

function lastIndexWhere(events: readonly string[], prefix: string): number {
  let last = -1;
  events.forEach((event, index) => {
    if (event.startsWith(prefix)) last = index;
  });
  return last;
}

describe('coordination recipes on a 3-member Zoo ensemble', () => {
  coordinationSuite(useEnsemble(startZooEnsemble));
});

describe.skipIf(!isApacheZooKeeperInstalled())(
  'coordination recipes on a 3-member Apache ZooKeeper 3.8 ensemble',
  () => {
    coordinationSuite(useEnsemble(startApacheZooKeeperEnsemble));
  },
);
