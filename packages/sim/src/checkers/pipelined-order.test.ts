// The order rules of pipelined sessions and the liveness rule each reject the history they must
// and accept the one they must, on hand-made histories.

import { describe, expect, test } from 'vitest';
import type { ServerEvent, SessionEntry, SessionLog } from '../history/history.js';
import { checkReplyOrder } from './reply-order.js';
import { checkCommitOrder } from './commit-order.js';
import { checkLiveness } from './liveness.js';
import type { InFlightRequest } from '../workload/in-flight-requests.js';

function reply(xid: number, zxid: bigint, name: string, connection = 1, err = 0): SessionEntry {
  return { type: 'reply', atMs: xid, connection, xid, zxid, err, call: { op: 'other', name } };
}

function log(entries: SessionEntry[]): SessionLog {
  return { process: 1, sessionId: 5n, entries };
}

describe('reply order', () => {
  test('replies in xid order and writes in zxid order pass', () => {
    const entries = [
      reply(1, 10n, 'setData'),
      reply(2, 10n, 'getData'),
      reply(3, 12n, 'create2'),
      reply(4, 12n, 'setData', 1, -101),
      reply(5, 14n, 'multi', 2),
    ];
    expect(checkReplyOrder([log(entries)])).toEqual([]);
  });

  test('a reply overtaking an earlier one on its connection is caught', () => {
    const found = checkReplyOrder([log([reply(2, 10n, 'getData'), reply(1, 10n, 'getData')])]);
    expect(found.map((v) => v.message)).toEqual([
      expect.stringMatching(/^ReplyOrder: session 0x5 \(process 1\): getData xid 1/),
    ]);
  });

  test('a later write that took effect first is caught, across connections too', () => {
    const entries = [reply(1, 12n, 'setData'), reply(2, 11n, 'delete', 2)];
    const found = checkReplyOrder([log(entries)]);
    expect(found.map((v) => v.message)).toEqual([
      expect.stringMatching(/^WriteOrder: .*delete xid 2 \(zxid 0xb.* but took effect before/),
    ]);
  });
});

function delivered(
  server: number,
  zxid: bigint,
  sessionId: bigint,
  cxid: number,
  fingerprint = '',
): ServerEvent {
  const origin = { sessionId, cxid };
  return { type: 'delivered', atMs: 0, server, incarnation: 1, zxid, fingerprint, origin };
}

describe('commit order', () => {
  test("each session's cxids increasing with the zxid pass; a restart starts over", () => {
    const events: ServerEvent[] = [
      delivered(1, 1n, 7n, 1),
      delivered(1, 2n, 8n, 1),
      delivered(1, 3n, 7n, 2),
      delivered(1, 4n, 7n, 0), // its closeSession: the server's own
      { type: 'started', atMs: 0, server: 1, incarnation: 2, fromZxid: 0n },
      delivered(1, 1n, 7n, 1),
    ];
    expect(checkCommitOrder(events)).toEqual([]);
  });

  test('a session whose later request was applied first is caught once', () => {
    const events = [delivered(2, 1n, 7n, 5), delivered(2, 2n, 7n, 4), delivered(2, 3n, 7n, 3)];
    const found = checkCommitOrder(events);
    expect(found.map((v) => v.message)).toEqual([
      'CommitOrder: session 0x7: s2 applied cxid 4 at zxid 0x2, after cxid 5 at zxid 0x1: ' +
        'its requests took effect out of the order it sent them',
    ]);
  });

  test('a late request refused as SessionMoved took no effect; any other error txn counts', () => {
    const txn = (zxid: number, cxid: number, body: string) =>
      `txn 0x${zxid.toString(16)} s=0x7 cxid=${cxid} t=1 ${body} `;
    const moved = [
      delivered(2, 1n, 7n, 7, txn(1, 7, 'setData /c v=2 data=0B')),
      delivered(2, 2n, 7n, 5, txn(2, 5, 'error -118')),
    ];
    expect(checkCommitOrder(moved)).toEqual([]);
    const late = [moved[0], delivered(2, 2n, 7n, 5, txn(2, 5, 'error -103'))];
    expect(checkCommitOrder(late.filter((e) => e !== undefined))).toHaveLength(1);
  });
});

describe('liveness', () => {
  const request: InFlightRequest = {
    process: 3,
    sessionId: 9n,
    connection: 2,
    server: 's2',
    xid: 17,
    name: 'setData',
    sentMs: 1_000,
  };
  const base = { healMs: 10_000, boundMs: 40_000, probes: [] };

  test('a request still waiting a bound after the heal, its connection open, is caught', () => {
    expect(checkLiveness({ ...base, nowMs: 49_999, waiting: [request] })).toEqual([]);
    const found = checkLiveness({ ...base, nowMs: 50_000, waiting: [request] });
    expect(found.map((v) => v.message)).toEqual([
      'c3 session 0x9: setData (xid 17) sent at 1000ms on connection 2 to s2 still had no ' +
        'reply at 50000ms, 40000 ms after the heal, and its connection stayed open',
    ]);
  });

  test('a probe unanswered or answered too late is caught; one answered in time passes', () => {
    const probe = { process: 4, sessionId: 9n, startMs: 10_000 };
    const answered = { ...probe, completeMs: 12_000, ending: 'answered' as const };
    const late = { ...probe, completeMs: 51_000, ending: 'answered' as const };
    const waiting = { ...probe, completeMs: null, ending: null };
    const input = { ...base, nowMs: 50_000, waiting: [] };
    expect(checkLiveness({ ...input, probes: [answered] })).toEqual([]);
    expect(checkLiveness({ ...input, nowMs: 49_000, probes: [waiting] })).toEqual([]);
    const found = checkLiveness({ ...input, probes: [late, waiting] });
    expect(found.map((v) => v.checker)).toEqual(['liveness', 'liveness']);
    expect(found[0]?.message).toMatch(/^c4 session 0x9: .* took 41000 ms \(bound 40000 ms\)/);
    expect(found[1]?.message).toMatch(/were still unanswered at 50000ms$/);
  });
});
