// Clients of one FakeZooServer for the recipes' deterministic tests: each on its own ManualEnv
// (time moves only when the test advances it) with a seeded random source, optionally through
// a WireTap, closed after each test; and `drive`, which advances a client's time until a
// promise settles.

import { afterEach } from 'vitest';
import type { ClientOptions } from '../../api/create-client-with-env.js';
import { createClientWithEnv } from '../../api/create-client-with-env.js';
import { FakeZooServer } from '../../api/testing/fake-zoo-server.js';
import { ManualEnv } from '../../api/testing/manual-env.js';
import type { ZooClient } from '../../api/zoo-client.js';
import type { WireTap } from './wire-tap.js';

export interface FakeServerClient {
  client: ZooClient;
  /** The client's env, also handed to the recipes under test (clock, timers, random). */
  env: ManualEnv;
}

/** Mulberry32: a small seeded generator, so every run of a test draws the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function fakeServerClient(
  server: FakeZooServer,
  options: { seed: number; tap?: WireTap; client?: ClientOptions },
): FakeServerClient {
  const direct = server.transportFactory();
  const connect = options.tap === undefined ? direct : options.tap.wrap(direct);
  const env = new ManualEnv(connect, seededRandom(options.seed));
  const clientOptions = { sessionTimeoutMs: 30_000, reconnectDelayMaxMs: 100, ...options.client };
  const client = createClientWithEnv('fake:2181', clientOptions, env);
  return { client, env };
}

/**
 * A test file's opener of fake-server clients, each with the next seed (from `firstSeed`), an
 * optional wire tap, and closed after each test.
 */
export function useFakeServerClients(
  firstSeed: number,
): (server: FakeZooServer, tap?: WireTap) => FakeServerClient {
  const opened: ZooClient[] = [];
  let seed = firstSeed;
  afterEach(() => {
    for (const client of opened.splice(0)) void client.close();
  });
  return (server, tap) => {
    const side = fakeServerClient(server, { seed: seed++, ...(tap === undefined ? {} : { tap }) });
    opened.push(side.client);
    return side;
  };
}

/** Advances `env` 10 ms at a time until `promise` settles (at most `limitMs` of its time). */
export async function drive<T>(env: ManualEnv, promise: Promise<T>, limitMs = 600_000): Promise<T> {
  let isSettled = false;
  const watched = promise.finally(() => {
    isSettled = true;
  });
  watched.catch(() => undefined);
  for (let elapsedMs = 0; !isSettled; elapsedMs += 10) {
    if (elapsedMs > limitMs) throw new Error(`still pending after ${limitMs} ms of manual time`);
    await env.advance(10);
  }
  return watched;
}

export { FakeZooServer };
