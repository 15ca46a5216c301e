import { describe, expect, test } from 'vitest';
import { World } from './world.js';

/** Starts `run` from a macrotask (a timer's turn) or from a microtask (a continuation). */
const starts = {
  macrotask: (run: () => Promise<void>) =>
    new Promise<void>((resolve) => setImmediate(() => resolve(run()))),
  microtask: (run: () => Promise<void>) => Promise.resolve().then(run),
};

describe('World.runUntil', () => {
  for (const [name, start] of Object.entries(starts)) {
    test(`a client event's promise chain ends before the next event (from a ${name})`, async () => {
      const world = new World({ seed: 1 });
      const seen: string[] = [];
      for (const label of ['a', 'b']) {
        world.at(5, () => {
          world.hasPendingMicrotasks = true;
          void (async () => {
            for (let hop = 0; hop < 20; hop += 1) await null;
            seen.push(`${label} chain done at ${world.nowMs}`);
          })();
        });
      }
      world.at(5, () => seen.push('next event'));
      await start(() => world.runUntil(10));
      expect(seen).toEqual(['a chain done at 5', 'b chain done at 5', 'next event']);
      expect(world.nowMs).toBe(10);
    });
  }

  test('3000 client events each drain before the next, past the periodic turn', async () => {
    const world = new World({ seed: 1 });
    const order: number[] = [];
    const early: number[] = [];
    for (let i = 0; i < 3000; i += 1) {
      world.at(i, () => {
        // Every earlier event's chain has ended by now.
        if (order.length !== i) early.push(i);
        world.hasPendingMicrotasks = true;
        void Promise.resolve()
          .then(() => undefined)
          .then(() => order.push(i));
      });
    }
    await world.runUntil(5000);
    expect(early).toEqual([]);
    expect(order).toEqual([...Array(3000).keys()]);
  });
});
