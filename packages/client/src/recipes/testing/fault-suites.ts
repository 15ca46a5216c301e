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
import type { IdGrant, IdSource } from './failover-workloads.js';
import {
  expectIncrementsExact,
  expectRealTimeOrder,
  expectUniquePerClientIncreasing,
  incrementThroughLeaderKill,
  issueThroughLeaderKill,
  openClients,
} from './failover-workloads.js';
import { WireTap } from './wire-tap.js';
import type { RequestFilter } from './wire-tap.js';

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

interface Counting {
  increment(): Promise<unknown>;
  get(options: { sync: boolean }): Promise<bigint>;
}

/** Increments through a leader kill at a fresh path, then checks the total is exact. */
async function countThroughLeaderKill(
  ensemble: Ensemble,
  counterOf: (client: ZooClient, path: string) => Counting,
): Promise<void> {
  const path = `/recipes/counter-${Date.now()}`;
  await withClients(ensemble, async (clients, tap) => {
    const counters = clients.map((client) => counterOf(client, path));
    const tally = await incrementThroughLeaderKill(ensemble, { counters, tap });
    expect(tally.succeeded).toBeGreaterThan(20);
    expect(tap.lost.length).toBeGreaterThanOrEqual(1);
    const final = await settledValue(ensemble, (client) =>
      counterOf(client, path).get({ sync: true }),
    );
    expectIncrementsExact(tally, final);
  });
}

export function counterFaultTests(ensemble: () => Ensemble): void {
  test(
    'Counter: parallel increments through a leader kill and lost replies: none lost or doubled',
    () =>
      countThroughLeaderKill(ensemble(), (client, path) => new Counter(client, path, { retry })),
    testTimeoutMs,
  );

  test(
    'ShardedCounter: parallel increments through a leader kill: the sum is exact',
    () =>
      countThroughLeaderKill(
        ensemble(),
        (client, path) => new ShardedCounter(client, path, { shards: 3, retry }),
      ),
    testTimeoutMs,
  );
}

/** IDs through a leader kill at a fresh path; giving up (RetriesExhaustedError) is tolerated. */
async function idsThroughLeaderKill(
  ensemble: Ensemble,
  options: {
    loseRepliesTo: RequestFilter;
    sourceOf: (client: ZooClient, path: string) => Promise<IdSource>;
  },
): Promise<{ grants: IdGrant[]; lost: number }> {
  const path = `/recipes/ids-${Date.now()}`;
  let run: { grants: IdGrant[]; lost: number } = { grants: [], lost: 0 };
  await withClients(ensemble, async (clients, tap) => {
    const { grants } = await issueThroughLeaderKill(ensemble, {
      clients,
      tap,
      loseRepliesTo: options.loseRepliesTo,
      sourceOf: (client) => options.sourceOf(client, path),
      tolerated: (error) => error instanceof RetriesExhaustedError,
    });
    run = { grants, lost: tap.lost.length };
  });
  return run;
}

export function idFaultTests(ensemble: () => Ensemble): void {
  test(
    'SequentialIdGenerator: unique and in real-time order through a leader kill',
    async () => {
      const { grants, lost } = await idsThroughLeaderKill(ensemble(), {
        loseRepliesTo: (request) => request.type === 'create',
        sourceOf: async (client, path) => new SequentialIdGenerator(client, path, { retry }),
      });
      expect(grants.length).toBeGreaterThan(20);
      expect(lost).toBeGreaterThanOrEqual(1);
      expectUniquePerClientIncreasing(grants);
      expectRealTimeOrder(grants);
    },
    testTimeoutMs,
  );

  test(
    'SegmentIdGenerator: unique through a leader kill, small ranges',
    async () => {
      const { grants, lost } = await idsThroughLeaderKill(ensemble(), {
        loseRepliesTo: (request) => request.type === 'setData',
        sourceOf: async (client, path) =>
          new SegmentIdGenerator(client, path, { step: 5, stepMax: 5, counter: { retry } }),
      });
      expect(grants.length).toBeGreaterThan(100);
      expect(lost).toBeGreaterThanOrEqual(1);
      expectUniquePerClientIncreasing(grants);
    },
    testTimeoutMs,
  );

  test(
    'SnowflakeIdGenerator: unique through a leader kill, short reservations',
    async () => {
      const { grants, lost } = await idsThroughLeaderKill(ensemble(), {
        loseRepliesTo: (request) => request.type === 'setData',
        sourceOf: async (client, path) => {
          const generator = new SnowflakeIdGenerator(client, path, { reserveMs: 200, retry });
          await generator.lease();
          return { next: () => generator.next(), close: () => generator.release() };
        },
      });
      expect(grants.length).toBeGreaterThan(1000);
      expect(lost).toBeGreaterThanOrEqual(1);
      expectUniquePerClientIncreasing(grants);
    },
    testTimeoutMs,
  );
}
