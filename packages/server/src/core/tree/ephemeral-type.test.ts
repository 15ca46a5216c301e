import { AssertionError } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import {
  containerEphemeralOwner,
  ephemeralKindOf,
  isValidTtl,
  ttlEphemeralOwner,
  ttlMaxMs,
  ttlOf,
  visibleEphemeralOwner,
} from './ephemeral-type.js';

// ZooKeeper: EphemeralType (wire sheet §9.4).
describe('ephemeral owner encoding', () => {
  test('the container marker is Long.MIN_VALUE and shows as 0', () => {
    expect(BigInt.asUintN(64, containerEphemeralOwner)).toBe(0x8000000000000000n);
    expect(ephemeralKindOf(containerEphemeralOwner)).toBe('container');
    expect(ephemeralKindOf(0x8000000000000000n)).toBe('container');
    expect(visibleEphemeralOwner(containerEphemeralOwner)).toBe(0n);
  });

  test('a TTL owner is 0xFF<<56 | ttl and shows as 0', () => {
    const owner = ttlEphemeralOwner(5000n);
    expect(BigInt.asUintN(64, owner)).toBe(0xff00000000001388n);
    expect(ephemeralKindOf(owner)).toBe('ttl');
    expect(ttlOf(owner)).toBe(5000n);
    expect(ttlOf(ttlEphemeralOwner(ttlMaxMs))).toBe(0xffffffffffn);
    expect(visibleEphemeralOwner(owner)).toBe(0n);
  });

  test('TTL range is 1 … 0xFF_FFFF_FFFF ms', () => {
    expect(isValidTtl(0n)).toBe(false);
    expect(isValidTtl(1n)).toBe(true);
    expect(isValidTtl(0xffffffffffn)).toBe(true);
    expect(isValidTtl(0x10000000000n)).toBe(false);
    expect(() => ttlEphemeralOwner(0n)).toThrow(AssertionError);
  });

  test('0 is persistent and a session id is an ordinary ephemeral', () => {
    expect(ephemeralKindOf(0n)).toBe('persistent');
    expect(ephemeralKindOf(0x010000c117460000n)).toBe('ephemeral');
    expect(visibleEphemeralOwner(0x010000c117460000n)).toBe(0x010000c117460000n);
  });
});
