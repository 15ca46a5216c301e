// A tiny run of each benchmark workload and timed event added for issues 13 and 15 (mixed,
// counter, lock, ids, lock hand-over, LeaderLatch fail-over, memory per znode) against an
// in-process Zoo: each completes, counts operations and reports figures of the right shape.
// Speed is not checked here; that is what `pnpm bench` is for.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '@zoo/server';
import type { ZooServer } from '@zoo/server';
import { recipeRunner } from '../bench/recipe-workloads.js';
import { wireRunner } from '../bench/workloads.js';
import { measureLockHandover } from '../bench/lock-handover.js';
import { measureLatchFailover } from '../bench/latch-failover.js';
import { measureZnodeMemory } from '../bench/znode-memory.js';
import type { Endpoint } from '../bench/targets.js';

let server: ZooServer;
let endpoints: Endpoint[];
const window = { durationMs: 300, warmupMs: 50, serverCpuSeconds: () => 0 };

beforeAll(async () => {
  server = await startServer({ port: 0 });
  endpoints = [{ host: server.host, port: server.port }];
});

afterAll(async () => {
  await server.close();
});

describe('bench workloads, smoke run on an in-process Zoo', () => {
  test('mixed: reads and writes complete without errors', async () => {
    const run = wireRunner({ clients: 2, dataBytes: 10 });
    const result = await run(endpoints, { workload: 'mixed', level: 4, window });
    expect(result.operations).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
    expect(result.p999Ms).toBeGreaterThanOrEqual(result.p50Ms);
  });

  test.each(['counter', 'lock', 'ids'])('%s: recipe calls complete', async (workload) => {
    const result = await recipeRunner(endpoints, { workload, level: 2, window });
    expect(result.operations).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
    // serverCpuSeconds reads 0 throughout: no CPU was spent.
    expect(result.serverCpuUsPerOp).toBe(0);
  });

  test('an unknown workload is refused by each runner', async () => {
    await expect(recipeRunner(endpoints, { workload: 'get', level: 1, window })).rejects.toThrow(
      /not a recipe workload/,
    );
    const run = wireRunner({ clients: 1, dataBytes: 1 });
    await expect(run(endpoints, { workload: 'lock', level: 1, window })).rejects.toThrow(
      /not a wire workload/,
    );
  });

  test('lock hand-over: one sample per hand-over, each a positive time', async () => {
    const samples = await measureLockHandover(endpoints, {
      waiters: 2,
      handovers: 10,
      timeoutMs: 20_000,
    });
    expect(samples).toHaveLength(10);
    expect(samples.every((ms) => ms > 0)).toBe(true);
  });

  test('LeaderLatch fail-over: one sample per closed leader session', async () => {
    const samples = await measureLatchFailover(endpoints, {
      participants: 2,
      rounds: 3,
      timeoutMs: 20_000,
    });
    expect(samples).toHaveLength(3);
    expect(samples.every((ms) => ms > 0)).toBe(true);
  });

  test('memory per znode: the znodes are created and the readings are taken', async () => {
    const target = {
      name: 'zoo',
      description: 'in-process',
      endpoints,
      // The server runs in this process: its resident memory is the test's own.
      pids: () => [process.pid],
      stop: async () => undefined,
    };
    const memory = await measureZnodeMemory(target, { count: 1500, dataBytes: 10, clients: 2 });
    expect(memory).toMatchObject({ system: 'zoo', znodes: 1500, heapBytesPerZnode: null });
    expect(memory.rssBeforeMib).toBeGreaterThan(0);
    expect(memory.rssBytesPerZnode).not.toBeNull();
  }, 30_000);
});
