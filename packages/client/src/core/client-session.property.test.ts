// Property test: ClientSession under random schedules of calls, replies, drops, handshakes
// and clock ticks completes every call exactly once and keeps its invariants.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ErrorCode, EventType } from '../protocol/index.js';
import { SessionHarness, statOf } from './testing/session-harness.js';

type Command =
  | { type: 'submit'; path: string; watch: boolean }
  | { type: 'replyOldest'; err: number }
  | { type: 'notify'; path: string }
  | { type: 'drop' }
  | { type: 'handshake' }
  | { type: 'advance'; ms: number }
  | { type: 'flush' };

const path = fc.constantFrom('/a', '/b', '/a/c');
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant('submit' as const), path, watch: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('replyOldest' as const),
      err: fc.constantFrom(ErrorCode.Ok, ErrorCode.NoNode),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('notify' as const), path }) },
  { weight: 1, arbitrary: fc.constant({ type: 'drop' as const }) },
  { weight: 2, arbitrary: fc.constant({ type: 'handshake' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.nat(15_000) }),
  },
  { weight: 2, arbitrary: fc.constant({ type: 'flush' as const }) },
);

function run(h: SessionHarness, commands: readonly Command[], expireAt: number | null): number {
  let submitted = 0;
  commands.forEach((c, index) => {
    const connecting = h.session.state === 'connecting' && h.session.nextDeadlineMs() !== null;
    switch (c.type) {
      case 'submit':
        h.session.submit({
          request: { type: 'getData', path: c.path, watch: c.watch },
          token: `t${submitted++}`,
          ...(c.watch ? { watcher: `w${submitted}` } : {}),
        });
        break;
      case 'replyOldest': {
        const xid = h.session.inFlightXids[0];
        if (xid === undefined) break;
        h.flush();
        const body =
          c.err === ErrorCode.Ok ? { type: 'getData' as const, data: null, stat: statOf() } : null;
        h.reply({ xid, err: c.err, body, zxid: BigInt(index) });
        break;
      }
      case 'notify':
        if (h.session.connectedServer !== null) h.notify(EventType.nodeDataChanged, c.path);
        break;
      case 'drop':
        if (h.session.nextDeadlineMs() !== null && hasConnection(h)) h.closeTransport();
        break;
      case 'handshake':
        if (connecting && hasConnection(h) && h.session.connectedServer === null) {
          if (expireAt !== null && index >= expireAt) h.rejectHandshakeAsExpired();
          else h.acceptHandshake();
        }
        break;
      case 'advance':
        h.advance(c.ms);
        break;
      case 'flush':
        h.flush();
        break;
    }
    h.session.invariants();
  });
  return submitted;
}

function hasConnection(h: SessionHarness): boolean {
  const outputs = h.log;
  let open = false;
  for (const o of outputs) {
    if (o.type === 'connect') open = true;
    if (o.type === 'disconnect') open = false;
  }
  return open;
}

describe('ClientSession under random schedules', () => {
  test('every call completes exactly once, xids ascend on the wire, invariants hold', () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 80 }),
        fc.option(fc.nat(80), { nil: null }),
        (commands, expireAt) => {
          const h = new SessionHarness({ reconnectDelayMaxMs: 100 });
          h.advance(0);
          const submitted = run(h, commands, expireAt);
          h.session.close('close', h.nowMs);
          h.outputs();
          if (h.session.state === 'closing') h.closeTransport();
          expect(['closed', 'expired']).toContain(h.session.state);
          const completed = h.log.flatMap((o) => (o.type === 'complete' ? [o.token] : []));
          const expected = Array.from({ length: submitted }, (_, i) => `t${i}`);
          expect([...completed].sort()).toEqual([...expected, 'close'].sort());
          for (let id = 1; id <= h.connectionId; id++) {
            const xids = h
              .requests(id)
              .map((r) => r.xid)
              .filter((x) => x > 0);
            expect(xids).toEqual([...xids].sort((a, b) => a - b));
          }
          expect(h.session.watchCount).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
