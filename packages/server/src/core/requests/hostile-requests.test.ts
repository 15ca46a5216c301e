// Request sequences a hostile or confused client can send on its connections: repeated xids,
// writes mixed with bodies that fail to parse, a session resumed on a new connection while the
// old one's writes are in flight, closes in between. None may reach an assertion of the core;
// every request the server took is answered once, in order, by its own txn.

import fc from 'fast-check';
import { multiArbitrary, writeRequestArbitraries } from '@zoo/client/protocol/testing';
import { describe, expect, test } from 'vitest';
import { ErrorCode, OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { CreateRequest, Request } from '@zoo/client/protocol';
import { PeerHarness } from '../testing/peer-harness.js';
import { StandaloneReplication } from '../replication/standalone-replication.js';
import type { ReplicationEffect, ReplicationRole } from '../replication/replication.js';

/**
 * A follower as the request pipeline sees it: it forwards writes and syncs, and replication's
 * answers (syncDone, committed txns) come out of its next tick, as the test queues them. It
 * leads until told otherwise, so that sessions can be created first.
 */
class ScriptedFollower extends StandaloneReplication {
  override role: ReplicationRole = 'leading';
  readonly queued: ReplicationEffect[] = [];

  override forward(): void {}

  override sync(): ReplicationEffect[] {
    return this.role === 'leading' ? super.sync({ sessionId: 0n, cxid: 0 }, '') : [];
  }

  override tick(): ReplicationEffect[] {
    return this.queued.splice(0);
  }

  /** Its txns come from the script, not from its own proposals: nothing to check. */
  override invariants(): void {}
}

const create = (path: string): CreateRequest => ({
  type: 'create',
  variant: 'create',
  path,
  data: Buffer.from('x'),
  acl: [...OPEN_ACL_UNSAFE],
  flags: 0,
  ttl: -1n,
});
const setData = (path: string): Request => ({ type: 'setData', path, data: null, version: -1 });

function repliesTo(harness: PeerHarness, connectionId: number): Array<[number, number]> {
  return harness.messages.flatMap((m) =>
    m.kind === 'reply' && m.connectionId === connectionId
      ? [[m.reply.header.xid, m.reply.header.err] as [number, number]]
      : [],
  );
}

describe('hostile request sequences', () => {
  test('a session resumed while an old connection has a write in flight answers its own', () => {
    // Found by fuzzing `pnpm start --servers 1`: the old connection's committed create was taken
    // for the new connection's write of the same xid, whose queue held another write at its head,
    // and an assertion took the whole server down.
    const harness = new PeerHarness();
    const old = harness.session();
    harness.send(old.connectionId, 5, create('/a'));
    const fresh = harness.open();
    harness.peer.step({
      type: 'connect',
      connectionId: fresh,
      request: {
        protocolVersion: 0,
        lastZxidSeen: 0n,
        timeoutMs: 10_000,
        sessionId: old.sessionId,
        passwd: old.passwd,
      },
    });
    harness.send(fresh, 9, setData('/'));
    harness.send(fresh, 5, create('/b'));
    harness.settle();
    expect(repliesTo(harness, fresh)).toEqual([
      [9, ErrorCode.Ok],
      [5, ErrorCode.Ok],
    ]);
    // The old connection was closed when the session moved: its create applied, unanswered.
    expect(repliesTo(harness, old.connectionId)).toEqual([]);
    expect(harness.peer.tree.getNode('/a')).toBeDefined();
    expect(harness.peer.tree.getNode('/b')).toBeDefined();
    expect(harness.peer.pipeline.pendingOriginCount).toBe(0);
  });

  test('writes that repeat an xid on one connection are each answered by their own txn', () => {
    const harness = new PeerHarness();
    const { connectionId } = harness.session();
    harness.send(connectionId, 5, create('/a'));
    harness.send(connectionId, 5, setData('/a'));
    harness.send(connectionId, 5, { type: 'delete', path: '/missing', version: -1 });
    harness.settle();
    expect(repliesTo(harness, connectionId)).toEqual([
      [5, ErrorCode.Ok],
      [5, ErrorCode.Ok],
      [5, ErrorCode.NoNode],
    ]);
    expect(harness.peer.pipeline.pendingOriginCount).toBe(0);
  });
});

/** One step of a hostile client script, on connection slot `slot` (0..2). */
type Command =
  | { kind: 'send'; slot: number; xid: number; request: Request }
  | { kind: 'malformed'; slot: number; xid: number; opCode: number }
  | { kind: 'unknownOp'; slot: number; xid: number }
  | { kind: 'reconnect'; slot: number; withSession: boolean }
  | { kind: 'drop'; slot: number }
  | { kind: 'settle' }
  | { kind: 'advance'; ms: number };

const paths = ['/a', '/a/b', '/c', '/'];
const xidArbitrary = fc.integer({ min: 1, max: 3 });
const pathArbitrary = fc.constantFrom(...paths);
// Writes over a few paths whose versions and data vary (the shared write generators), so that
// requests succeed and fail in every way; plus the reads, syncs and closes a script interleaves.
const writes = writeRequestArbitraries({
  path: pathArbitrary,
  data: fc.option(fc.constant(Buffer.from('x')), { nil: null }),
  version: fc.constantFrom(-1, -1, 0, 1),
  acl: fc.constant([...OPEN_ACL_UNSAFE]),
  create: pathArbitrary.map(create),
});
const requestArbitrary: fc.Arbitrary<Request> = fc.oneof(
  writes.create,
  writes.setData,
  writes.delete,
  multiArbitrary(writes.multiOp, 3),
  pathArbitrary.map((path): Request => ({ type: 'getData', path, watch: true })),
  pathArbitrary.map((path): Request => ({ type: 'sync', path })),
  fc.constant<Request>({ type: 'closeSession' }),
);
const slotArbitrary = fc.integer({ min: 0, max: 2 });
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      slot: slotArbitrary,
      xid: xidArbitrary,
      request: requestArbitrary,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('malformed' as const),
      slot: slotArbitrary,
      xid: xidArbitrary,
      opCode: fc.constantFrom(1, 5, 14),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unknownOp' as const),
      slot: slotArbitrary,
      xid: xidArbitrary,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reconnect' as const),
      slot: slotArbitrary,
      withSession: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), slot: slotArbitrary }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'settle' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 1, max: 15_000 }),
    }),
  },
);

/** Runs a script; every core step checks its invariants (the harness calls them per Ready). */
function runScript(commands: readonly Command[]): PeerHarness {
  const harness = new PeerHarness();
  let lastSession: { sessionId: bigint; passwd: Buffer } | null = null;
  const slots: Array<number | null> = [null, null, null];
  for (const command of commands) {
    switch (command.kind) {
      case 'send':
      case 'malformed':
      case 'unknownOp': {
        const connectionId = slots[command.slot];
        if (connectionId === null || connectionId === undefined) break;
        if (command.kind === 'send') harness.send(connectionId, command.xid, command.request);
        else if (command.kind === 'malformed')
          harness.peer.step({
            type: 'malformedRequest',
            connectionId,
            xid: command.xid,
            opCode: command.opCode,
            reason: 'fuzzed body',
          });
        else harness.peer.step({ type: 'unknownOp', connectionId, xid: command.xid, opCode: 99 });
        break;
      }
      case 'reconnect': {
        const connectionId = harness.open();
        const resume = command.withSession ? lastSession : null;
        harness.peer.step({
          type: 'connect',
          connectionId,
          request: {
            protocolVersion: 0,
            lastZxidSeen: 0n,
            timeoutMs: 4_000,
            sessionId: resume?.sessionId ?? 0n,
            passwd: resume?.passwd ?? Buffer.alloc(16),
          },
        });
        slots[command.slot] = connectionId;
        break;
      }
      case 'drop': {
        const connectionId = slots[command.slot];
        if (connectionId === null || connectionId === undefined) break;
        harness.peer.step({ type: 'connectionClosed', connectionId });
        slots[command.slot] = null;
        break;
      }
      case 'settle':
        harness.settle();
        break;
      case 'advance':
        harness.advance(command.ms);
        break;
    }
    for (const message of harness.messages) {
      if (message.kind === 'connectResponse' && message.response.sessionId !== 0n)
        lastSession = { sessionId: message.response.sessionId, passwd: message.response.passwd };
    }
  }
  harness.settle();
  return harness;
}

describe('hostile request sequences, generated', () => {
  test('no script reaches an assertion, and every open connection is answered up to date', () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { minLength: 1, maxLength: 60 }), (commands) => {
        const harness = runScript(commands);
        for (const connection of harness.peer.connections.values()) {
          if (connection.phase !== 'established') continue;
          // A standalone server has applied everything once settled: nothing may still wait.
          expect(connection.queue, `connection ${connection.id}`).toEqual([]);
        }
        // Every local write found its txn: none waits for one that has already been applied.
        expect(harness.peer.pipeline.pendingOriginCount).toBe(0);
      }),
      { numRuns: 400, seed: 20261206 },
    );
  });

  test('a learner answers two syncs of one xid, each by its own syncDone, around writes', () => {
    // Found by the frame fuzz against a follower: the second syncDone marked the first sync
    // (already done, still waiting behind a write) instead of the second, which then sat undone
    // at the head of the queue when the next write committed: an assertion took the server down.
    let follower: ScriptedFollower | null = null;
    const harness = new PeerHarness({}, (state) => {
      follower = new ScriptedFollower(1, state);
      return follower;
    });
    const { connectionId, sessionId } = harness.session();
    const scripted = follower as ScriptedFollower | null;
    if (scripted === null) throw new Error('no replication');
    scripted.role = 'following';
    let zxid = harness.peer.lastZxid;
    const commit = (cxid: number): ReplicationEffect => {
      zxid += 1n;
      const body = { type: 'error' as const, err: ErrorCode.NoNode };
      return { type: 'apply', txn: { zxid, timeMs: 0, sessionId, cxid, body } };
    };
    const syncDone: ReplicationEffect = {
      type: 'syncDone',
      origin: { sessionId, cxid: 10 },
      path: '/',
    };
    const step = (effect: ReplicationEffect): void => {
      scripted.queued.push(effect);
      harness.advance(1);
    };
    harness.send(connectionId, 2, setData('/missing'));
    harness.send(connectionId, 10, { type: 'sync', path: '/' });
    step(syncDone);
    harness.send(connectionId, 10, { type: 'sync', path: '/' });
    step(syncDone);
    step(commit(2));
    harness.send(connectionId, 7, setData('/missing'));
    step(commit(7));
    expect(repliesTo(harness, connectionId)).toEqual([
      [2, ErrorCode.NoNode],
      [10, ErrorCode.Ok],
      [10, ErrorCode.Ok],
      [7, ErrorCode.NoNode],
    ]);
  });
});
