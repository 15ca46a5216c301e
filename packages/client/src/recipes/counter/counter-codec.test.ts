// The counter node's bytes: any value and recent-update list round-trips; the plain 8-byte form
// and an empty node read as values; malformed data is refused with CounterFormatError.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeCounter, encodeCounter, recentUpdatesLimit } from './counter-codec.js';
import { CounterFormatError } from './counter-errors.js';

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const updateId = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((bytes) => Buffer.from(bytes).toString('hex'));
const state = fc.record({
  value: int64,
  updates: fc.array(fc.record({ id: updateId, value: int64 }), { maxLength: recentUpdatesLimit }),
});
const options = { path: '/c', initialValue: 7n };

describe('counter codec', () => {
  test('every value and list of recent updates round-trips', () => {
    fc.assert(
      fc.property(state, (original) => {
        expect(decodeCounter(encodeCounter(original), options)).toEqual(original);
      }),
    );
  });

  test('the value is the first 8 bytes, big-endian', () => {
    const bytes = encodeCounter({ value: 258n, updates: [{ id: 'ab'.repeat(16), value: 1n }] });
    expect(bytes.readBigInt64BE(0)).toBe(258n);
  });

  test('no data reads as the initial value; 8 bytes as a plain value', () => {
    expect(decodeCounter(null, options)).toEqual({ value: 7n, updates: [] });
    expect(decodeCounter(Buffer.alloc(0), options)).toEqual({ value: 7n, updates: [] });
    const plain = Buffer.alloc(8);
    plain.writeBigInt64BE(-3n, 0);
    expect(decodeCounter(plain, options)).toEqual({ value: -3n, updates: [] });
  });

  test('refuses data that is not a counter', () => {
    const valid = encodeCounter({ value: 1n, updates: [{ id: '00'.repeat(16), value: 1n }] });
    const wrongFormat = Buffer.from(valid);
    wrongFormat.writeUInt8(2, 8);
    for (const data of [Buffer.from('hello'), wrongFormat, valid.subarray(0, valid.length - 1)]) {
      expect(() => decodeCounter(data, options)).toThrow(CounterFormatError);
    }
  });

  test('refuses an update id that is not 16 bytes of hex', () => {
    expect(() => encodeCounter({ value: 1n, updates: [{ id: 'abc', value: 1n }] })).toThrow(
      RangeError,
    );
  });
});
