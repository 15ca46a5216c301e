// SegmentIdGenerator against the fake server: ranges never overlap across generators and
// restarts, the next range arrives before the current one is used up, ranges grow when used up
// quickly, and a lost reply on the reserving counter never hands a range out twice.

import { describe, expect, test } from 'vitest';
import type { Request } from '../../protocol/index.js';
import { Counter } from '../counter/counter.js';
import { FakeZooServer, drive, useFakeServerClients } from '../testing/fake-server-clients.js';
import type { FakeServerClient } from '../testing/fake-server-clients.js';
import { WireTap } from '../testing/wire-tap.js';
import { SegmentIdGenerator } from './segment-id-generator.js';

const open = useFakeServerClients(200);

async function take(side: FakeServerClient, generator: SegmentIdGenerator, count: number) {
  const ids: bigint[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await drive(side.env, generator.next()));
  return ids;
}

const counterValue = (side: FakeServerClient): Promise<bigint> =>
  drive(side.env, new Counter(side.client, '/seg', { env: side.env }).get());

describe('SegmentIdGenerator', () => {
  test('two generators interleave ranges without overlap, each increasing', async () => {
    const server = new FakeZooServer();
    const [a, b] = [open(server), open(server)];
    const options = { step: 10, rangeDurationTargetMs: 0 };
    const onA = new SegmentIdGenerator(a.client, '/seg', { ...options, env: a.env });
    const onB = new SegmentIdGenerator(b.client, '/seg', { ...options, env: b.env });
    const fromA: bigint[] = [];
    const fromB: bigint[] = [];
    for (let round = 0; round < 5; round += 1) {
      fromA.push(...(await take(a, onA, 7)));
      fromB.push(...(await take(b, onB, 9)));
    }
    expect(fromA[0]).toBe(1n);
    for (const ids of [fromA, fromB]) {
      expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? id))).toBe(true);
    }
    expect(new Set([...fromA, ...fromB]).size).toBe(fromA.length + fromB.length);
  });

  test('the next range is reserved once a tenth of the current one is used', async () => {
    const side = open(new FakeZooServer());
    const generator = new SegmentIdGenerator(side.client, '/seg', { step: 100, env: side.env });
    await take(side, generator, 1);
    expect(await counterValue(side)).toBe(101n);
    await take(side, generator, 9);
    await drive(side.env, Promise.resolve());
    expect(await counterValue(side)).toBe(201n);
    expect(generator.idsInMemory).toBe(190n);
  });

  test('ranges used up faster than the target double, up to stepMax', async () => {
    const side = open(new FakeZooServer());
    const options = { step: 10, stepMax: 40, rangeDurationTargetMs: 1000, env: side.env };
    const generator = new SegmentIdGenerator(side.client, '/seg', options);
    // Manual time stands still between IDs: every range is used up at once.
    await take(side, generator, 10 + 10 + 20 + 40 + 40);
    await drive(side.env, Promise.resolve());
    // Reserved: 10, 10, 20, 40, 40 and the prefetched 40 (the step lags one range behind).
    expect(await counterValue(side)).toBe(1n + 10n + 10n + 20n + 40n + 40n + 40n);
  });

  test('a restarted generator never reissues an ID, even one only prefetched', async () => {
    const server = new FakeZooServer();
    const first = open(server);
    const before = new SegmentIdGenerator(first.client, '/seg', { step: 50, env: first.env });
    const issuedBefore = await take(first, before, 30);
    await drive(first.env, first.client.close());
    const second = open(server);
    const after = new SegmentIdGenerator(second.client, '/seg', { step: 50, env: second.env });
    const issuedAfter = await take(second, after, 30);
    expect(issuedAfter[0]).toBe(101n);
    expect(new Set([...issuedBefore, ...issuedAfter]).size).toBe(60);
  });

  test('a reservation whose reply was lost is counted once', async () => {
    const server = new FakeZooServer();
    const tap = new WireTap();
    const side = open(server, tap);
    const options = { step: 10, prefetchAt: 1, env: side.env };
    const generator = new SegmentIdGenerator(side.client, '/seg', options);
    await take(side, generator, 10);
    tap.dropRepliesTo((request: Request) => request.type === 'setData');
    expect(await take(side, generator, 10)).toEqual(
      Array.from({ length: 10 }, (_, i) => BigInt(11 + i)),
    );
    expect(tap.lost).toHaveLength(1);
  });

  test('many callers waiting on one reservation all get distinct IDs', async () => {
    const side = open(new FakeZooServer());
    const generator = new SegmentIdGenerator(side.client, '/seg', { step: 8, env: side.env });
    const ids = await drive(
      side.env,
      Promise.all(Array.from({ length: 50 }, () => generator.next())),
    );
    expect(new Set(ids).size).toBe(50);
  });
});
