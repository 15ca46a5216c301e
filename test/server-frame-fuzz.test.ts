// Hostile frames by the hundred thousand against a running standalone server and against a
// follower of a 3-member ensemble, while a well-behaved session keeps doing round trips: the
// server stays up and logs no error, the good session sees no error and no reply slower than
// 1 s, and the heap after GC comes back to where it started once the fuzz sessions expired.
//
// It can fail: with writes matched to txns by cxid alone (as before commit bca5062), the follower
// run crashes the server within 50,000 frames on "expected the reply of xid X at its head" — on
// a follower a write stays in flight long enough for a resumed session to reuse its xid.
//
// `pnpm test` sends 50,000 frames per target. The long run: ZOO_FUZZ_FRAMES=1000000 npx vitest
// run test/server-frame-fuzz.test.ts (ZOO_FUZZ_SEED=n replays a seed; the report is printed).

import { afterEach, describe, expect, test } from 'vitest';
import { startCluster, startServer } from '@zoo/server';
import type { ZooCluster, ZooServer } from '@zoo/server';
import { OPEN_ACL_UNSAFE } from './support/protocol.js';
import { WireClient } from './support/wire-client.js';
import { goodSession, memoryAfterGc, runFuzzer } from './support/fuzz-harness.js';

const frames = Number(process.env['ZOO_FUZZ_FRAMES'] ?? 50_000);
const seed = Number(process.env['ZOO_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
/** tickMs 250: the fuzz sessions (timeout clamped to 2 ticks) expire half a second after. */
const tickMs = 250;
/** Heap growth allowed after the run: JIT code and caches settle, the fuzz's state must not. */
const heapSlackMb = 16;

const errorsLogged: string[] = [];
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => errorsLogged.push(message),
};
let running: ZooServer | ZooCluster | null = null;

afterEach(async () => {
  await running?.close();
  running = null;
  errorsLogged.length = 0;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createGoodNode(target: { host: string; port: number }): Promise<void> {
  const client = await WireClient.connect(target);
  const created = await client.request({
    type: 'create',
    variant: 'create',
    path: '/good',
    data: Buffer.from('ok'),
    acl: [...OPEN_ACL_UNSAFE],
    flags: 0,
    ttl: -1n,
  });
  expect(created.err).toBe(0);
  await client.close();
}

/** Fuzzes `target` with `count` frames while the good session reads; checks and reports. */
async function fuzzWhileServing(target: { host: string; port: number }, label: string) {
  const plan = {
    ...target,
    seed,
    concurrency: 32,
    sessionTimeoutMs: 1,
    localAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'],
  };
  // A short warm-up first, so that the baseline includes compiled code and grown pools.
  await runFuzzer({ ...plan, frames: 2_000, seed: seed + 1 });
  await sleep(4 * tickMs);
  const before = await memoryAfterGc();
  const fuzzing = runFuzzer({ ...plan, frames });
  const good = await goodSession(target, '/good', fuzzing);
  const report = await fuzzing;
  // The fuzz sessions expire within a few ticks of their connections closing.
  await sleep(8 * tickMs);
  const after = await memoryAfterGc();
  const summary = { label, ...report, good, before, after };
  console.log(`frame fuzz: ${JSON.stringify(summary)}`);
  expect(report.frames, `seed ${seed}`).toBeGreaterThanOrEqual(frames);
  expect(report.hung, `seed ${seed}`).toBe(0);
  // The fuzz did resume sessions, some of them while their first connection was still open.
  expect(report.resumesAccepted, `seed ${seed}`).toBeGreaterThan(0);
  expect(good.errors, `seed ${seed}`).toEqual([]);
  expect(good.roundTrips).toBeGreaterThan(0);
  expect(good.slowestMs, `seed ${seed}`).toBeLessThan(1_000);
  expect(errorsLogged, `seed ${seed}`).toEqual([]);
  expect(after.heapUsedMb, `seed ${seed}`).toBeLessThan(before.heapUsedMb + heapSlackMb);
  // The server is still up: a new session works.
  const fresh = await WireClient.connect(target);
  expect((await fresh.request({ type: 'exists', path: '/good', watch: false })).err).toBe(0);
  await fresh.close();
}

const runTimeoutMs = 120_000 + frames;

describe('hostile frames', () => {
  test(
    'a standalone server keeps serving under hostile frames',
    async () => {
      const server = await startServer({ port: 0, tickMs, logger });
      running = server;
      await createGoodNode(server);
      await fuzzWhileServing(server, 'standalone');
    },
    runTimeoutMs,
  );

  test(
    'a follower of a 3-member ensemble keeps serving under hostile frames',
    async () => {
      const cluster = await startCluster({ size: 3, tickMs, logger });
      running = cluster;
      const leader = await cluster.waitForLeader();
      const follower = cluster.members.find((member) => member.id !== leader);
      if (follower === undefined) throw new Error('no follower');
      const target = { host: '127.0.0.1', port: follower.port };
      await createGoodNode(target);
      await fuzzWhileServing(target, 'follower');
      // The follower still follows the same leader: the fuzz did not shake the ensemble.
      expect(cluster.leader()).toBe(leader);
    },
    runTimeoutMs,
  );
});
