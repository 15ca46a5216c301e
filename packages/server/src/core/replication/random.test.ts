import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SeededRandom } from './random.js';

describe('SeededRandom', () => {
  test('replays the same stream from the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const a = new SeededRandom(seed);
        const b = new SeededRandom(seed);
        for (let i = 0; i < 50; i += 1) expect(a.nextUint32()).toBe(b.nextUint32());
      }),
    );
  });

  test('different seeds give different streams', () => {
    const a = Array.from(
      { length: 8 },
      (
        (r) => () =>
          r.nextUint32()
      )(new SeededRandom(1)),
    );
    const b = Array.from(
      { length: 8 },
      (
        (r) => () =>
          r.nextUint32()
      )(new SeededRandom(2)),
    );
    expect(a).not.toEqual(b);
  });

  test('nextInt stays within its inclusive bounds and reaches both ends', () => {
    const random = new SeededRandom(42);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i += 1) {
      const value = random.nextInt(3, 7);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(7);
      seen.add(value);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  test('is roughly uniform: each of 10 buckets gets 10% ± 1.5% of 100k draws', () => {
    const random = new SeededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i += 1) {
      const bucket = Math.floor(random.nextFloat() * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(1_500);
  });

  test('rejects an empty range', () => {
    expect(() => new SeededRandom(1).nextInt(5, 4)).toThrow(RangeError);
  });
});
