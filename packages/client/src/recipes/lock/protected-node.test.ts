// Protected names and their order: GUIDs in UUID form, names parsed back (a wrapped, negative
// suffix included), and an order that stays right when the parent's cversion wraps past 2^31.

import { describe, expect, test } from 'vitest';
import {
  compareSequences,
  hasGuid,
  parseContender,
  protectedName,
  randomGuid,
  sortContenders,
} from './protected-node.js';

/** A deterministic stand-in for Math.random: a linear congruential sequence. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('protected node names', () => {
  test('a GUID has the UUID v4 form and differs from draw to draw', () => {
    const random = seededRandom(7);
    const guids = Array.from({ length: 100 }, () => randomGuid(random));
    for (const guid of guids) {
      expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(guids).size).toBe(guids.length);
  });

  test('a created name parses back to its GUID, kind and sequence', () => {
    const guid = randomGuid(seededRandom(1));
    const name = `${protectedName(guid, 'write-')}0000000042`;
    expect(parseContender(name, ['read-', 'write-'])).toEqual({
      name,
      prefix: 'write-',
      guid,
      sequence: 42,
    });
    expect(hasGuid(name, guid)).toBe(true);
    expect(hasGuid(name, randomGuid(seededRandom(2)))).toBe(false);
  });

  test('ZooKeeper formats a wrapped cversion as a negative suffix: it still parses', () => {
    // ZooKeeper: PrepRequestProcessor — String.format("%010d", parentCVersion), an int.
    expect(parseContender('lock--2147483648', ['lock-'])?.sequence).toBe(-2_147_483_648);
    expect(parseContender('lock--000000005', ['lock-'])?.sequence).toBe(-5);
    expect(parseContender('lock-0000000007', ['lock-'])?.guid).toBeNull();
  });

  test('children of other kinds or without a sequence are not contenders', () => {
    expect(parseContender('leases', ['lock-'])).toBeNull();
    expect(parseContender('lock-abc', ['lock-'])).toBeNull();
    expect(parseContender('read-0000000001', ['lock-'])).toBeNull();
  });

  test('order follows creation across the wrap from 2^31 − 1 to −2^31', () => {
    const names = ['lock--2147483647', 'lock-2147483646', 'lock--2147483648', 'lock-2147483647'];
    expect(sortContenders(names, ['lock-']).map((c) => c.name)).toEqual([
      'lock-2147483646',
      'lock-2147483647',
      'lock--2147483648',
      'lock--2147483647',
    ]);
    expect(compareSequences(2_147_483_647, -2_147_483_648)).toBeLessThan(0);
    expect(compareSequences(1, 2)).toBeLessThan(0);
    expect(compareSequences(5, 5)).toBe(0);
  });
});
