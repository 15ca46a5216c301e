import { describe, expect, test } from 'vitest';
import type { Acl } from '@zoo/client/protocol';
import { AclCache } from './acl-cache.js';

const open = (): Acl[] => [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const readOnly = (): Acl[] => [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];

describe('AclCache', () => {
  test('fresh copies of one list share one interned array and count every reference', () => {
    const cache = new AclCache();
    const first = cache.intern(open());
    const second = cache.intern(open());
    expect(second).toBe(first);
    expect(cache.refsOf(first)).toBe(2);
    expect(cache.size).toBe(1);
  });

  test('a list that differs in perms, scheme or id is interned apart, even right after', () => {
    const cache = new AclCache();
    const world = cache.intern(open());
    const other = [
      cache.intern(readOnly()),
      cache.intern([{ perms: 31, id: { scheme: 'ip', id: 'anyone' } }]),
      cache.intern([{ perms: 31, id: { scheme: 'world', id: 'someone' } }]),
      cache.intern([...open(), ...readOnly()]),
    ];
    for (const acl of other) expect(acl).not.toBe(world);
    expect(cache.size).toBe(5);
    expect(cache.intern(open())).toBe(world);
  });

  test('a list released to zero is forgotten, and interning it again starts a new entry', () => {
    const cache = new AclCache();
    const first = cache.intern(open());
    cache.release(first);
    expect(cache.size).toBe(0);
    const again = cache.intern(open());
    expect(again).not.toBe(first);
    expect(cache.refsOf(again)).toBe(1);
    expect(cache.size).toBe(1);
    cache.release(again);
    expect(cache.size).toBe(0);
  });
});
