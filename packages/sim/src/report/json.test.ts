// Tests for the report JSON: bigints and every string survive a write and a read.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fromJson, toJson } from './json.js';

/** JSON values plus bigints, without what JSON cannot hold (-0, NaN, undefined). */
const reportValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    fc.string(),
    fc.constantFrom('0x1fn', '-0x0n', '\\0xabn', '\\\\-0x2n', '0x', 'n', '0xZn'),
    fc.bigInt(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('report json', () => {
  test('round-trips any value made of JSON values and bigints', () => {
    fc.assert(
      fc.property(reportValue, (value) => {
        expect(fromJson(toJson(value))).toEqual(value);
        expect(fromJson(toJson(value, 2))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  test('writes bigints as hexadecimal tagged strings', () => {
    expect(toJson({ zxid: 0x100000002n, token: -255n })).toBe(
      '{"zxid":"0x100000002n","token":"-0xffn"}',
    );
  });

  test('reads a tagged string as a bigint and an escaped one as the string itself', () => {
    expect(fromJson('["0x2an", "\\\\0x2an", "0x2a"]')).toEqual([42n, '0x2an', '0x2a']);
  });

  test('keeps a string that looks like a tag a string after a round trip', () => {
    const value = { data: '0xdeadn', nested: ['\\0x1n'] };
    expect(fromJson(toJson(value))).toEqual(value);
  });

  test('refuses a value that is not JSON at all', () => {
    expect(() => toJson(undefined)).toThrow(TypeError);
  });
});
