import { describe, expect, test } from 'vitest';
import { javaConcurrentSetOrder, javaStringHash } from './java-set-order.js';

describe('javaStringHash', () => {
  test('is java.lang.String.hashCode', () => {
    // Values Java prints for these strings.
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('ip')).toBe(3367);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'));
    // Overflows wrap as Java's int does.
    expect(javaStringHash('digest:alice:abcdefghijklmnopqrstuvwxyz')).toBe(
      javaStringHashByBigInt('digest:alice:abcdefghijklmnopqrstuvwxyz'),
    );
  });
});

/** The same sum in exact arithmetic, reduced to a signed 32-bit int at the end. */
function javaStringHashByBigInt(text: string): number {
  let hash = 0n;
  for (let index = 0; index < text.length; index += 1) {
    hash = hash * 31n + BigInt(text.charCodeAt(index));
  }
  return Number(BigInt.asIntN(32, hash));
}

describe('javaConcurrentSetOrder', () => {
  const ids = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ scheme: 'digest', id: `user${index}:h` }));

  test('keeps every identity once, whatever the order', () => {
    const input = [...ids(40), ...ids(5)];
    const ordered = javaConcurrentSetOrder(input);
    expect(ordered).toHaveLength(40);
    const key = (identity: { scheme: string; id: string }) => `${identity.scheme}:${identity.id}`;
    expect(new Set(ordered.map(key))).toEqual(new Set(ids(40).map(key)));
  });

  test('does not depend on insertion order while no bin holds two (no resize)', () => {
    const few = ids(3);
    const forward = javaConcurrentSetOrder(few);
    const backward = javaConcurrentSetOrder([...few].reverse());
    expect(forward).toEqual(backward);
  });
});
