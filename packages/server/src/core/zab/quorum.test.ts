// Majority quorums: sizes, membership, and the committed zxid of a set of ACKs.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { committedZxid, hasQuorum, quorumSize } from './quorum.js';

describe('quorumSize', () => {
  test.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [7, 4],
  ])('a strict majority of %i voters is %i', (voters, size) => {
    expect(quorumSize(voters)).toBe(size);
  });

  test('rejects an empty voter set', () => {
    expect(() => quorumSize(0)).toThrow();
  });
});

describe('hasQuorum', () => {
  test('counts distinct voters only, never observers', () => {
    expect(hasQuorum([1, 1, 9], [1, 2, 3])).toBe(false);
    expect(hasQuorum([1, 2], [1, 2, 3])).toBe(true);
    expect(hasQuorum([1, 2, 9, 10], [1, 2, 3, 4, 5])).toBe(false);
  });
});

describe('committedZxid', () => {
  test('is the largest zxid a majority has acked', () => {
    const acks = new Map([
      [1, 5n],
      [2, 9n],
      [3, 7n],
    ]);
    expect(committedZxid(acks, [1, 2, 3])).toBe(7n);
    expect(committedZxid(acks, [1, 2, 3, 4, 5])).toBe(5n);
  });

  test('ignores acks of non-voters and counts missing voters as nothing acked', () => {
    const acks = new Map([
      [1, 9n],
      [8, 9n],
      [9, 9n],
    ]);
    expect(committedZxid(acks, [1, 2, 3])).toBe(0n);
  });

  test('property: a quorum acked at least the result, and no larger value has a quorum', () => {
    const voters = [1, 2, 3, 4, 5];
    const acks = fc.array(fc.bigInt({ min: 0n, max: 20n }), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(acks, (values) => {
        const map = new Map(values.map((value, index) => [index + 1, value]));
        const result = committedZxid(map, voters);
        const atLeast = (z: bigint) => values.filter((value) => value >= z).length;
        expect(atLeast(result)).toBeGreaterThanOrEqual(3);
        expect(atLeast(result + 1n)).toBeLessThan(3);
      }),
    );
  });
});
