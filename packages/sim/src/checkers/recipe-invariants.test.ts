import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  emptyHistory,
  type FencedWrite,
  type History,
  type IdGrant,
  type LockHold,
} from '../history/history.js';
import { checkRecipes } from './recipe-invariants.js';

const token = (counter: number): bigint => (1n << 32n) | BigInt(counter);

const hold = (process: number, counter: number, acquiredMs: number): LockHold => ({
  process,
  token: token(counter),
  acquiredMs,
  releasedMs: acquiredMs + 10,
});

const fenced = (
  process: number,
  counter: number,
  zxid: number | null,
  invokeMs = 0,
): FencedWrite => ({
  process,
  token: token(counter),
  invokeMs,
  outcome: zxid === null ? { type: 'unknown', reason: 'timeout' } : ok(BigInt(zxid)),
});

function ok(zxid: bigint): FencedWrite['outcome'] {
  return { type: 'ok', value: { zxid }, completeMs: 1 };
}

const grant = (process: number, invokeMs: number, result: number | null): IdGrant => ({
  kind: 'sequential',
  process,
  generator: `c${process}#1`,
  invokeMs,
  outcome:
    result === null
      ? { type: 'unknown', reason: 'session expired' }
      : { type: 'ok', value: BigInt(result), completeMs: invokeMs + 5 },
});

/** A segment ID from `generator`, granted in 1 ms. */
const segment = (generator: string, invokeMs: number, id: number): IdGrant => ({
  ...grant(1, invokeMs, id),
  kind: 'segment',
  generator,
});

const increment = (outcome: 'unknown' | 'fail' | number): History['counterIncrements'][number] => ({
  process: 1,
  invokeMs: 0,
  outcome:
    outcome === 'unknown'
      ? { type: 'unknown', reason: 'connection loss' }
      : outcome === 'fail'
        ? { type: 'fail', code: -103, completeMs: 1 }
        : { type: 'ok', value: outcome, completeMs: 1 },
});

function run(parts: Partial<History>): History {
  return { ...emptyHistory(), ...parts };
}

const failOutcome: FencedWrite['outcome'] = { type: 'fail', code: -103, completeMs: 10 };

/** Locks and leaders in turn (one overlap after an expiry), fenced in order, ids, a counter. */
function healthy(): History {
  return run({
    lockHolds: [hold(1, 3, 0), hold(2, 7, 5), hold(1, 9, 30)],
    fencedWrites: [fenced(1, 3, 4), fenced(2, 7, 8), fenced(1, 3, null), fenced(1, 9, 12)],
    leaderTerms: [hold(2, 4, 0), hold(3, 8, 40)],
    leaderWrites: [fenced(2, 4, 5, 1), fenced(3, 8, 14, 41)],
    idGrants: [
      grant(1, 0, 1),
      grant(2, 2, 2),
      grant(1, 10, 3),
      grant(2, 11, null),
      grant(3, 20, 5),
    ],
    counterIncrements: [increment(1), increment(2), increment('unknown'), increment('fail')],
    finalCounter: 3,
  });
}

describe('checkRecipes accepts valid histories', () => {
  test('accepts locks, fenced writes, ids and a counter that keep their promises', () => {
    expect(checkRecipes(healthy())).toEqual([]);
  });

  test('accepts overlapping holds when fencing kept the older holder out', () => {
    const history = run({
      lockHolds: [hold(1, 3, 0), hold(2, 7, 5)],
      fencedWrites: [
        fenced(1, 3, 4),
        fenced(2, 7, 8),
        { ...fenced(1, 3, 9), outcome: failOutcome },
      ],
    });
    expect(checkRecipes(history)).toEqual([]);
  });

  test('accepts an expired holder that thinks it acquired late, its writes fenced', () => {
    const stale = { ...fenced(1, 3, 40), outcome: failOutcome };
    const history = run({
      lockHolds: [hold(1, 3, 30), hold(2, 7, 5)],
      fencedWrites: [fenced(2, 7, 8), stale],
    });
    expect(checkRecipes(history)).toEqual([]);
  });

  test('accepts a holder told late of its loss, its writes after the next holder fenced', () => {
    // Process 1 still believed it held until 50ms; its ok write started before process 2
    // acquired at 10ms, and its later one failed the fencing check.
    const history = run({
      lockHolds: [{ ...hold(1, 3, 0), releasedMs: 50 }, hold(2, 7, 10)],
      fencedWrites: [fenced(1, 3, 4, 5), { ...fenced(1, 3, 9, 20), outcome: failOutcome }],
    });
    expect(checkRecipes(history)).toEqual([]);
  });

  test('accepts segment IDs of different generators interleaving in real time', () => {
    const idGrants = [segment('c1#1', 0, 1), segment('c2#1', 5, 9), segment('c1#1', 20, 2)];
    expect(checkRecipes(run({ idGrants }))).toEqual([]);
  });

  test('accepts concurrent grants in either order and an unread counter', () => {
    const history = run({
      idGrants: [grant(1, 0, 2), grant(2, 1, 1)],
      counterIncrements: [increment(5)],
      finalCounter: null,
    });
    expect(checkRecipes(history)).toEqual([]);
  });

  test('accepts a final counter anywhere in [acked, acked + unknown]', () => {
    for (const finalCounter of [1, 2, 3]) {
      const counterIncrements = [increment(1), increment('unknown'), increment('unknown')];
      expect(checkRecipes(run({ counterIncrements, finalCounter }))).toEqual([]);
    }
  });
});

const cases: { name: string; rule: string; history: History; mentions: string[] }[] = [
  {
    name: 'two holds share a token',
    rule: 'LockTokens',
    history: run({ lockHolds: [hold(1, 3, 0), hold(2, 3, 5)] }),
    mentions: ['token 0x100000003', 'process 1', 'process 2'],
  },
  {
    name: 'a larger token was acquired before a smaller one, both proven by fenced writes',
    rule: 'LockOrder',
    history: run({
      lockHolds: [hold(1, 3, 20), hold(2, 7, 5)],
      fencedWrites: [fenced(2, 7, 8), fenced(1, 3, 30)],
    }),
    mentions: ["process 2's hold with token 0x100000007", 'at 5ms', 'at 20ms'],
  },
  {
    name: "an older holder's fenced write succeeds after a newer holder acquired",
    rule: 'LockExclusion',
    history: run({
      lockHolds: [hold(1, 3, 0), hold(2, 7, 10)],
      fencedWrites: [fenced(1, 3, 9, 12)],
    }),
    mentions: ["process 1's guarded write with token 0x100000003", "process 2's hold", 'at 10ms'],
  },
  {
    name: "a former leader's guarded write succeeds after the next leader was elected",
    rule: 'LeaderExclusion',
    history: run({
      leaderTerms: [hold(1, 3, 0), hold(2, 7, 10)],
      leaderWrites: [fenced(2, 7, 11, 10), fenced(1, 3, 9, 12)],
    }),
    mentions: ["process 1's guarded write", "process 2's term with token 0x100000007", 'elected'],
  },
  {
    name: 'two leaders hold the same token',
    rule: 'LeaderTokens',
    history: run({ leaderTerms: [hold(1, 3, 0), hold(2, 3, 5)] }),
    mentions: ['token 0x100000003', 'process 1 (elected 0ms)', 'process 2 (elected 5ms)'],
  },
  {
    name: 'two segment generators hand out the same ID',
    rule: 'UniqueIds',
    history: run({ idGrants: [segment('c1#1', 0, 7), segment('c2#3', 1, 7)] }),
    mentions: ['segment id 7 (generator c1#1', 'segment id 7 (generator c2#3'],
  },
  {
    name: 'one segment generator hands out a smaller ID later',
    rule: 'IdOrder',
    history: run({ idGrants: [segment('c2#1', 0, 7), segment('c2#1', 10, 6)] }),
    mentions: ['segment id 6 (generator c2#1', 'came after', 'segment id 7'],
  },
  {
    name: 'an older holder writes after a newer holder wrote',
    rule: 'LockFencing',
    history: run({ fencedWrites: [fenced(2, 7, 8), fenced(1, 3, 12)] }),
    mentions: ["process 1's write with token 0x100000003", 'zxid 0xc', 'newer token 0x100000007'],
  },
  {
    name: 'two ok grants return the same id',
    rule: 'UniqueIds',
    history: run({ idGrants: [grant(1, 0, 4), grant(2, 1, 4)] }),
    mentions: ["process 1's sequential id 4", "process 2's sequential id 4"],
  },
  {
    name: 'a process gets a smaller id for a later grant',
    rule: 'IdOrder',
    history: run({ idGrants: [grant(1, 0, 4), grant(1, 1, 3)] }),
    mentions: ["process 1's sequential id 3", "came after process 1's sequential id 4"],
  },
  {
    name: 'a grant invoked after another completed gets a smaller id',
    rule: 'IdRealTime',
    history: run({ idGrants: [grant(1, 0, 4), grant(2, 10, 3)] }),
    mentions: ["process 2's sequential id 3", "smaller than process 1's sequential id 4"],
  },
  {
    name: 'two increments produce the same value',
    rule: 'Counter',
    history: run({ counterIncrements: [increment(1), increment(1)], finalCounter: 2 }),
    mentions: ['both produced 1'],
  },
  {
    name: 'an increment produced a value above the final counter',
    rule: 'Counter',
    history: run({ counterIncrements: [increment(5), increment('unknown')], finalCounter: 2 }),
    mentions: ['produced 5', 'above the final value 2'],
  },
  {
    name: 'the final counter lost an acked increment',
    rule: 'Counter',
    history: run({ counterIncrements: [increment(1), increment(2)], finalCounter: 1 }),
    mentions: ['final value 1', '[2, 2]'],
  },
  {
    name: 'the final counter counts more than acked and unknown increments',
    rule: 'Counter',
    history: run({ counterIncrements: [increment(1), increment('fail')], finalCounter: 2 }),
    mentions: ['final value 2', '[1, 1]'],
  },
];

describe('checkRecipes rejects broken histories', () => {
  test.each(cases)('$rule: rejects a history where $name', ({ rule, history, mentions }) => {
    const violations = checkRecipes(history);
    const ours = violations.filter((v) => v.message.startsWith(`${rule}: `));
    expect(ours.length).toBeGreaterThan(0);
    for (const v of violations) expect(v.checker).toBe('recipe');
    const text = ours.map((v) => v.message).join('\n');
    for (const mention of mentions) expect(text).toContain(mention);
  });
});

// Valid id grants drawn at random: each process runs its grants one after another; every grant
// takes effect at a point inside [invoke, complete], and ids follow those points.
const grantsArb = fc.array(
  fc.record({
    process: fc.integer({ min: 1, max: 4 }),
    gapMs: fc.integer({ min: 0, max: 20 }),
    durationMs: fc.integer({ min: 1, max: 30 }),
    pointPercent: fc.integer({ min: 0, max: 100 }),
    lost: fc.boolean(),
  }),
  { minLength: 1, maxLength: 30 },
);
type GrantPlan = typeof grantsArb extends fc.Arbitrary<infer T> ? T : never;

function validGrants(plan: GrantPlan): IdGrant[] {
  const freeAtMs = new Map<number, number>();
  const timed = plan.map((p, order) => {
    const invokeMs = (freeAtMs.get(p.process) ?? 0) + p.gapMs;
    const completeMs = invokeMs + p.durationMs;
    freeAtMs.set(p.process, completeMs);
    return {
      ...p,
      invokeMs,
      completeMs,
      point: invokeMs + (p.durationMs * p.pointPercent) / 100,
      order,
    };
  });
  const ids = new Map(
    [...timed]
      .sort((a, b) => a.point - b.point || a.order - b.order)
      .map((t, i) => [t.order, i + 1]),
  );
  return timed.map((t) => ({
    kind: 'sequential',
    process: t.process,
    generator: `c${t.process}#1`,
    invokeMs: t.invokeMs,
    outcome: t.lost
      ? { type: 'unknown', reason: 'connection loss' }
      : { type: 'ok', value: BigInt(ids.get(t.order) ?? 0), completeMs: t.completeMs },
  }));
}

describe('checkRecipes over random histories', () => {
  test('accepts every id history that follows its take-effect points', () => {
    fc.assert(
      fc.property(grantsArb, (plan) => {
        expect(checkRecipes(run({ idGrants: validGrants(plan) }))).toEqual([]);
      }),
    );
  });

  test('rejects an id history where two ordered grants swap ids', () => {
    fc.assert(
      fc.property(grantsArb, fc.nat(), (plan, pick) => {
        const grants = validGrants(plan);
        const okOf = (g: IdGrant | undefined) => (g?.outcome.type === 'ok' ? g.outcome : null);
        // Pairs where the first completed before the second was invoked.
        const ordered = grants.flatMap((a) =>
          grants.flatMap((b) => {
            const [first, second] = [okOf(a), okOf(b)];
            return first && second && first.completeMs < b.invokeMs ? [{ first, second }] : [];
          }),
        );
        fc.pre(ordered.length > 0);
        const { first, second } = ordered[pick % ordered.length] ?? {};
        if (first === undefined || second === undefined) return;
        [first.value, second.value] = [second.value, first.value];
        const messages = checkRecipes(run({ idGrants: grants })).map((v) => v.message);
        expect(messages.some((m) => m.startsWith('IdRealTime: '))).toBe(true);
      }),
    );
  });

  test('accepts a final counter iff it lies within [acked, acked + unknown]', () => {
    const outcomesArb = fc.array(
      fc.constantFrom<'ok' | 'unknown' | 'fail'>('ok', 'unknown', 'fail'),
    );
    fc.assert(
      fc.property(outcomesArb, fc.integer({ min: -2, max: 40 }), (outcomes, finalCounter) => {
        let value = 0;
        const counterIncrements = outcomes.map((o) => increment(o === 'ok' ? (value += 1) : o));
        const acked = value;
        const unknown = outcomes.filter((o) => o === 'unknown').length;
        const inBounds = finalCounter >= acked && finalCounter <= acked + unknown;
        const violations = checkRecipes(run({ counterIncrements, finalCounter }));
        expect(violations.length === 0).toBe(inBounds);
      }),
    );
  });
});
