import { describe, expect, test } from 'vitest';
import { createModeOf, multiCreateOf, sequenceSuffix } from './create-mode.js';
import { createRequest } from './testing/prep-harness.js';

describe('sequenceSuffix (Java String.format("%010d"))', () => {
  test.each([
    [0, '0000000000'],
    [7, '0000000007'],
    [1234567890, '1234567890'],
    [2147483647, '2147483647'],
    [-1, '-000000001'],
    [-123, '-000000123'],
    [-2147483648, '-2147483648'],
  ])('%i → %s', (counter, suffix) => {
    expect(sequenceSuffix(counter)).toBe(suffix);
  });
});

// ZooKeeper: CreateMode.fromFlag.
describe('createModeOf', () => {
  test('flags 0…6 are modes, anything else is not', () => {
    expect(createModeOf(3)).toEqual({
      isEphemeral: true,
      isSequential: true,
      isContainer: false,
      isTtl: false,
    });
    expect(createModeOf(6)).toEqual({
      isEphemeral: false,
      isSequential: true,
      isContainer: false,
      isTtl: true,
    });
    expect(createModeOf(4)?.isContainer).toBe(true);
    for (const flags of [-1, 7, 9, 1.5]) expect(createModeOf(flags)).toBeNull();
  });
});

// ZooKeeper 3.8.6: MultiOperationRecord.deserialize + Op.create.
describe('multiCreateOf', () => {
  test.each([
    ['create', 0, -1n, { variant: 'create', flags: 0, ttl: -1n }],
    ['create2', 3, -1n, { variant: 'create2', flags: 3, ttl: -1n }],
    ['create', 4, -1n, { variant: 'createContainer', flags: 4, ttl: -1n }],
    ['createContainer', 0, -1n, { variant: 'createContainer', flags: 0, ttl: -1n }],
    ['create', 5, -1n, 'malformed'],
    ['createContainer', 6, -1n, 'malformed'],
    ['create2', 7, -1n, 'malformed'],
    ['createTTL', 5, 100n, { variant: 'createTTL', flags: 5, ttl: 100n }],
    ['createTTL', 0, 100n, { variant: 'create', flags: 0, ttl: -1n }],
    ['createTTL', 4, 100n, { variant: 'createContainer', flags: 4, ttl: -1n }],
    ['createTTL', 9, 100n, { variant: 'create', flags: 9, ttl: -1n }],
  ] as const)('header %s with flags %i (ttl %s) reads as %o', (variant, flags, ttl, expected) => {
    expect(multiCreateOf(createRequest('/x', { variant, flags, ttl }))).toEqual(expected);
  });
});
