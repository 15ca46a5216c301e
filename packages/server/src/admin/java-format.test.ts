// Tests of the Java-style printing the admin output depends on: Long.toHexString,
// Double.toString, Date.toString (UTC) and the version line.

import { describe, expect, test } from 'vitest';
import { formatVersion, javaDateUtc, javaDouble, javaHex } from './java-format.js';

describe('java-format', () => {
  test('javaHex prints lowercase two’s complement without padding', () => {
    expect(javaHex(3n)).toBe('3');
    expect(javaHex(0x100000c17920000n)).toBe('100000c17920000');
    expect(javaHex(-1n)).toBe('ffffffffffffffff');
    expect(javaHex(26)).toBe('1a');
  });

  test.each([
    [0, '0.0'],
    [4.3333, '4.3333'],
    [2, '2.0'],
    [0.5, '0.5'],
    [0.0001, '1.0E-4'],
    [0.00125, '0.00125'],
    [12345678, '1.2345678E7'],
    [1e21, '1.0E21'],
  ])('javaDouble(%d) is %s', (value, expected) => {
    expect(javaDouble(value)).toBe(expected);
  });

  test('javaDateUtc prints java.util.Date in UTC', () => {
    expect(javaDateUtc(Date.UTC(2026, 10, 25, 12, 58, 7))).toBe('Wed Nov 25 12:58:07 UTC 2026');
    expect(javaDateUtc(0)).toBe('Thu Jan 01 00:00:00 UTC 1970');
  });

  test('formatVersion makes srvr’s version line text', () => {
    expect(formatVersion('3.8.0-zoo', Date.UTC(2024, 11, 29, 17, 54))).toBe(
      '3.8.0-zoo, built on 2024-12-29 17:54 UTC',
    );
  });
});
