import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type {
  Outcome,
  RegisterState,
  ZnodeCall,
  ZnodeOp,
  ZnodeOpValue,
} from '../history/history.js';
import { checkSessionOrder } from './session-order.js';

const zx = (counter: number): bigint => (1n << 32n) | BigInt(counter);

type Spec = { call: ZnodeCall; outcome: Outcome<ZnodeOpValue>; invokeMs: number } & Partial<
  Pick<ZnodeOp, 'process' | 'sessionId'>
>;

/** Numbers ops in order; process 1 on session 0x1 unless told otherwise. */
function history(...specs: Spec[]): ZnodeOp[] {
  return specs.map((spec, id) => ({ id, process: 1, sessionId: 1n, ...spec }));
}

const ok = (completeMs: number, value: ZnodeOpValue = {}): Outcome<ZnodeOpValue> => ({
  type: 'ok',
  value,
  completeMs,
});
const failed = (completeMs: number, code = -101): Outcome<ZnodeOpValue> => ({
  type: 'fail',
  code,
  completeMs,
});
const unknown: Outcome<ZnodeOpValue> = { type: 'unknown', reason: 'connection loss' };

const create = (path: string, data: string): ZnodeCall => ({ kind: 'create', path, data });
const set = (path: string, data: string, expectedVersion = -1): ZnodeCall => ({
  kind: 'set',
  path,
  data,
  expectedVersion,
});
const read = (path: string): ZnodeCall => ({ kind: 'read', path });
const seen = (state: RegisterState, mzxid: bigint | null): ZnodeOpValue => ({ state, mzxid });

/** A session that creates /a, reads it, sets it, and reads it again. */
function healthy(): ZnodeOp[] {
  return history(
    { call: create('/a', 'a0'), invokeMs: 0, outcome: ok(1, { version: 0, mzxid: zx(1) }) },
    { call: read('/a'), invokeMs: 2, outcome: ok(3, seen({ data: 'a0', version: 0 }, zx(1))) },
    { call: set('/a', 'a1', 0), invokeMs: 4, outcome: ok(5, { version: 1, mzxid: zx(2) }) },
    { call: read('/a'), invokeMs: 6, outcome: ok(7, seen({ data: 'a1', version: 1 }, zx(2))) },
  );
}

function rules(ops: readonly ZnodeOp[]): string[] {
  return checkSessionOrder(ops).map((v) => v.message.split(':')[0] ?? '');
}

describe('checkSessionOrder accepts valid histories', () => {
  test('accepts a session that reads its own writes in order', () => {
    expect(checkSessionOrder(healthy())).toEqual([]);
  });

  test('accepts another session reading an older state (reads are not linearizable)', () => {
    const stale = { data: 'a0', version: 0 };
    const ops = healthy().concat(
      history({ call: read('/a'), invokeMs: 8, outcome: ok(9, seen(stale, zx(1))), sessionId: 2n }),
    );
    expect(checkSessionOrder(ops.map((op, id) => ({ ...op, id })))).toEqual([]);
  });

  test('accepts pipelined ops that complete in invoke order, ignoring unknown ones', () => {
    const ops = history(
      { call: create('/a', 'a0'), invokeMs: 0, outcome: ok(5, { mzxid: zx(1) }) },
      { call: set('/a', 'lost'), invokeMs: 1, outcome: unknown },
      { call: read('/a'), invokeMs: 2, outcome: ok(6, seen({ data: 'lost', version: 1 }, zx(2))) },
      { call: read('/b'), invokeMs: 3, outcome: failed(6) },
      { call: read('/a'), invokeMs: 4, outcome: ok(7, seen(null, null)) },
    );
    expect(checkSessionOrder(ops)).toEqual([]);
  });

  test('skips session rules for ops without a session', () => {
    const ops = history(
      { call: read('/a'), invokeMs: 0, outcome: ok(9, seen(null, zx(5))), sessionId: null },
      { call: read('/a'), invokeMs: 1, outcome: ok(2, seen(null, zx(1))), sessionId: null },
    );
    expect(checkSessionOrder(ops)).toEqual([]);
  });
});

const v0 = { data: 'a0', version: 0 };
const cases: { name: string; rule: string; ops: ZnodeOp[]; mentions: string[] }[] = [
  {
    name: 'a later op completes before an earlier one',
    rule: 'FIFO',
    ops: history(
      { call: create('/a', 'a0'), invokeMs: 0, outcome: ok(9) },
      { call: read('/a'), invokeMs: 1, outcome: ok(5, seen(v0, zx(1))) },
    ),
    mentions: ['session 0x1 (process 1)', 'op #1', 'completed at 5ms', 'op #0'],
  },
  {
    name: 'a read sees an older mzxid than an earlier read',
    rule: 'MonotonicReads',
    ops: history(
      { call: create('/a', 'a0'), invokeMs: 0, outcome: ok(1, { mzxid: zx(1) }) },
      { call: set('/a', 'a1'), invokeMs: 2, outcome: unknown },
      { call: read('/a'), invokeMs: 4, outcome: ok(5, seen({ data: 'a1', version: 1 }, zx(3))) },
      { call: read('/a'), invokeMs: 6, outcome: ok(7, seen(v0, zx(1))) },
    ),
    mentions: ['op #3', 'saw mzxid 0x100000001', 'op #2', 'had seen 0x100000003'],
  },
  {
    name: 'a read misses the session’s own acknowledged write',
    rule: 'ReadYourWrites',
    ops: history(
      { call: create('/a', 'a0'), invokeMs: 0, outcome: ok(1, { mzxid: zx(1) }) },
      { call: set('/a', 'a1'), invokeMs: 2, outcome: ok(3, { version: 1, mzxid: zx(2) }) },
      { call: read('/a'), invokeMs: 4, outcome: ok(5, seen(v0, zx(1))) },
    ),
    mentions: ['op #2 (read /a', 'op #1 (set /a', 'had seen 0x100000002'],
  },
  {
    name: 'a read returns data nobody wrote',
    rule: 'ReadIntegrity',
    ops: history({ call: read('/a'), invokeMs: 0, outcome: ok(1, seen(v0, zx(1))) }),
    mentions: ["data 'a0'", 'no create or set wrote'],
  },
  {
    name: 'a read returns data only a failed write wrote',
    rule: 'ReadIntegrity',
    ops: history(
      { call: create('/a', 'a0'), invokeMs: 0, outcome: failed(1, -110) },
      { call: read('/a'), invokeMs: 2, outcome: ok(3, seen(v0, zx(1))) },
    ),
    mentions: ['op #1 (read /a', 'only op #0', 'failed (-110)'],
  },
  {
    name: 'a read returns data written to another path',
    rule: 'ReadIntegrity',
    ops: history(
      { call: create('/b', 'a0'), invokeMs: 0, outcome: ok(1) },
      { call: read('/a'), invokeMs: 2, outcome: ok(3, seen(v0, zx(1))) },
    ),
    mentions: ['op #0 (create /b'],
  },
  {
    name: 'a read returns data of a write invoked after the read completed',
    rule: 'ReadIntegrity',
    ops: history(
      { call: read('/a'), invokeMs: 0, outcome: ok(1, seen(v0, zx(1))), sessionId: 2n },
      { call: create('/a', 'a0'), invokeMs: 2, outcome: unknown },
    ),
    mentions: ['invoked after the read completed'],
  },
  {
    name: 'a read sees a create’s data at a version other than 0',
    rule: 'ReadIntegrity',
    ops: history(
      { call: create('/a', 'a0'), invokeMs: 0, outcome: ok(1) },
      { call: read('/a'), invokeMs: 2, outcome: ok(3, seen({ data: 'a0', version: 2 }, null)) },
    ),
    mentions: ['at version 2', 'left it at version 0'],
  },
  {
    name: 'a read sees an acknowledged set’s data at another version',
    rule: 'ReadIntegrity',
    ops: history(
      { call: set('/a', 'a1'), invokeMs: 0, outcome: ok(1, { version: 4 }) },
      { call: read('/a'), invokeMs: 2, outcome: ok(3, seen({ data: 'a1', version: 3 }, null)) },
    ),
    mentions: ['at version 3', 'left it at version 4'],
  },
  {
    name: 'a read sees an unknown conditional set’s data at another version',
    rule: 'ReadIntegrity',
    ops: history(
      { call: set('/a', 'a1', 2), invokeMs: 0, outcome: unknown },
      { call: read('/a'), invokeMs: 2, outcome: ok(3, seen({ data: 'a1', version: 2 }, null)) },
    ),
    mentions: ['left it at version 3'],
  },
  {
    name: 'a read sees an unknown blind set’s data at version 0',
    rule: 'ReadIntegrity',
    ops: history(
      { call: set('/a', 'a1'), invokeMs: 0, outcome: unknown },
      { call: read('/a'), invokeMs: 2, outcome: ok(3, seen({ data: 'a1', version: 0 }, null)) },
    ),
    mentions: ['version 1 or more'],
  },
];

describe('checkSessionOrder rejects broken histories', () => {
  test.each(cases)('$rule: rejects a history where $name', ({ rule, ops, mentions }) => {
    const violations = checkSessionOrder(ops);
    const ours = violations.filter((v) => v.message.startsWith(`${rule}: `));
    expect(ours.length).toBeGreaterThan(0);
    for (const v of violations) expect(v.checker).toBe('session');
    const text = ours.map((v) => v.message).join('\n');
    for (const mention of mentions) expect(text).toContain(mention);
  });

  test('rejects a backwards mzxid on a syncRead too', () => {
    const ops = healthy().concat(
      history({
        call: { kind: 'syncRead', path: '/a' },
        invokeMs: 8,
        outcome: ok(9, seen(null, zx(1))),
      }),
    );
    expect(rules(ops.map((op, id) => ({ ...op, id })))).toEqual(['MonotonicReads']);
  });
});

// A valid history drawn at random: a sequential store (one global zxid counter) serving three
// sessions one op at a time, some writes losing their answer (applied or not).
const commandArb = fc.record({
  session: fc.integer({ min: 1, max: 3 }),
  kind: fc.constantFrom('create', 'set', 'delete', 'read', 'syncRead'),
  path: fc.constantFrom('/a', '/b'),
  conditional: fc.boolean(),
  lost: fc.constantFrom('no', 'no', 'applied', 'dropped'),
});
type Command = typeof commandArb extends fc.Arbitrary<infer T> ? T : never;
type Node = { data: string; version: number; mzxid: bigint };

function applyCommand(
  command: Command,
  state: Map<string, Node>,
  next: { zxid: bigint; id: number },
): { call: ZnodeCall; outcome: Outcome<ZnodeOpValue> } {
  const { kind, path } = command;
  const node = state.get(path);
  const completeMs = next.id * 2 + 1;
  const data = `d${next.id}`;
  const call: ZnodeCall =
    kind === 'create'
      ? create(path, data)
      : kind === 'set'
        ? set(path, data, command.conditional && node ? node.version : -1)
        : kind === 'delete'
          ? { kind, path, expectedVersion: -1 }
          : { kind, path };
  if (kind === 'read' || kind === 'syncRead') {
    const shown = node ? { data: node.data, version: node.version } : null;
    return { call, outcome: ok(completeMs, seen(shown, node?.mzxid ?? null)) };
  }
  if ((kind === 'create') === (node !== undefined)) return { call, outcome: failed(completeMs) };
  const lost = command.lost !== 'no';
  if (command.lost === 'dropped') return { call, outcome: unknown };
  next.zxid += 1n;
  const value: ZnodeOpValue = { mzxid: kind === 'delete' ? null : next.zxid };
  if (kind === 'delete') state.delete(path);
  else state.set(path, { data, version: node ? node.version + 1 : 0, mzxid: next.zxid });
  return { call, outcome: lost ? unknown : ok(completeMs, value) };
}

function validHistory(commands: readonly Command[]): ZnodeOp[] {
  const state = new Map<string, Node>();
  const next = { zxid: 0n, id: 0 };
  return commands.map((command, id) => {
    next.id = id;
    const { call, outcome } = applyCommand(command, state, next);
    const sessionId = BigInt(command.session);
    return { id, process: command.session, sessionId, invokeMs: id * 2, call, outcome };
  });
}

const isOkRead = (op: ZnodeOp): boolean =>
  (op.call.kind === 'read' || op.call.kind === 'syncRead') &&
  op.outcome.type === 'ok' &&
  op.outcome.value.state !== null &&
  op.outcome.value.state !== undefined;

const commandsArb = fc.array(commandArb, { minLength: 1, maxLength: 40 });

describe('checkSessionOrder over random histories', () => {
  test('accepts every history of a sequential store', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        expect(checkSessionOrder(validHistory(commands))).toEqual([]);
      }),
    );
  });

  test('rejects a history where one read returns altered data or version', () => {
    fc.assert(
      fc.property(commandsArb, fc.nat(), fc.boolean(), (commands, pick, alterData) => {
        const ops = validHistory(commands);
        const reads = ops.filter(isOkRead);
        fc.pre(reads.length > 0);
        const target = reads[pick % reads.length];
        if (target === undefined || target.outcome.type !== 'ok') return;
        const state = target.outcome.value.state;
        if (state === undefined || state === null) return;
        const altered = alterData
          ? { ...state, data: 'never-written' }
          : { ...state, version: state.version === 0 ? 1 : 0 };
        target.outcome = { ...target.outcome, value: { ...target.outcome.value, state: altered } };
        expect(rules(ops)).toContain('ReadIntegrity');
      }),
    );
  });

  test('rejects a history where an op sees an mzxid below one its session saw', () => {
    const mzxidOf = (op: ZnodeOp | undefined): bigint | null =>
      op?.outcome.type === 'ok' ? (op.outcome.value.mzxid ?? null) : null;
    fc.assert(
      fc.property(commandsArb, fc.nat(), (commands, pick) => {
        const ops = validHistory(commands);
        const pairs = ops.flatMap((b, j) => {
          const earlier = ops.find(
            (a, i) =>
              i < j &&
              a.sessionId === b.sessionId &&
              a.call.path === b.call.path &&
              mzxidOf(a) !== null,
          );
          return earlier !== undefined && mzxidOf(b) !== null ? [{ earlier, b }] : [];
        });
        fc.pre(pairs.length > 0);
        const { earlier, b } = pairs[pick % pairs.length] ?? {};
        const before = mzxidOf(earlier);
        if (b === undefined || b.outcome.type !== 'ok' || before === null) return;
        b.outcome = { ...b.outcome, value: { ...b.outcome.value, mzxid: before - 1n } };
        expect(rules(ops).filter((r) => /MonotonicReads|ReadYourWrites/.test(r))).not.toEqual([]);
      }),
    );
  });

  test('rejects a history where a session’s later op completes first', () => {
    fc.assert(
      fc.property(commandsArb, fc.nat(), (commands, pick) => {
        const ops = validHistory(commands).filter((op) => op.outcome.type !== 'unknown');
        const pairs = ops.flatMap((a, i) => {
          const j = ops.findIndex((b, k) => k > i && b.sessionId === a.sessionId);
          return j < 0 ? [] : [j];
        });
        fc.pre(pairs.length > 0);
        const later = ops[pairs[pick % pairs.length] ?? 0];
        if (later === undefined || later.outcome.type === 'unknown') return;
        later.outcome = { ...later.outcome, completeMs: -1 };
        expect(rules(ops)).toContain('FIFO');
      }),
    );
  });
});
