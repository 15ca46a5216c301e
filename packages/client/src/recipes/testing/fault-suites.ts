// The recipes' fault tests, written once and registered against any ensemble (Zoo's in-process
// cluster, Apache ZooKeeper's JVMs): several clients in parallel, the leader killed mid-run,
// one client losing replies on its TCP connection.

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ZooClient } from '../../api/zoo-client.js';
import { createClient } from '../../adapters/create-client.js';
import { Counter } from '../counter/counter.js';
import { ShardedCounter } from '../counter/sharded-counter.js';
import { SegmentIdGenerator } from '../ids/segment-id-generator.js';
import { SequentialIdGenerator } from '../ids/sequential-id-generator.js';
import { SnowflakeIdGenerator } from '../ids/snowflake-id-generator.js';
import { RetriesExhaustedError } from '../support/retry.js';
import type { Ensemble } from './ensembles.js';
import {
  expectIncrementsExact,
  expectRealTimeOrder,
  expectUniquePerClientIncreasing,
  incrementThroughLeaderKill,
  issueThroughLeaderKill,
  openClients,
} from './failover-workloads.js';
import { WireTap } from './wire-tap.js';

const clientCount = 4;
/** Enough retries to ride out an election (the back-off caps at 400 ms). */
const retry = { attemptsMax: 60 };
const testTimeoutMs = 40_000;

/** Starts the ensemble before the file's tests and stops it after; the getter returns it. */
export function useEnsemble(start: () => Promise<Ensemble>): () => Ensemble {
  let ensemble: Ensemble | null = null;
  beforeAll(async () => {
    ensemble = await start();
  }, 90_000);
  afterAll(async () => {
    await ensemble?.close();
  });
  return () => {
    if (ensemble === null) throw new Error('the ensemble did not start');
    return ensemble;
  };
}

/** Runs `body` with fresh clients (the first through a new WireTap), closing them after. */
async function withClients(
  ensemble: Ensemble,
  body: (clients: ZooClient[], tap: WireTap) => Promise<void>,
): Promise<void> {
  const tap = new WireTap();
  const clients = openClients(ensemble, clientCount, tap);
  try {
    await Promise.all(clients.map((client) => client.ready()));
    await body(clients, tap);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** The value every member agrees on once the run is over, read by a fresh client. */
async function settledValue(ensemble: Ensemble, read: (client: ZooClient) => Promise<bigint>) {
  const client = createClient(ensemble.connectString, { sessionTimeoutMs: 10_000 });
  try {
    return await read(client);
  } finally {
    await client.close();
  }
}

export function counterFaultTests(ensemble: () => Ensemble): void {
  test(
    'Counter: parallel increments through a leader kill and lost replies: none lost or doubled',
    async () => {
      const path = `/recipes/counter-${Date.now()}`;
      await withClients(ensemble(), async (clients, tap) => {
        const counters = clients.map((client) => new Counter(client, path, { retry }));
        const tally = await incrementThroughLeaderKill(ensemble(), { counters, tap });
        console.log('TALLY', tally.succeeded, tally.unknown, tally.abandoned, tap.lost.length);
        expect(tally.succeeded).toBeGreaterThan(20);
        expect(tap.lost.length).toBeGreaterThanOrEqual(1);
        const final = await settledValue(ensemble(), (client) =>
          new Counter(client, path).get({ sync: true }),
        );
        expectIncrementsExact(tally, final);
      });
    },
    testTimeoutMs,
  );

  test(
    'ShardedCounter: parallel increments through a leader kill: the sum is exact',
    async () => {
      const path = `/recipes/sharded-${Date.now()}`;
      await withClients(ensemble(), async (clients, tap) => {
        const counters = clients.map(
          (client) => new ShardedCounter(client, path, { shards: 3, retry }),
        );
        const tally = await incrementThroughLeaderKill(ensemble(), { counters, tap });
        console.log('TALLY', tally.succeeded, tally.unknown, tally.abandoned, tap.lost.length);
        expect(tally.succeeded).toBeGreaterThan(20);
        const final = await settledValue(ensemble(), (client) =>
          new ShardedCounter(client, path).get({ sync: true }),
        );
        expectIncrementsExact(tally, final);
      });
    },
    testTimeoutMs,
  );
}

const gaveUp = (error: unknown): boolean => error instanceof RetriesExhaustedError;

export function idFaultTests(ensemble: () => Ensemble): void {
  test(
    'SequentialIdGenerator: unique and in real-time order through a leader kill',
    async () => {
      const path = `/recipes/sequential-${Date.now()}`;
      await withClients(ensemble(), async (clients, tap) => {
        const { grants } = await issueThroughLeaderKill(ensemble(), {
          clients,
          tap,
          loseRepliesTo: (request) => request.type === 'create',
          sourceOf: async (client) => new SequentialIdGenerator(client, path, { retry }),
          tolerated: gaveUp,
        });
        console.log('GRANTS', grants.length, tap.lost.length);
        expect(grants.length).toBeGreaterThan(20);
        expect(tap.lost.length).toBeGreaterThanOrEqual(1);
        expectUniquePerClientIncreasing(grants);
        expectRealTimeOrder(grants);
      });
    },
    testTimeoutMs,
  );

  test(
    'SegmentIdGenerator: unique through a leader kill, small ranges',
    async () => {
      const path = `/recipes/segment-${Date.now()}`;
      await withClients(ensemble(), async (clients, tap) => {
        const { grants } = await issueThroughLeaderKill(ensemble(), {
          clients,
          tap,
          loseRepliesTo: (request) => request.type === 'setData',
          sourceOf: async (client) =>
            new SegmentIdGenerator(client, path, { step: 5, stepMax: 5, counter: { retry } }),
          tolerated: gaveUp,
        });
        console.log('GRANTS', grants.length, tap.lost.length);
        expect(grants.length).toBeGreaterThan(100);
        expectUniquePerClientIncreasing(grants);
      });
    },
    testTimeoutMs,
  );

  test(
    'SnowflakeIdGenerator: unique through a leader kill, short reservations',
    async () => {
      const path = `/recipes/snowflake-${Date.now()}`;
      await withClients(ensemble(), async (clients, tap) => {
        const { grants } = await issueThroughLeaderKill(ensemble(), {
          clients,
          tap,
          loseRepliesTo: (request) => request.type === 'setData',
          sourceOf: async (client) => {
            const generator = new SnowflakeIdGenerator(client, path, { reserveMs: 200, retry });
            await generator.lease();
            return { next: () => generator.next(), close: () => generator.release() };
          },
          tolerated: gaveUp,
        });
        console.log('GRANTS', grants.length, tap.lost.length);
        expect(grants.length).toBeGreaterThan(1000);
        expectUniquePerClientIncreasing(grants);
      });
    },
    testTimeoutMs,
  );
}
