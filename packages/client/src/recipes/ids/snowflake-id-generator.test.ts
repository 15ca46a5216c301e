// SnowflakeIdGenerator against the fake server, on manual time with a wall clock the test can
// skew: worker ids leased first-free, IDs unique and increasing, 4,096 per millisecond, a clock
// going back waited out or refused, a lost lease stopping it, and the watermark fencing holders.

import { describe, expect, test } from 'vitest';
import type { Request } from '../../protocol/index.js';
import { FakeZooServer, drive, useFakeServerClients } from '../testing/fake-server-clients.js';
import type { FakeServerClient } from '../testing/fake-server-clients.js';
import { WireTap } from '../testing/wire-tap.js';
import {
  ClockMovedBackwardsError,
  NoFreeWorkerIdError,
  WorkerLeaseLostError,
} from './id-errors.js';
import { SnowflakeIdGenerator } from './snowflake-id-generator.js';
import type { SnowflakeOptions } from './snowflake-id-generator.js';
import { decodeSnowflakeId, snowflakeEpochMsDefault } from './snowflake-layout.js';

const open = useFakeServerClients(300);
const startMs = snowflakeEpochMsDefault + 86_400_000;

interface Worker extends FakeServerClient {
  generator: SnowflakeIdGenerator;
  /** Added to this worker's wall clock. */
  skew: { ms: number };
  lost: string[];
}

function worker(server: FakeZooServer, options: SnowflakeOptions & { tap?: WireTap } = {}) {
  const { tap, ...generatorOptions } = options;
  const side = open(server, tap);
  const skew = { ms: 0 };
  const lost: string[] = [];
  const generator = new SnowflakeIdGenerator(side.client, '/snowflake', {
    env: side.env,
    wallClock: { nowMs: () => startMs + side.env.nowMs + skew.ms },
    onLeaseLost: (reason) => lost.push(reason),
    ...generatorOptions,
  });
  return { ...side, generator, skew, lost };
}

async function leased(server: FakeZooServer, options: SnowflakeOptions = {}): Promise<Worker> {
  const w = worker(server, options);
  await drive(w.env, w.generator.lease());
  return w;
}

async function watermarkUntil(w: Worker, workerId: number): Promise<number> {
  const { data } = await drive(w.env, w.client.getData(`/snowflake/watermarks/${workerId}`));
  return (JSON.parse(data?.toString() ?? '{}') as { untilMs: number }).untilMs;
}

const errorOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('SnowflakeIdGenerator', () => {
  test('leases the first free worker id; IDs are unique, increasing, decodable', async () => {
    const server = new FakeZooServer();
    const [a, b] = [await leased(server), await leased(server)];
    expect([a.generator.workerId, b.generator.workerId]).toEqual([0, 1]);
    const ids: bigint[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await drive(a.env, a.generator.next()));
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? id))).toBe(true);
    const fromB = await drive(b.env, b.generator.next());
    expect(new Set([...ids, fromB]).size).toBe(21);
    const parts = decodeSnowflakeId(fromB);
    expect(parts.workerId).toBe(1);
    // drive() moves manual time on by 10 ms once the ID is out.
    expect(parts.timestampMs).toBe(startMs + b.env.nowMs - 10);
  });

  test('after 4,096 IDs in one millisecond, it waits for the next', async () => {
    const a = await leased(new FakeZooServer());
    const burst = await Promise.all(Array.from({ length: 4096 }, () => a.generator.next()));
    const parts = burst.map((id) => decodeSnowflakeId(id));
    expect(new Set(parts.map((p) => p.timestampMs)).size).toBe(1);
    expect(parts.map((p) => p.sequence)).toEqual(Array.from({ length: 4096 }, (_, i) => i));
    const after = decodeSnowflakeId(await drive(a.env, a.generator.next()));
    expect(after.timestampMs).toBeGreaterThan(parts[0]?.timestampMs ?? Infinity);
    expect(after.sequence).toBe(0);
  });

  test('nextBatch fills each millisecond up to 4,096 IDs, in order', async () => {
    const a = await leased(new FakeZooServer());
    const single = await drive(a.env, a.generator.next());
    const batch = await drive(a.env, a.generator.nextBatch(10_000));
    expect(batch).toHaveLength(10_000);
    expect(batch.every((id, i) => id > (i === 0 ? single : (batch[i - 1] ?? id)))).toBe(true);
    const perMs = new Map<number, number>();
    for (const { timestampMs } of batch.map((id) => decodeSnowflakeId(id))) {
      perMs.set(timestampMs, (perMs.get(timestampMs) ?? 0) + 1);
    }
    expect(Math.max(...perMs.values())).toBe(4096);
    expect(perMs.size).toBe(3);
    await expect(a.generator.nextBatch(0)).rejects.toThrow(RangeError);
  });

  test('a clock that goes back a little is waited out; far back, it throws', async () => {
    const a = await leased(new FakeZooServer());
    const before = await drive(a.env, a.generator.next());
    a.skew.ms = -5;
    const after = await drive(a.env, a.generator.next());
    expect(after).toBeGreaterThan(before);
    a.skew.ms = -1000;
    const error = await errorOf(drive(a.env, a.generator.next()));
    expect(error).toBeInstanceOf(ClockMovedBackwardsError);
    expect((error as ClockMovedBackwardsError).behindMs).toBeGreaterThan(900);
  });

  test('a lost lease (session expired) stops it until a new lease; IDs stay unique', async () => {
    const server = new FakeZooServer();
    const a = await leased(server);
    const before = await drive(a.env, a.generator.next());
    const expired = new Promise<void>((resolve) => a.client.on('expired', resolve));
    server.expireSession(a.client.sessionId);
    await drive(a.env, expired);
    expect(await errorOf(a.generator.next())).toBeInstanceOf(WorkerLeaseLostError);
    // The expiry deletes the lease node and ends the session; whichever is heard first counts.
    expect(a.lost).toHaveLength(1);
    expect(a.generator.workerId).toBeNull();
    const b = await leased(server);
    expect(b.generator.workerId).toBe(0);
    const next = await drive(b.env, b.generator.next());
    expect(decodeSnowflakeId(next).timestampMs).toBeGreaterThan(
      decodeSnowflakeId(before).timestampMs,
    );
  });

  test('its lease node deleted, it stops', async () => {
    const server = new FakeZooServer();
    const a = await leased(server);
    const admin = worker(server);
    await drive(admin.env, admin.client.delete('/snowflake/leases/0'));
    await drive(a.env, Promise.resolve());
    expect(await errorOf(a.generator.next())).toBeInstanceOf(WorkerLeaseLostError);
    expect(a.lost).toEqual(['its lease node was deleted']);
  });

  test('a holder whose watermark was taken over stops within its reservation', async () => {
    const server = new FakeZooServer();
    const a = await leased(server, { reserveMs: 400 });
    const reservedUntil = await watermarkUntil(a, 0);
    const intruder = worker(server);
    const mark = JSON.stringify({ holder: 'intruder', untilMs: reservedUntil + 10_000 });
    await drive(intruder.env, intruder.client.setData('/snowflake/watermarks/0', mark));
    const issued: bigint[] = [];
    let error: unknown = null;
    while (error === null) {
      await drive(a.env, a.generator.next()).then(
        (id) => issued.push(id),
        (e: unknown) => (error = e),
      );
    }
    expect(error).toBeInstanceOf(WorkerLeaseLostError);
    expect(a.lost).toEqual(['another client took worker id 0 over']);
    expect(issued.length).toBeGreaterThan(5);
    const lastMs = decodeSnowflakeId(issued[issued.length - 1] ?? 0n).timestampMs;
    expect(lastMs).toBeLessThanOrEqual(reservedUntil);
  });

  test('a new holder waits out the old reservation, or refuses a clock far behind', async () => {
    const server = new FakeZooServer();
    const a = await leased(server);
    const lastOfA = await drive(a.env, a.generator.next());
    const reservedUntil = await watermarkUntil(a, 0);
    await drive(a.env, a.client.close()); // gone without release(): the reservation stands
    const behind = worker(server);
    behind.skew.ms = -3000;
    expect(await errorOf(drive(behind.env, behind.generator.lease()))).toBeInstanceOf(
      ClockMovedBackwardsError,
    );
    const b = worker(server);
    b.skew.ms = a.env.nowMs - b.env.nowMs - 5; // b's clock reads 5 ms behind a's
    expect(await drive(b.env, b.generator.lease())).toBe(0);
    const firstOfB = decodeSnowflakeId(await drive(b.env, b.generator.next()));
    expect(firstOfB.timestampMs).toBeGreaterThan(reservedUntil);
    expect(firstOfB.timestampMs).toBeGreaterThan(decodeSnowflakeId(lastOfA).timestampMs);
  });

  test('release lowers the reservation to the last ID: no wait for the next holder', async () => {
    const server = new FakeZooServer();
    const a = await leased(server);
    let last = 0n;
    for (let i = 0; i < 5; i += 1) last = await drive(a.env, a.generator.next());
    await drive(a.env, a.generator.release());
    expect(await errorOf(a.generator.next())).toBeInstanceOf(WorkerLeaseLostError);
    expect(a.lost).toEqual([]);
    expect(await watermarkUntil(a, 0)).toBe(decodeSnowflakeId(last).timestampMs);
    const b = worker(server);
    b.skew.ms = a.env.nowMs - b.env.nowMs;
    expect(await drive(b.env, b.generator.lease())).toBe(0);
    expect(await drive(b.env, b.generator.next())).toBeGreaterThan(last);
  });

  test('a lease create whose reply was lost still leases that worker id, once', async () => {
    const server = new FakeZooServer();
    const tap = new WireTap();
    tap.dropRepliesTo((request: Request) => request.type === 'create' && request.flags === 1);
    const a = worker(server, { tap });
    expect(await drive(a.env, a.generator.lease())).toBe(0);
    expect(tap.lost).toHaveLength(1);
    const b = await leased(server);
    expect(b.generator.workerId).toBe(1);
    expect(await drive(b.env, b.client.getChildren('/snowflake/leases'))).toHaveLength(2);
  });

  test('concurrent lease() calls share one worker id', async () => {
    const server = new FakeZooServer();
    const a = worker(server);
    const ids = await drive(a.env, Promise.all([a.generator.lease(), a.generator.lease()]));
    expect(ids).toEqual([0, 0]);
    expect(await drive(a.env, a.client.getChildren('/snowflake/leases'))).toEqual(['0']);
  });

  test('two generators on one client lease different worker ids', async () => {
    const server = new FakeZooServer();
    const a = worker(server);
    const b = new SnowflakeIdGenerator(a.client, '/snowflake', { env: a.env });
    expect(await drive(a.env, Promise.all([a.generator.lease(), b.lease()]))).toEqual([0, 1]);
  });

  test('every worker id in the range taken: NoFreeWorkerIdError', async () => {
    const server = new FakeZooServer();
    const range = { workerIdMin: 5, workerIdMax: 6 };
    const taken = [await leased(server, range), await leased(server, range)];
    expect(taken.map((w) => w.generator.workerId)).toEqual([5, 6]);
    const third = worker(server, range);
    expect(await errorOf(drive(third.env, third.generator.lease()))).toBeInstanceOf(
      NoFreeWorkerIdError,
    );
  });
});
