// Counter against the in-memory fake server, on manual time: its operations, its 64-bit range,
// and — with a wire tap that loses requests and replies — that an update whose reply is lost
// is applied exactly once, or reported as unknown when the node can no longer tell.

import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../protocol/index.js';
import type { Request } from '../../protocol/index.js';
import { RetriesExhaustedError } from '../support/retry.js';
import { FakeZooServer, drive, useFakeServerClients } from '../testing/fake-server-clients.js';
import type { FakeServerClient } from '../testing/fake-server-clients.js';
import { WireTap } from '../testing/wire-tap.js';
import { Counter } from './counter.js';
import type { CounterOptions } from './counter.js';
import { decodeCounter } from './counter-codec.js';
import { CounterOutcomeUnknownError } from './counter-errors.js';

const open = useFakeServerClients(1);

function counterOn(side: FakeServerClient, path = '/c', options: CounterOptions = {}): Counter {
  return new Counter(side.client, path, { env: side.env, ...options });
}

const isSetData = (request: Request): boolean => request.type === 'setData';
const isCreate = (request: Request): boolean => request.type === 'create';

/** The counter value the fake server holds, read straight from its tree. */
async function storedValue(server: FakeZooServer, path = '/c'): Promise<bigint> {
  const reader = open(server);
  const { data } = await drive(reader.env, reader.client.getData(path));
  return decodeCounter(data, { path, initialValue: 0n }).value;
}

describe('Counter', () => {
  test('starts at its initial value; add, increment, decrement return the new value', async () => {
    const side = open(new FakeZooServer());
    const counter = counterOn(side, '/c', { initialValue: 10 });
    expect(await drive(side.env, counter.get())).toBe(10n);
    expect(await drive(side.env, counter.increment())).toBe(11n);
    expect(await drive(side.env, counter.add(5))).toBe(16n);
    expect(await drive(side.env, counter.decrement())).toBe(15n);
    expect(await drive(side.env, counter.add(-20n))).toBe(-5n);
    expect(await drive(side.env, counter.get({ sync: true }))).toBe(-5n);
  });

  test('creates missing parents on the first update', async () => {
    const side = open(new FakeZooServer());
    const counter = counterOn(side, '/app/stats/hits');
    expect(await drive(side.env, counter.increment())).toBe(1n);
    expect(await drive(side.env, side.client.exists('/app/stats'))).not.toBeNull();
  });

  test('compareAndSet writes only over the expected value', async () => {
    const side = open(new FakeZooServer());
    const counter = counterOn(side);
    expect(await drive(side.env, counter.compareAndSet(1, 7))).toBe(false);
    expect(await drive(side.env, counter.get())).toBe(0n);
    expect(await drive(side.env, counter.compareAndSet(0, 7))).toBe(true);
    expect(await drive(side.env, counter.compareAndSet(0, 9))).toBe(false);
    expect(await drive(side.env, counter.get())).toBe(7n);
  });

  test('trySet sets any value', async () => {
    const side = open(new FakeZooServer());
    const counter = counterOn(side);
    await drive(side.env, counter.add(3));
    expect(await drive(side.env, counter.trySet(-42))).toBe(true);
    expect(await drive(side.env, counter.get())).toBe(-42n);
  });

  test('values are 64-bit: exact beyond 2^53, and an overflow writes nothing', async () => {
    const side = open(new FakeZooServer());
    const counter = counterOn(side);
    const nearMax = 2n ** 63n - 2n;
    expect(await drive(side.env, counter.trySet(nearMax))).toBe(true);
    expect(await drive(side.env, counter.increment())).toBe(2n ** 63n - 1n);
    await expect(drive(side.env, counter.increment())).rejects.toThrow(RangeError);
    expect(await drive(side.env, counter.get())).toBe(2n ** 63n - 1n);
    await expect(counter.add(2 ** 53)).rejects.toThrow(RangeError);
  });

  test('concurrent clients lose no increment', async () => {
    const server = new FakeZooServer();
    const sides = [open(server), open(server), open(server)];
    const run = async (side: FakeServerClient): Promise<bigint[]> => {
      const counter = counterOn(side);
      const values: bigint[] = [];
      for (let i = 0; i < 10; i += 1) values.push(await counter.increment());
      return values;
    };
    const all = await Promise.all(sides.map((side) => drive(side.env, run(side))));
    const values = all.flat().sort((a, b) => (a < b ? -1 : 1));
    expect(values).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i + 1)));
  });
});

/** An 8-byte counter value, as another writer would store it. */
function plainValue(value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value, 0);
  return bytes;
}

describe('Counter: lost replies are applied exactly once', () => {
  const cases = [
    { what: 'a setData that applied, its reply lost', lose: 'reply', of: isSetData },
    { what: 'a create that applied, its reply lost', lose: 'reply', of: isCreate },
    { what: 'a setData that never reached the server', lose: 'request', of: isSetData },
    { what: 'a create that never reached the server', lose: 'request', of: isCreate },
  ] as const;
  for (const { what, lose, of } of cases) {
    test(`${what} counts once`, async () => {
      const server = new FakeZooServer();
      const tap = new WireTap();
      const side = open(server, tap);
      const counter = counterOn(side);
      if (of === isSetData) await drive(side.env, counter.add(5));
      if (lose === 'reply') tap.dropRepliesTo(of);
      else tap.dropRequests(of);
      expect(await drive(side.env, counter.add(5))).toBe(of === isSetData ? 10n : 5n);
      expect(tap.lost).toHaveLength(1);
      expect(await storedValue(server)).toBe(of === isSetData ? 10n : 5n);
    });
  }

  /** Loses the reply of an increment (K = 4), lets `others` increments land, then checks it. */
  async function lostWhileOthersUpdate(others: number) {
    const server = new FakeZooServer();
    const tap = new WireTap();
    const [mine, other] = [open(server, tap), open(server)];
    const options = { recentUpdatesMax: 4 };
    await drive(mine.env, counterOn(mine, '/c', options).increment());
    tap.dropRepliesTo(isSetData);
    const pending = counterOn(mine, '/c', options).increment();
    await tap.lostCount(1);
    for (let i = 0; i < others; i += 1) {
      await drive(other.env, counterOn(other, '/c', options).increment());
    }
    const outcome = await drive(mine.env, pending).catch((error: unknown) => error);
    return { outcome, stored: await storedValue(server) };
  }

  test('found among the last K updates, it resolves with the value it produced', async () => {
    // Three updates land before the lost one is checked: it is still listed.
    expect(await lostWhileOthersUpdate(3)).toEqual({ outcome: 2n, stored: 5n });
  });

  test('pushed out of the last K updates, its outcome is reported unknown', async () => {
    const { outcome, stored } = await lostWhileOthersUpdate(4);
    expect(outcome).toBeInstanceOf(CounterOutcomeUnknownError);
    // It did apply — once, never twice: 1 + the lost one + 4.
    expect(stored).toBe(6n);
  });
});

describe('Counter: contention', () => {
  test('a write beaten every time throws RetriesExhaustedError; trySet says false', async () => {
    const server = new FakeZooServer();
    const tap = new WireTap();
    const side = open(server, tap);
    const counter = counterOn(side, '/c', { retry: { attemptsMax: 3 } });
    await drive(side.env, counter.increment());
    let interference = 100n;
    const interfere = (): void => {
      interference += 1n;
      const request: Request = {
        type: 'setData',
        path: '/c',
        data: plainValue(interference),
        version: -1,
      };
      expect(server.tree.apply(request, 0n).err).toBe(ErrorCode.Ok);
    };
    tap.beforeSending(isSetData, interfere, 3);
    const error = await drive(side.env, counter.increment()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(3);
    expect(await storedValue(server)).toBe(103n);
    tap.beforeSending(isSetData, interfere, 3);
    expect(await drive(side.env, counter.trySet(0))).toBe(false);
    expect(await drive(side.env, counter.trySet(0))).toBe(true);
    expect(await storedValue(server)).toBe(0n);
  });
});
