// Tests for `--duration` parsing: units, compound durations, and clear refusals.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseDuration } from './parse-duration.js';

describe('parseDuration', () => {
  test.each([
    ['1500ms', 1500],
    ['60s', 60_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['0.1h', 360_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    [' 5s ', 5000],
    ['0s', 0],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each([
    ['', /empty/],
    ['60', /unit is required/],
    ['60x', /unexpected '60x'/],
    ['s', /unexpected 's'/],
    ['1s2', /unexpected '2'/],
    ['-5s', /unexpected '-5s'/],
    ['1.0001ms', /whole number of milliseconds/],
    ['5 s', /unexpected '5 s'/],
    ['99999999999999h', /too long/],
  ])('refuses %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  test('reads any whole number of milliseconds, seconds, minutes or hours', () => {
    const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.constantFrom('ms', 's', 'm', 'h'),
        (amount, unit: keyof typeof unitMs) => {
          expect(parseDuration(`${amount}${unit}`)).toBe(amount * unitMs[unit]);
        },
      ),
    );
  });
});
