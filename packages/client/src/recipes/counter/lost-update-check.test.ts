// What a fresh read says about an update whose reply was lost: applied (its id is listed),
// certainly not applied, a read that lags, or unknown (pushed out of the recent list) — also
// across the wrap of ZooKeeper's int32 version.

import { describe, expect, test } from 'vitest';
import type { CounterUpdate } from './counter-codec.js';
import { LostUpdateCheck } from './lost-update-check.js';

const mine = 'aa'.repeat(16);
const others = (count: number): CounterUpdate[] =>
  Array.from({ length: count }, (_, i) => ({ id: i.toString(16).padStart(32, '0'), value: 0n }));

function checkLostAt(expectedVersion: number): LostUpdateCheck {
  const check = new LostUpdateCheck(mine);
  check.lost(expectedVersion);
  return check;
}

describe('LostUpdateCheck', () => {
  test('nothing lost: any read allows a write', () => {
    const check = new LostUpdateCheck(mine);
    expect(check.judge({ version: 9, state: { value: 0n, updates: [] } })).toEqual({
      type: 'notApplied',
    });
  });

  test('its id listed: applied, with the value it produced', () => {
    const updates = [...others(2), { id: mine, value: 41n }, ...others(1)];
    const verdict = checkLostAt(5).judge({ version: 8, state: { value: 50n, updates } });
    expect(verdict).toEqual({ type: 'applied', value: 41n });
  });

  test('absent while the list still covers every update since: not applied', () => {
    const check = checkLostAt(5);
    expect(check.judge({ version: 8, state: { value: 0n, updates: others(3) } })).toEqual({
      type: 'notApplied',
    });
    expect(check.isResolved).toBe(true);
  });

  test('absent at the version it expected: not applied yet, and still open', () => {
    const check = checkLostAt(5);
    expect(check.judge({ version: 5, state: { value: 0n, updates: others(3) } }).type).toBe(
      'notApplied',
    );
    expect(check.isResolved).toBe(false);
  });

  test('absent with more updates since than the list holds: unknown', () => {
    const verdict = checkLostAt(5).judge({ version: 9, state: { value: 0n, updates: others(3) } });
    expect(verdict).toEqual({ type: 'unknown', expectedVersion: 5, version: 9 });
  });

  test('a read older than the write it judges: behind', () => {
    expect(checkLostAt(5).judge({ version: 4, state: { value: 0n, updates: [] } }).type).toBe(
      'behind',
    );
  });

  test('versions compare across the int32 wrap', () => {
    const maxVersion = 2 ** 31 - 1;
    const wrapped = -(2 ** 31) + 1; // two updates after maxVersion
    const check = checkLostAt(maxVersion);
    expect(check.judge({ version: wrapped, state: { value: 0n, updates: others(2) } }).type).toBe(
      'notApplied',
    );
    const pushedOut = checkLostAt(maxVersion).judge({
      version: wrapped,
      state: { value: 0n, updates: others(1) },
    });
    expect(pushedOut.type).toBe('unknown');
  });

  test('a lost create: a missing node keeps it open; a node created by others closes it', () => {
    const check = checkLostAt(-1);
    expect(check.judge({ version: null, state: { value: 0n, updates: [] } }).type).toBe(
      'notApplied',
    );
    expect(check.isResolved).toBe(false);
    expect(check.judge({ version: 0, state: { value: 1n, updates: others(1) } }).type).toBe(
      'notApplied',
    );
    expect(check.isResolved).toBe(true);
  });
});
