// SessionTable tests: ZooKeeper's session id layout (SessionTrackerImpl.initializeNextSessionId),
// bucketed expiry (ExpiryQueue), touch/closing rules, the password test vector
// (ZooKeeperServer.generatePasswd) and timeout negotiation.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AssertionError } from '@zoo/client/protocol';
import {
  initialSessionId,
  negotiateTimeout,
  sessionPassword,
  SessionTable,
} from './session-table.js';

/** startMs whose low 40 bits give the observed first id 0x010000c117460000 (wire sheet §2.4). */
const observedStartMs = 0xc11746;

describe('SessionTable.nextSessionId: id layout (§2.4)', () => {
  test('reproduces the ids a real standalone server handed out', () => {
    const table = new SessionTable({ tickMs: 2000, serverId: 1, startMs: observedStartMs });
    expect(table.nextSessionId()).toBe(0x010000c117460000n);
    expect(table.nextSessionId()).toBe(0x010000c117460001n);
  });

  test('puts the server id in the top byte, 40 clock bits below it, 16 zero bits last', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 254 }), fc.nat(), (serverId, startMs) => {
        const id = BigInt.asUintN(64, initialSessionId(serverId, startMs));
        expect(id >> 56n).toBe(BigInt(serverId));
        expect((id >> 16n) & ((1n << 40n) - 1n)).toBe(BigInt(startMs) & ((1n << 40n) - 1n));
        expect(id & 0xffffn).toBe(0n);
      }),
    );
  });

  test('skips the container marker 0x8000000000000000', () => {
    const table = new SessionTable({ tickMs: 2000, serverId: 128, startMs: 0 });
    expect(table.nextSessionId()).toBe(BigInt.asIntN(64, 0x8000000000000001n));
  });

  test('never hands out 0', () => {
    const table = new SessionTable({ tickMs: 2000, serverId: 0, startMs: 0 });
    expect(table.nextSessionId()).toBe(1n);
  });

  test('ids are int64 (negative for server ids ≥ 128) and distinct', () => {
    const table = new SessionTable({ tickMs: 2000, serverId: 200, startMs: 12345 });
    const ids = Array.from({ length: 100 }, () => table.nextSessionId());
    expect(new Set(ids).size).toBe(100);
    for (const id of ids) {
      expect(id).toBeLessThan(0n);
      expect(BigInt.asUintN(64, id) >> 56n).toBe(200n);
    }
  });

  test('rejects server id 255 (its top byte would be the TTL marker)', () => {
    expect(() => new SessionTable({ tickMs: 2000, serverId: 255, startMs: 0 })).toThrow(
      AssertionError,
    );
  });
});

describe('SessionTable: bucketed expiry (ExpiryQueue.roundToNextInterval)', () => {
  test('expiry happens after timeout and no later than timeout + tick after the last touch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1e9 }),
        (tickMs, timeoutMs, touchMs) => {
          const table = new SessionTable({ tickMs, serverId: 1, startMs: 0 });
          table.add(7n, timeoutMs, 0);
          expect(table.touch(7n, touchMs)).toBe(true);
          const deadline = table.get(7n)?.expiresAtMs ?? Number.NaN;
          expect(deadline % tickMs).toBe(0);
          expect(deadline).toBeGreaterThan(touchMs + timeoutMs);
          expect(deadline).toBeLessThanOrEqual(touchMs + timeoutMs + tickMs);
          expect(table.expire(deadline - 1)).toEqual([]);
          expect(table.expire(deadline)).toEqual([7n]);
          table.invariants();
        },
      ),
    );
  });

  test('a touch before the deadline postpones expiry', () => {
    const table = new SessionTable({ tickMs: 2000, serverId: 1, startMs: 0 });
    table.add(1n, 4000, 0);
    expect(table.get(1n)?.expiresAtMs).toBe(6000);
    table.touch(1n, 5000);
    expect(table.expire(6000)).toEqual([]);
    expect(table.get(1n)?.expiresAtMs).toBe(10000);
    expect(table.expire(10000)).toEqual([1n]);
  });

  test('expire marks sessions closing, in deadline then id order, and returns each once', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
    table.add(9n, 3000, 0);
    table.add(5n, 3000, 0);
    table.add(2n, 5000, 0);
    table.add(1n, 20000, 0);
    expect(table.expire(10_000)).toEqual([5n, 9n, 2n]);
    expect(table.get(5n)?.isClosing).toBe(true);
    expect(table.get(1n)?.isClosing).toBe(false);
    expect(table.expire(10_000)).toEqual([]);
    expect(table.size).toBe(4);
    table.invariants();
  });

  test('a closing session is neither touched nor returned by expire', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
    table.add(3n, 2000, 0);
    table.setClosing(3n);
    expect(table.touch(3n, 500)).toBe(false);
    expect(table.expire(100_000)).toEqual([]);
    expect(table.get(3n)?.isClosing).toBe(true);
  });

  test('touch of an unknown session answers false', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
    expect(table.touch(42n, 0)).toBe(false);
  });

  test('remove forgets the session and its bucket entry', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
    table.add(3n, 2000, 0);
    table.remove(3n);
    expect(table.get(3n)).toBeUndefined();
    expect(table.size).toBe(0);
    expect(table.expire(100_000)).toEqual([]);
    table.invariants();
  });

  test('adding a known session (resume) takes the new timeout and refreshes its expiry', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
    table.add(3n, 2000, 0);
    table.add(3n, 10_000, 1500);
    expect(table.get(3n)).toEqual({
      sessionId: 3n,
      timeoutMs: 10_000,
      isClosing: false,
      expiresAtMs: 12_000,
    });
    expect(table.size).toBe(1);
    table.invariants();
  });

  test('sessions() lists every session by expiry then id', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
    table.add(8n, 5000, 0);
    table.add(4n, 2000, 0);
    table.add(6n, 5000, 0);
    expect([...table.sessions()].map((s) => s.sessionId)).toEqual([4n, 6n, 8n]);
  });

  test('hasRoom turns false at sessionsMax, but add still tracks committed sessions', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0, sessionsMax: 2 });
    table.add(1n, 2000, 0);
    expect(table.hasRoom()).toBe(true);
    table.add(2n, 2000, 0);
    expect(table.hasRoom()).toBe(false);
    table.add(3n, 2000, 0);
    expect(table.size).toBe(3);
  });

  test('random operations keep the buckets consistent', () => {
    const operation = fc.record({
      kind: fc.constantFrom('add', 'touch', 'close', 'remove', 'expire', 'reopen'),
      sessionId: fc.bigInt({ min: 1n, max: 6n }),
      timeoutMs: fc.integer({ min: 1, max: 9000 }),
      advanceMs: fc.integer({ min: 0, max: 3000 }),
    });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 50 }), (operations) => {
        const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
        let nowMs = 0;
        for (const o of operations) {
          nowMs += o.advanceMs;
          if (o.kind === 'add') table.add(o.sessionId, o.timeoutMs, nowMs);
          if (o.kind === 'touch') table.touch(o.sessionId, nowMs);
          if (o.kind === 'close') table.setClosing(o.sessionId);
          if (o.kind === 'remove') table.remove(o.sessionId);
          if (o.kind === 'reopen') table.reopenClosing(nowMs);
          if (o.kind === 'expire') {
            for (const id of table.expire(nowMs)) {
              expect(table.get(id)?.expiresAtMs).toBeLessThanOrEqual(nowMs);
            }
            // Whatever is still open after an expiry pass has a deadline in the future.
            for (const session of table.sessions()) {
              if (!session.isClosing) expect(session.expiresAtMs).toBeGreaterThan(nowMs);
            }
          }
          table.invariants();
        }
      }),
    );
  });
});

describe('sessionPassword (ZooKeeperServer.generatePasswd)', () => {
  test('matches the password a real server gave session 0x010000c117460000', () => {
    expect(sessionPassword(0x010000c117460000n).toString('hex')).toBe(
      '5882333b05c1bec1f6783fce56cd1d44',
    );
  });

  test('is 16 bytes, deterministic, and differs between neighbouring ids', () => {
    const first = sessionPassword(BigInt.asIntN(64, 0xc8000000000000ffn));
    expect(first).toHaveLength(16);
    expect(sessionPassword(BigInt.asIntN(64, 0xc8000000000000ffn))).toEqual(first);
    expect(sessionPassword(BigInt.asIntN(64, 0xc800000000000100n))).not.toEqual(first);
  });
});

describe('negotiateTimeout (ZooKeeperServer.processConnectRequest)', () => {
  test.each([
    [1000, 4000],
    [100_000, 40_000],
    [0, 4000],
    [-5, 4000],
    [30_000, 30_000],
  ])('requested %i ms with tickTime 2000 bounds gives %i ms', (requested, expected) => {
    expect(negotiateTimeout(requested, 4000, 40_000)).toBe(expected);
  });
});

describe('SessionTable.reopenClosing: closing marks do not outlive a leadership', () => {
  test('a session marked closing is tracked again and expires a full timeout later', () => {
    const table = new SessionTable({ tickMs: 1000, serverId: 1, startMs: 0 });
    table.add(7n, 4000, 0);
    table.add(8n, 4000, 0);
    expect(table.expire(5000)).toEqual([7n, 8n]); // both marked closing by expiry
    expect(table.touch(7n, 5000)).toBe(false);
    table.reopenClosing(6000);
    expect(table.get(7n)?.isClosing).toBe(false);
    expect(table.touch(8n, 8000)).toBe(true);
    expect(table.expire(9000)).toEqual([]);
    expect(table.expire(11_000)).toEqual([7n]);
  });
});
