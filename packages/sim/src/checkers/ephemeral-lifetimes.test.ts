import { describe, expect, test } from 'vitest';
import type { Txn, TxnBody } from '@zoo/server/internals';
import { EphemeralLifetimes, type EphemeralTree } from './ephemeral-lifetimes.js';

function txn(zxid: bigint, sessionId: bigint, body: TxnBody): Txn {
  return { zxid, timeMs: 0, sessionId, cxid: 0, body };
}

function treeAt(lastZxid: bigint, ephemerals: Record<string, string[]>): EphemeralTree {
  return {
    lastZxid,
    ephemeralsOf: (sessionId) => new Set(ephemerals[sessionId.toString()] ?? []),
  };
}

const close = (zxid: bigint, sessionId: bigint): Txn =>
  txn(zxid, sessionId, { type: 'closeSession', ephemeralPaths: [] });

describe('EphemeralLifetimes', () => {
  test('rejects an ephemeral a member holds after applying its session close', () => {
    const lifetimes = new EphemeralLifetimes();
    lifetimes.delivered(close(10n, 5n));
    const violations = lifetimes.check(3, treeAt(11n, { '5': ['/e/b', '/e/a'] }));
    expect(violations).toEqual([
      {
        checker: 'ephemerals',
        message: 's3 at 0xb holds /e/a, /e/b of session 0x5, closed at 0xa',
      },
    ]);
    // Reported once per member and session, however often it is checked.
    expect(lifetimes.check(3, treeAt(12n, { '5': ['/e/a'] }))).toEqual([]);
    expect(lifetimes.check(1, treeAt(12n, { '5': ['/e/a'] }))).toHaveLength(1);
  });

  test('accepts ephemerals of a member not yet past the close, and of live sessions', () => {
    const lifetimes = new EphemeralLifetimes();
    lifetimes.delivered(close(10n, 5n));
    lifetimes.delivered(txn(11n, 6n, { type: 'createSession', timeoutMs: 4000 }));
    expect(lifetimes.check(1, treeAt(9n, { '5': ['/e/a'] }))).toEqual([]);
    expect(lifetimes.check(1, treeAt(20n, { '6': ['/e/c'] }))).toEqual([]);
    expect(lifetimes.check(1, treeAt(20n, {}))).toEqual([]);
  });

  test('counts a session over from its first close any member delivered', () => {
    const lifetimes = new EphemeralLifetimes();
    lifetimes.delivered(close(30n, 5n));
    lifetimes.delivered(close(10n, 5n));
    expect(lifetimes.check(2, treeAt(15n, { '5': ['/e/a'] }))).toHaveLength(1);
  });
});
