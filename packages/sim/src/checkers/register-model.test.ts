// The register model's rules, each one both ways: the outcome ZooKeeper gives in a state fits,
// and the outcome it cannot give there does not. ZooKeeper: PrepRequestProcessor (create, setData,
// delete: NoNode before BadVersion; -1 matches any version) and DataTree (version + 1 on set).

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '@zoo/client/protocol';
import type {
  Outcome,
  RegisterState,
  ZnodeCall,
  ZnodeOp,
  ZnodeOpValue,
} from '../history/history.js';
import {
  applyCall,
  constrainsRegister,
  describeZnodeOp,
  observableStateKey,
  seenDataOf,
  stateEquals,
  step,
  twinClassOf,
} from './register-model.js';

const path = '/k';
const absent: RegisterState = null;
const v2: RegisterState = { data: 'old', version: 2 };

function ok(value: ZnodeOpValue = {}): Outcome<ZnodeOpValue> {
  return { type: 'ok', value, completeMs: 1 };
}
function fail(code: number): Outcome<ZnodeOpValue> {
  return { type: 'fail', code, completeMs: 1 };
}
const unknown: Outcome<ZnodeOpValue> = { type: 'unknown', reason: 'connection loss' };

const create: ZnodeCall = { kind: 'create', path, data: 'new' };
const set = (expectedVersion: number): ZnodeCall => ({
  kind: 'set',
  path,
  data: 'new',
  expectedVersion,
});
const del = (expectedVersion: number): ZnodeCall => ({ kind: 'delete', path, expectedVersion });
const syncRead: ZnodeCall = { kind: 'syncRead', path };
const read: ZnodeCall = { kind: 'read', path };
const check = (expectedVersion: number): ZnodeCall => ({ kind: 'check', path, expectedVersion });

type Row = [string, RegisterState, ZnodeCall, Outcome<ZnodeOpValue>, RegisterState | undefined];

const rows: Row[] = [
  // check (a multi's version check): NoNode, then BadVersion; never changes the state
  ['check ok at the matching version', v2, check(2), ok(), v2],
  ['check ok with version -1', v2, check(-1), ok(), v2],
  ['check ok at another version', v2, check(1), ok(), undefined],
  ['check ok on absent', absent, check(-1), ok(), undefined],
  ['check BadVersion at another version', v2, check(1), fail(ErrorCode.BadVersion), v2],
  ['check BadVersion at the matching version', v2, check(2), fail(ErrorCode.BadVersion), undefined],
  ['check NoNode on absent', absent, check(3), fail(ErrorCode.NoNode), absent],
  ['check NoNode on present', v2, check(-1), fail(ErrorCode.NoNode), undefined],
  ['check unknown is a no-op', v2, check(5), unknown, v2],
  // create
  ['create ok on absent', absent, create, ok({ version: 0 }), { data: 'new', version: 0 }],
  ['create ok without a value on absent', absent, create, ok(), { data: 'new', version: 0 }],
  ['create ok claiming version 1', absent, create, ok({ version: 1 }), undefined],
  ['create ok on present', v2, create, ok({ version: 0 }), undefined],
  ['create NodeExists on present', v2, create, fail(ErrorCode.NodeExists), v2],
  ['create NodeExists on absent', absent, create, fail(ErrorCode.NodeExists), undefined],
  ['create NoNode (the parent always exists)', absent, create, fail(ErrorCode.NoNode), undefined],
  ['create unknown on absent applies', absent, create, unknown, { data: 'new', version: 0 }],
  ['create unknown on present is a no-op', v2, create, unknown, v2],
  // set
  ['set ok on absent', absent, set(-1), ok({ version: 1 }), undefined],
  ['set NoNode on absent', absent, set(-1), fail(ErrorCode.NoNode), absent],
  ['set NoNode on present', v2, set(-1), fail(ErrorCode.NoNode), undefined],
  ['set NoNode on absent before a bad version', absent, set(7), fail(ErrorCode.NoNode), absent],
  ['set BadVersion on absent', absent, set(7), fail(ErrorCode.BadVersion), undefined],
  ['set ok with the matching version', v2, set(2), ok({ version: 3 }), { data: 'new', version: 3 }],
  ['set ok with version -1', v2, set(-1), ok({ version: 3 }), { data: 'new', version: 3 }],
  ['set ok without a stated version', v2, set(2), ok(), { data: 'new', version: 3 }],
  ['set ok stating a wrong new version', v2, set(2), ok({ version: 4 }), undefined],
  ['set ok with a mismatched version', v2, set(1), ok({ version: 3 }), undefined],
  ['set BadVersion on a mismatch', v2, set(1), fail(ErrorCode.BadVersion), v2],
  ['set BadVersion on a match', v2, set(2), fail(ErrorCode.BadVersion), undefined],
  ['set BadVersion with -1', v2, set(-1), fail(ErrorCode.BadVersion), undefined],
  ['set unknown with a match applies', v2, set(2), unknown, { data: 'new', version: 3 }],
  ['set unknown with a mismatch is a no-op', v2, set(5), unknown, v2],
  ['set unknown on absent is a no-op', absent, set(-1), unknown, absent],
  // delete
  ['delete ok on absent', absent, del(-1), ok(), undefined],
  ['delete NoNode on absent', absent, del(-1), fail(ErrorCode.NoNode), absent],
  ['delete NoNode on present', v2, del(-1), fail(ErrorCode.NoNode), undefined],
  ['delete ok with the matching version', v2, del(2), ok(), absent],
  ['delete ok with version -1', v2, del(-1), ok(), absent],
  ['delete ok with a mismatched version', v2, del(1), ok(), undefined],
  ['delete BadVersion on a mismatch', v2, del(1), fail(ErrorCode.BadVersion), v2],
  ['delete BadVersion on a match', v2, del(2), fail(ErrorCode.BadVersion), undefined],
  ['delete unknown with a match applies', v2, del(2), unknown, absent],
  ['delete unknown with a mismatch is a no-op', v2, del(0), unknown, v2],
  // reads
  ['syncRead ok seeing the state', v2, syncRead, ok({ state: { data: 'old', version: 2 } }), v2],
  [
    'syncRead ok seeing other data',
    v2,
    syncRead,
    ok({ state: { data: 'x', version: 2 } }),
    undefined,
  ],
  [
    'syncRead ok seeing another version',
    v2,
    syncRead,
    ok({ state: { data: 'old', version: 1 } }),
    undefined,
  ],
  ['syncRead ok seeing a node on absent', absent, syncRead, ok({ state: v2 }), undefined],
  ['syncRead ok seeing absent on absent', absent, syncRead, ok({ state: null }), absent],
  ['syncRead ok seeing absent on present', v2, syncRead, ok({ state: null }), undefined],
  ['syncRead ok stating only the version', v2, syncRead, ok({ version: 2 }), v2],
  ['syncRead ok stating a wrong version', v2, syncRead, ok({ version: 3 }), undefined],
  ['syncRead NoNode on absent', absent, syncRead, fail(ErrorCode.NoNode), absent],
  ['syncRead NoNode on present', v2, syncRead, fail(ErrorCode.NoNode), undefined],
  [
    'syncRead BadVersion (reads never answer it)',
    v2,
    syncRead,
    fail(ErrorCode.BadVersion),
    undefined,
  ],
  ['syncRead unknown', v2, syncRead, unknown, v2],
  ['read ok seeing the state', v2, read, ok({ state: v2 }), v2],
  ['read NoNode on present', v2, read, fail(ErrorCode.NoNode), undefined],
  // failures the state does not decide are no-ops in every state
  ['set NoAuth on present', v2, set(-1), fail(ErrorCode.NoAuth), v2],
  ['set NoAuth on absent', absent, set(-1), fail(ErrorCode.NoAuth), absent],
  ['create NoAuth on absent', absent, create, fail(ErrorCode.NoAuth), absent],
  ['delete NotEmpty on present', v2, del(-1), fail(ErrorCode.NotEmpty), v2],
  ['syncRead NoAuth on absent', absent, syncRead, fail(ErrorCode.NoAuth), absent],
];

describe('register model step', () => {
  test.each(rows)('%s', (_name, state, call, outcome, expected) => {
    const next = step(state, call, outcome);
    if (expected === undefined) expect(next).toBeUndefined();
    else expect(next).toEqual(expected);
  });

  test('a definite no-op returns the very state it was given', () => {
    expect(step(v2, set(-1), fail(ErrorCode.NoAuth))).toBe(v2);
    expect(step(v2, syncRead, ok({ state: { data: 'old', version: 2 } }))).toBe(v2);
  });
});

describe('register model applyCall', () => {
  test('answers like a sequential ZooKeeper through a create, sets and a delete', () => {
    let state: RegisterState = null;
    const answers: string[] = [];
    const calls = [create, create, set(0), set(0), set(-1), del(5), del(2), syncRead, set(-1)];
    for (const call of calls) {
      const { next, result } = applyCall(state, call);
      answers.push(result.type === 'ok' ? `ok ${next?.version ?? 'absent'}` : `${result.code}`);
      state = next;
    }
    expect(answers).toEqual([
      'ok 0',
      '-110',
      'ok 1',
      '-103',
      'ok 2',
      '-103',
      'ok absent',
      '-101',
      '-101',
    ]);
  });

  const callArbitrary: fc.Arbitrary<ZnodeCall> = fc.oneof(
    fc.constant(create),
    fc.integer({ min: -1, max: 3 }).map(set),
    fc.integer({ min: -1, max: 3 }).map(del),
    fc.constant(syncRead),
  );
  const stateArbitrary: fc.Arbitrary<RegisterState> = fc.option(
    fc.record({ data: fc.constantFrom('a', 'b'), version: fc.integer({ min: 0, max: 3 }) }),
  );

  test('step accepts exactly the outcome applyCall gives and moves to its state', () => {
    fc.assert(
      fc.property(stateArbitrary, callArbitrary, (state, call) => {
        const { next, result } = applyCall(state, call);
        const outcome = result.type === 'ok' ? ok(result.value) : fail(result.code);
        const after = step(state, call, outcome);
        expect(after === undefined ? 'impossible' : stateEquals(after, next)).toBe(true);
      }),
    );
  });

  test('step rejects the opposite kind of answer on every state-decided rule', () => {
    fc.assert(
      fc.property(stateArbitrary, callArbitrary, (state, call) => {
        const { result } = applyCall(state, call);
        // The other answer: a success where ZooKeeper fails, or any state-decided failure where
        // it succeeds, or another state-decided code than the one it fails with.
        const decided = [ErrorCode.NoNode, ErrorCode.NodeExists, ErrorCode.BadVersion];
        const others: Outcome<ZnodeOpValue>[] =
          result.type === 'ok'
            ? decided.map(fail)
            : [ok(), ...decided.filter((code) => code !== result.code).map(fail)];
        for (const outcome of others) expect(step(state, call, outcome)).toBeUndefined();
      }),
    );
  });
});

describe('register model helpers for the search', () => {
  const at = (call: ZnodeCall, outcome: Outcome<ZnodeOpValue>): ZnodeOp => ({
    id: 1,
    process: 1,
    sessionId: null,
    invokeMs: 0,
    call,
    outcome,
  });

  test('constrainsRegister drops unknown reads and failures the state does not decide', () => {
    expect(constrainsRegister(at(syncRead, unknown))).toBe(false);
    expect(constrainsRegister(at(set(-1), fail(ErrorCode.NoAuth)))).toBe(false);
    expect(constrainsRegister(at(set(-1), unknown))).toBe(true);
    expect(constrainsRegister(at(set(-1), fail(ErrorCode.BadVersion)))).toBe(true);
    expect(constrainsRegister(at(syncRead, ok({ state: v2 })))).toBe(true);
  });

  test('seenDataOf collects only the data that ok reads saw', () => {
    const ops = [
      at(syncRead, ok({ state: { data: 'seen', version: 0 } })),
      at(read, ok({ state: null })),
      at(set(-1), ok({ version: 1 })),
      at(syncRead, fail(ErrorCode.NoNode)),
    ];
    expect([...seenDataOf(ops)]).toEqual(['seen']);
  });

  test('observableStateKey tells states apart only by data someone saw', () => {
    const seen = new Set(['seen']);
    const key = (state: RegisterState): string => observableStateKey(state, seen);
    expect(key({ data: 'x', version: 1 })).toBe(key({ data: 'y', version: 1 }));
    expect(key({ data: 'x', version: 1 })).not.toBe(key({ data: 'x', version: 2 }));
    expect(key({ data: 'seen', version: 1 })).not.toBe(key({ data: 'x', version: 1 }));
    expect(key(null)).not.toBe(key({ data: 'x', version: 0 }));
  });

  test('twinClassOf groups calls that differ only in data no one saw', () => {
    const seen = new Set(['seen']);
    const seenSet: ZnodeCall = { kind: 'set', path, data: 'seen', expectedVersion: -1 };
    const otherSet: ZnodeCall = { kind: 'set', path, data: 'other', expectedVersion: -1 };
    expect(twinClassOf(set(-1), seen)).toBe(twinClassOf(otherSet, seen));
    expect(twinClassOf(set(-1), seen)).not.toBe(twinClassOf(set(2), seen));
    expect(twinClassOf(seenSet, seen)).toBeNull();
    expect(twinClassOf(create, seen)).not.toBe(twinClassOf(set(-1), seen));
    expect(twinClassOf(del(1), seen)).toBe(twinClassOf(del(1), seen));
    expect(twinClassOf(del(1), seen)).not.toBe(twinClassOf(del(-1), seen));
  });
});

describe('describeZnodeOp', () => {
  const opOf = (id: number, call: ZnodeCall, outcome: Outcome<ZnodeOpValue>): ZnodeOp => ({
    id,
    process: id,
    sessionId: null,
    invokeMs: 5,
    call,
    outcome,
  });

  test('prints an op on one line with its call, outcome and interval', () => {
    const setCall: ZnodeCall = { kind: 'set', path: '/k1', data: 'c3-7', expectedVersion: 2 };
    const setOutcome: Outcome<ZnodeOpValue> = {
      type: 'ok',
      value: { version: 3 },
      completeMs: 1350,
    };
    const ops = [
      { ...opOf(12, setCall, setOutcome), process: 3, invokeMs: 1200 },
      opOf(13, syncRead, ok({ state: { data: 'x', version: 1 } })),
      opOf(14, read, ok({ state: null })),
      opOf(15, del(4), fail(ErrorCode.BadVersion)),
      opOf(16, create, unknown),
    ];
    expect(ops.map(describeZnodeOp)).toEqual([
      '#12 c3 set /k1 "c3-7" v=2 → ok v=3 [1200..1350]',
      '#13 c13 syncRead /k → ok "x" v=1 [5..1]',
      '#14 c14 read /k → ok absent [5..1]',
      '#15 c15 delete /k v=4 → fail BadVersion [5..1]',
      '#16 c16 create /k "new" → unknown (connection loss) [5..∞]',
    ]);
  });
});
