// The WGL linearizability checker: known good and broken histories, agreement with a brute-force
// search on small random histories, random sequential runs (accepted, then rejected once a read
// is made to see a state that never existed), the search bound, and speed.

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
import { SeededRandom } from '@zoo/server/internals';
import { checkLinearizability, describeZnodeOp } from './linearizability.js';
import { applyCall, step } from './register-model.js';

type Result = ZnodeOpValue | number | 'unknown';

/** An op on `/k` (or `call.path`): `result` is an ok value, a failure code, or 'unknown'. */
function op(id: number, call: ZnodeCall, interval: [number, number], result: Result): ZnodeOp {
  const [invokeMs, completeMs] = interval;
  const outcome: Outcome<ZnodeOpValue> =
    result === 'unknown'
      ? { type: 'unknown', reason: 'connection loss' }
      : typeof result === 'number'
        ? { type: 'fail', code: result, completeMs }
        : { type: 'ok', value: result, completeMs };
  return { id, process: id, sessionId: null, invokeMs, call, outcome };
}

const create = (data: string, path = '/k'): ZnodeCall => ({ kind: 'create', path, data });
function set(data: string, expectedVersion = -1, path = '/k'): ZnodeCall {
  return { kind: 'set', path, data, expectedVersion };
}
const del = (expectedVersion = -1, path = '/k'): ZnodeCall => ({
  kind: 'delete',
  path,
  expectedVersion,
});
const syncRead = (path = '/k'): ZnodeCall => ({ kind: 'syncRead', path });
const read = (path = '/k'): ZnodeCall => ({ kind: 'read', path });
const saw = (data: string, version: number): ZnodeOpValue => ({ state: { data, version } });

const isLinearizable = (ops: readonly ZnodeOp[]): boolean => checkLinearizability(ops).length === 0;

const created = op(1, create('a'), [0, 10], { version: 0 });

const knownHistories: [string, ZnodeOp[], boolean][] = [
  ['accepts an empty history', [], true],
  [
    'accepts a sequential create, set, sync read and delete',
    [
      created,
      op(2, set('b', 0), [20, 30], { version: 1 }),
      op(3, syncRead(), [40, 50], saw('b', 1)),
      op(4, del(1), [60, 70], {}),
      op(5, syncRead(), [80, 90], ErrorCode.NoNode),
      op(6, set('c'), [100, 110], ErrorCode.NoNode),
    ],
    true,
  ],
  [
    'accepts a sync read overlapping a write and seeing the old value',
    [created, op(2, set('b'), [20, 60], { version: 1 }), op(3, syncRead(), [30, 40], saw('a', 0))],
    true,
  ],
  [
    'accepts a sync read overlapping a write and seeing the new value',
    [created, op(2, set('b'), [20, 60], { version: 1 }), op(3, syncRead(), [30, 40], saw('b', 1))],
    true,
  ],
  [
    'accepts overlapping sets whose versions show the later-invoked one went first',
    [
      created,
      op(2, set('b'), [20, 50], { version: 2 }),
      op(3, set('c'), [25, 45], { version: 1 }),
      op(4, syncRead(), [60, 70], saw('b', 2)),
    ],
    true,
  ],
  [
    'rejects a lost update: two concurrent unconditional sets both answering version 1',
    [created, op(2, set('b'), [20, 40], { version: 1 }), op(3, set('c'), [25, 45], { version: 1 })],
    false,
  ],
  [
    'rejects two successful creates with no delete between them',
    [created, op(2, create('b'), [5, 15], {})],
    false,
  ],
  [
    'accepts two successful creates with a concurrent delete between them',
    [created, op(2, create('b'), [5, 15], {}), op(3, del(), [2, 12], {})],
    true,
  ],
  [
    'rejects a sync read of a value that was never written',
    [created, op(2, syncRead(), [5, 15], saw('ghost', 0))],
    false,
  ],
  [
    'rejects a set answering version 3 when only one write preceded it',
    [created, op(2, set('b'), [20, 30], { version: 3 })],
    false,
  ],
  [
    'rejects a conditional set that failed BadVersion though its version matched',
    [created, op(2, set('b', 0), [20, 30], ErrorCode.BadVersion)],
    false,
  ],
  [
    'accepts an unknown set that took effect, even long after it was invoked',
    [
      created,
      op(2, set('b'), [20, 0], 'unknown'),
      op(3, syncRead(), [30, 40], saw('a', 0)),
      op(4, syncRead(), [500, 510], saw('b', 1)),
    ],
    true,
  ],
  [
    'accepts an unknown set that never took effect',
    [
      created,
      op(2, set('b'), [20, 0], 'unknown'),
      op(3, set('c'), [30, 40], { version: 1 }),
      op(4, syncRead(), [50, 60], saw('c', 1)),
    ],
    true,
  ],
  [
    'rejects an unknown set taking effect before it was invoked',
    [created, op(2, syncRead(), [20, 30], saw('b', 1)), op(3, set('b'), [40, 0], 'unknown')],
    false,
  ],
  [
    'treats a sync read invoked as a write completes as concurrent with it',
    [created, op(2, set('b'), [20, 30], { version: 1 }), op(3, syncRead(), [30, 40], saw('a', 0))],
    true,
  ],
  [
    'orders a sync read after a write that completed strictly before it was invoked',
    [created, op(2, set('b'), [20, 30], { version: 1 }), op(3, syncRead(), [31, 40], saw('a', 0))],
    false,
  ],
  [
    'leaves a stale plain read out',
    [created, op(2, set('b'), [20, 30], { version: 1 }), op(3, read(), [40, 50], saw('a', 0))],
    true,
  ],
  [
    'treats failures the state does not decide as no-ops',
    [
      op(1, set('x'), [0, 10], ErrorCode.NoAuth),
      op(2, create('a'), [20, 30], { version: 0 }),
      op(3, del(), [40, 50], ErrorCode.NoAuth),
      op(4, syncRead(), [60, 70], saw('a', 0)),
    ],
    true,
  ],
];

describe('checkLinearizability on known histories', () => {
  test.each(knownHistories)('%s', (_name, ops, expected) => {
    expect(isLinearizable(ops)).toBe(expected);
  });

  test('rejects a stale sync read after a completed write and names the evidence', () => {
    const ops = [
      created,
      op(2, set('b'), [20, 30], { version: 1 }),
      op(3, syncRead(), [40, 50], saw('a', 0)),
    ];
    const violations = checkLinearizability(ops);
    expect(violations).toHaveLength(1);
    const message = violations[0]?.message ?? '';
    expect(violations[0]?.checker).toBe('linearizability');
    expect(message).toContain('/k is not linearizable');
    expect(message).toContain('longest linearizable prefix (2 ops): #1 #2');
    expect(message).toContain('state after it: "b" v=1');
    expect(message).toContain(`could not place:\n    ${describeZnodeOp(ops[2] as ZnodeOp)}`);
  });

  test('accepts unknown ops used late after the search first tried them early', () => {
    // The search first spends the unknown delete early; only using it last explains #7.
    const ops = [
      op(1, create('d1'), [1, 0], 'unknown'),
      op(3, syncRead(), [4, 7], { version: 0 }),
      op(4, create('d4'), [6, 0], 'unknown'),
      op(5, del(), [6, 0], 'unknown'),
      op(6, syncRead(), [6, 8], saw('d4', 0)),
      op(7, create('d7'), [9, 11], { version: 0 }),
    ];
    expect(isLinearizable(ops)).toBe(true);
    expect(isLinearizable([...ops, op(8, syncRead(), [12, 13], saw('d4', 0))])).toBe(false);
  });

  test('checks each znode on its own and names only the broken one', () => {
    const ops = [
      op(1, create('a', '/good'), [0, 10], { version: 0 }),
      op(2, create('a', '/bad'), [0, 10], { version: 0 }),
      op(3, syncRead('/good'), [20, 30], saw('a', 0)),
      op(4, syncRead('/bad'), [20, 30], saw('b', 0)),
    ];
    const violations = checkLinearizability(ops);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toMatch(/^\/bad is not linearizable/);
    expect(violations[0]?.message).not.toContain('/good');
  });
});

const plainReadsLeftOut = (ops: readonly ZnodeOp[]): ZnodeOp[] =>
  ops.filter((o) => o.call.kind !== 'read');

/** Linearizable by definition: some real-time-respecting order of a subset of ops fits. */
function bruteForce(ops: readonly ZnodeOp[]): boolean {
  const endMs = (o: ZnodeOp): number =>
    o.outcome.type === 'unknown' ? Infinity : o.outcome.completeMs;
  const search = (state: RegisterState, left: readonly ZnodeOp[]): boolean =>
    left.every((o) => o.outcome.type === 'unknown') ||
    left.some((candidate) => {
      if (left.some((o) => endMs(o) < candidate.invokeMs)) return false;
      const next = step(state, candidate.call, candidate.outcome);
      const rest = left.filter((o) => o !== candidate);
      return next !== undefined && search(next, rest);
    });
  return search(null, plainReadsLeftOut(ops));
}

/** Options for a random timed history from a sequential run against the model. */
interface RunOptions {
  random: SeededRandom;
  paths: readonly string[];
  count: number;
  /** How far an op's interval may reach either side of its linearization point. */
  spreadMs: number;
  /** The largest gap between consecutive linearization points (default `spreadMs`). */
  gapMsMax?: number;
  unknownChance: number;
}

interface Run {
  ops: ZnodeOp[];
  /** Each path's state after the run. */
  states: Map<string, RegisterState>;
}

/** Runs random calls sequentially, each at its own point in time, and records them as ops. */
function sequentialRun(options: RunOptions): Run {
  const { random, paths, count, spreadMs, unknownChance } = options;
  const gapMsMax = options.gapMsMax ?? spreadMs;
  const states = new Map<string, RegisterState>();
  const ops: ZnodeOp[] = [];
  let nowMs = spreadMs;
  for (let id = 1; id <= count; id += 1) {
    nowMs += random.nextInt(0, gapMsMax);
    const path = paths[random.nextInt(0, paths.length - 1)] ?? '/k';
    const state = states.get(path) ?? null;
    const version = random.chance(0.5) ? -1 : (state?.version ?? 0) + random.nextInt(-1, 1);
    const writes = [create(`d${id}`, path), set(`d${id}`, version, path), del(version, path)];
    const call = [...writes, syncRead(path), read(path)][random.nextInt(0, 4)] ?? read(path);
    const { next, result } = applyCall(state, call);
    const invokeMs = nowMs - random.nextInt(0, spreadMs);
    const completeMs = nowMs + random.nextInt(0, spreadMs);
    const isUnknown = random.chance(unknownChance);
    // An unknown op took effect or not: when not, the state stays as it was.
    if (!isUnknown || random.chance(0.5)) states.set(path, next);
    const answer = result.type === 'ok' ? result.value : result.code;
    const recorded = op(id, call, [invokeMs, completeMs], isUnknown ? 'unknown' : answer);
    ops.push({ ...recorded, process: random.nextInt(1, 5) });
  }
  return { ops, states };
}

describe('checkLinearizability against the definition, its bound and its speed', () => {
  test('agrees with a brute-force search on small random histories of one znode', () => {
    const verdicts = { linearizable: 0, broken: 0 };
    const historyArbitrary = fc.record({
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      count: fc.integer({ min: 3, max: 8 }),
      spreadMs: fc.integer({ min: 1, max: 40 }),
      unknownPercent: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(historyArbitrary, ({ seed, count, spreadMs, unknownPercent }) => {
        const random = new SeededRandom(seed);
        const unknownChance = unknownPercent / 100;
        const { ops } = sequentialRun({ random, paths: ['/k'], count, spreadMs, unknownChance });
        // Perturb some answers (a read may see any write's data) so that many histories break.
        const broken = ops.map((o) => {
          if (!random.chance(0.15) || o.outcome.type === 'unknown') return o;
          const data = `d${random.nextInt(1, count)}`;
          const version = random.nextInt(0, 2);
          const results: Result[] = [ErrorCode.NoNode, 'unknown', { version }, saw(data, version)];
          const result = results[random.nextInt(0, results.length - 1)] ?? 'unknown';
          return op(o.id, o.call, [o.invokeMs, o.outcome.completeMs], result);
        });
        const expected = bruteForce(broken);
        verdicts[expected ? 'linearizable' : 'broken'] += 1;
        expect(isLinearizable(broken)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    // Both verdicts must be common, or the comparison proves little.
    expect(verdicts.linearizable).toBeGreaterThan(200);
    expect(verdicts.broken).toBeGreaterThan(200);
  });

  test('accepts random sequential runs, not once a sync read sees a state never held', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(), (seed, pick) => {
        const random = new SeededRandom(seed);
        const paths = ['/a', '/b', '/c'];
        const run = sequentialRun({ random, paths, count: 60, spreadMs: 30, unknownChance: 0.1 });
        // A final sync read of every path guarantees a read to corrupt.
        const endMs = 100_000;
        const ops = [...run.ops];
        for (const path of paths) {
          const state = run.states.get(path) ?? null;
          const result: Result = state === null ? ErrorCode.NoNode : { state };
          ops.push(op(ops.length + 1, syncRead(path), [endMs, endMs + 10], result));
        }
        expect(checkLinearizability(ops)).toEqual([]);
        const reads = ops.filter((o) => o.call.kind === 'syncRead' && o.outcome.type !== 'unknown');
        const victim = reads[pick % reads.length];
        if (victim === undefined || victim.outcome.type === 'unknown') throw new Error('no read');
        const interval: [number, number] = [victim.invokeMs, victim.outcome.completeMs];
        const corrupt = op(victim.id, victim.call, interval, saw('never-written', 1));
        const violations = checkLinearizability(ops.map((o) => (o === victim ? corrupt : o)));
        expect(violations).toHaveLength(1);
        expect(violations[0]?.message).toContain(`${victim.call.path} is not linearizable`);
      }),
      { numRuns: 200 },
    );
  });

  test('reports an inconclusive search instead of passing when the budget runs out', () => {
    const random = new SeededRandom(7);
    const options = { random, paths: ['/k'], count: 50, spreadMs: 30, unknownChance: 0 };
    const { ops } = sequentialRun(options);
    expect(checkLinearizability(ops)).toEqual([]);
    const violations = checkLinearizability(ops, { maxStatesPerKey: 20 });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.checker).toBe('linearizability');
    expect(violations[0]?.message).toMatch(
      /^\/k: linearizability inconclusive: the search gave up after 20 steps/,
    );
  });

  test('names an empty prefix when the first op to return cannot go first', () => {
    const ops = [op(1, syncRead(), [0, 10], saw('a', 0)), op(2, create('a'), [20, 30], {})];
    const message = checkLinearizability(ops)[0]?.message ?? '';
    expect(message).toContain('longest linearizable prefix (0 ops): (empty)');
    expect(message).toContain('state after it: absent');
    expect(message).toContain(`could not place:\n    ${describeZnodeOp(ops[0] as ZnodeOp)}`);
  });

  test('settles a dozen overlapping unknown writes followed by a read', () => {
    const ops = [op(1, create('a'), [0, 10], { version: 0 })];
    for (let id = 2; id <= 13; id += 1) ops.push(op(id, set(`u${id}`), [20, 0], 'unknown'));
    ops.push(op(14, syncRead(), [100, 110], saw('u7', 3)));
    expect(checkLinearizability(ops)).toEqual([]);
    ops.push(op(15, syncRead(), [120, 130], saw('u8', 2)));
    expect(checkLinearizability(ops)).toHaveLength(1);
  });

  test('checks 50 znodes of 200 overlapping ops each in well under 100 ms of CPU', () => {
    // 50 znodes × 200 ops, each op overlapping up to about a dozen others, 5% unknown.
    const random = new SeededRandom(42);
    const ops: ZnodeOp[] = [];
    for (let key = 0; key < 50; key += 1) {
      const options = { random, paths: [`/k${key}`], count: 200, spreadMs: 30, gapMsMax: 10 };
      const { ops: keyOps } = sequentialRun({ ...options, unknownChance: 0.05 });
      ops.push(...keyOps.map((o) => ({ ...o, id: ops.length + o.id })));
    }
    expect(ops.filter((o) => o.outcome.type === 'unknown').length).toBeGreaterThan(300);
    // CPU time, best of a few warm runs: wall time swings when other tests share the machine.
    const cpuMs: number[] = [];
    for (let run = 0; run < 6; run += 1) {
      const start = process.cpuUsage();
      expect(checkLinearizability(ops)).toEqual([]);
      const used = process.cpuUsage(start);
      cpuMs.push((used.user + used.system) / 1000);
    }
    expect(Math.min(...cpuMs.slice(2))).toBeLessThan(50);
  });
});
