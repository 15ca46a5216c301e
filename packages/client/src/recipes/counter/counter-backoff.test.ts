// Counter's back-off under contention: its unit follows the measured attempt time (read and
// write), capped by the policy's base, so contenders on a fast server are not left asleep.

import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import type { Request } from '../../protocol/index.js';
import { FakeZooServer, drive, useFakeServerClients } from '../testing/fake-server-clients.js';
import { WireTap } from '../testing/wire-tap.js';
import type { RecipeEnv } from '../support/recipe-env.js';
import { Counter } from './counter.js';
import { encodeCounter } from './counter-codec.js';

const open = useFakeServerClients(7);
const isSetData = (request: Request): boolean => request.type === 'setData';

/**
 * The back-off delays (ms) an increment asks for while its first `beaten` writes are beaten by
 * another writer, after one uncontended increment has measured the attempt time. Random draws
 * are pinned just under 1, so each delay is its window's ceiling.
 */
async function delaysWhenBeaten(beaten: number, backoffBaseMs: number): Promise<number[]> {
  const server = new FakeZooServer();
  const tap = new WireTap();
  const side = open(server, tap);
  const delays: number[] = [];
  const env: RecipeEnv = {
    ...side.env,
    random: () => 0.999,
    timers: {
      setTimeout: (callback, delayMs) => {
        delays.push(delayMs);
        return side.env.timers.setTimeout(callback, delayMs);
      },
      clearTimeout: (handle) => side.env.timers.clearTimeout(handle),
    },
  };
  const counter = new Counter(side.client, '/c', { env, retry: { backoffBaseMs } });
  await drive(side.env, counter.increment());
  let other = 100n;
  tap.beforeSending(
    isSetData,
    () => {
      other += 1n;
      const data = encodeCounter({ value: other, updates: [] });
      const request: Request = { type: 'setData', path: '/c', data, version: -1 };
      expect(server.tree.apply(request, 0n).err).toBe(ErrorCode.Ok);
    },
    beaten,
  );
  expect(await drive(side.env, counter.increment())).toBe(100n + BigInt(beaten) + 1n);
  return delays;
}

describe('Counter: back-off', () => {
  test('on a server that answers at once, the windows start below the policy base', async () => {
    const delays = await delaysWhenBeaten(3, 2);
    expect(delays).toHaveLength(3);
    // Doubling windows, each well under the 2 ms, 4 ms, 8 ms a fixed 2 ms unit would give.
    expect(delays[1]).toBeCloseTo(2 * (delays[0] ?? 0), 5);
    expect(delays[2]).toBeCloseTo(4 * (delays[0] ?? 0), 5);
    expect(delays[0]).toBeLessThan(1);
  });

  test('the unit never exceeds the policy base', async () => {
    const delays = await delaysWhenBeaten(2, 0.01);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeLessThanOrEqual(0.01);
    expect(delays[1]).toBeLessThanOrEqual(0.02);
  });
});
