// Tests of the differential harness itself, without servers: normalization must hide only what
// may legitimately differ (zxid and time values, session ids, the run's base, child order), the
// comparison must catch any other change, and each known difference must match only its pattern.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  normalizeRun,
  timeIssues,
  zxidRanks,
  type NormalizedOutcome,
  type OpOutcome,
  type RunRecord,
} from './support/diff-normalize.js';
import type { DiffOp } from './support/diff-ops.js';
import { compareRuns } from './support/diff-runner.js';
import { knownDifferences, Reconciler } from './support/known-differences.js';
import type { MultiOp, Request, Stat } from './support/protocol.js';

const base = '/run';
const sessions = [0x100n, 0x200n] as const;

function stat(zxid: bigint, overrides: Partial<Stat> = {}): Stat {
  return {
    czxid: zxid,
    mzxid: zxid,
    ctime: 1_000n + zxid,
    mtime: 1_000n + zxid,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    dataLength: 0,
    numChildren: 0,
    pzxid: zxid,
    ...overrides,
  };
}

function outcome(zxid: bigint, body: OpOutcome['body'], err = 0): OpOutcome {
  return { err, zxid, body, notifications: [[], []] };
}

/** Four setup creates (as diff-runner sends), then one op per `ops` entry. */
function sampleRun(shift = 0n): RunRecord {
  const z = (n: bigint): bigint => n + shift;
  const created = (path: string, n: bigint): OpOutcome =>
    outcome(z(n), { type: 'create', path: `${base}${path}`, stat: null });
  return {
    base,
    sessionIds: [...sessions],
    outcomes: [
      created('', 10n),
      created('/a', 11n),
      created('/b', 12n),
      created('/a/b', 13n),
      outcome(z(14n), {
        type: 'stat',
        stat: stat(z(11n), { mzxid: z(14n), mtime: 1_014n + shift, version: 1 }),
      }),
      outcome(z(14n), {
        type: 'getChildren',
        children: ['b', 'a'],
        stat: stat(z(10n), { numChildren: 2, cversion: 2, pzxid: z(12n) }),
      }),
      outcome(z(15n), {
        type: 'create',
        path: `${base}/e`,
        stat: stat(z(15n), { ephemeralOwner: sessions[1] }),
      }),
    ],
  };
}

const opsFor = (count: number): DiffOp[] =>
  Array.from({ length: count }, () => ({ session: 0, request: { type: 'sync', path: '@' } }));

describe('differential harness: normalization', () => {
  test('zxids become their rank within the run; 0 and −1 stay literal', () => {
    const label = zxidRanks([outcome(70n, null), outcome(5n, { type: 'stat', stat: stat(40n) })]);
    const labels = [label(5n), label(40n), label(70n), label(0n), label(-1n)];
    expect(labels).toEqual(['z1', 'z2', 'z3', '0', '-1']);
  });

  test('a run shifted in zxids and times normalizes exactly as the original', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 40n }), (shift) => {
        expect(normalizeRun(sampleRun(shift))).toEqual(normalizeRun(sampleRun()));
      }),
    );
  });

  test('session ids become s0/s1, the base becomes @, children are sorted', () => {
    const { outcomes } = normalizeRun(sampleRun());
    expect(outcomes[5]?.body).toMatchObject({ children: ['a', 'b'] });
    expect(outcomes[6]?.body).toMatchObject({ path: '@/e', stat: { ephemeralOwner: 's1' } });
  });

  test('time rules: one time per zxid, never going back as zxids grow', () => {
    expect(timeIssues(sampleRun().outcomes)).toEqual([]);
    const twoTimes = [outcome(1n, { type: 'stat', stat: stat(5n, { mtime: 9n }) })];
    expect(timeIssues(twoTimes)).toHaveLength(1);
    const backwards = [outcome(1n, { type: 'stat', stat: stat(5n, { mzxid: 6n, mtime: 2n }) })];
    expect(timeIssues(backwards)[0]).toMatch(/time goes back/);
  });
});

/** Every way to change one observable thing in op 4..6 of the sample run. */
const mutations: readonly ((run: RunRecord) => void)[] = [
  (run) => {
    const o = run.outcomes[4];
    if (o?.body?.type === 'stat') o.body.stat.version += 1;
  },
  (run) => {
    const o = run.outcomes[5];
    if (o?.body?.type === 'getChildren' && o.body.stat !== null) o.body.stat.cversion -= 1;
  },
  (run) => {
    const o = run.outcomes[5];
    if (o?.body?.type === 'getChildren') o.body.children.push('c');
  },
  (run) => {
    const o = run.outcomes[6];
    if (o?.body?.type === 'create' && o.body.stat !== null) {
      o.body.stat.ephemeralOwner = sessions[0];
    }
  },
  (run) => {
    const o = run.outcomes[6];
    if (o?.body?.type === 'create') o.body.path = `${base}/f`;
  },
  (run) => {
    const o = run.outcomes[4];
    if (o !== undefined) o.err = -101;
  },
  (run) => {
    const o = run.outcomes[4];
    if (o?.body?.type === 'stat') o.body.stat.pzxid = 13n;
  },
  (run) => {
    const event = { type: 3, state: 3, path: '/run/a' };
    run.outcomes[5]?.notifications[1]?.push({ zxid: -1n, event });
  },
];

describe('differential harness: comparison catches planted bugs', () => {
  test('identical runs agree, with or without the known-differences table', () => {
    for (const useKnownDifferences of [false, true]) {
      const comparison = compareRuns({
        ops: opsFor(3),
        left: sampleRun(),
        right: sampleRun(7n),
        names: ['left', 'right'],
        useKnownDifferences,
      });
      expect(comparison.mismatch).toBeNull();
    }
  });

  test('any single planted change is reported at its op', () => {
    fc.assert(
      fc.property(fc.nat({ max: mutations.length - 1 }), fc.boolean(), (which, onLeft) => {
        const left = sampleRun();
        const right = sampleRun();
        mutations[which]?.(onLeft ? left : right);
        const comparison = compareRuns({
          ops: opsFor(3),
          left,
          right,
          names: ['left', 'right'],
          useKnownDifferences: true,
        });
        expect(comparison.mismatch).toMatch(/^op #[456] differs/);
      }),
    );
  });
});

const ok: NormalizedOutcome = {
  err: 0,
  zxid: 'z1',
  body: { type: 'stat' },
  notifications: [[], []],
};
const noAuth: NormalizedOutcome = { err: -102, zxid: 'z1', body: null, notifications: [[], []] };
const difference = (id: string) => {
  const found = knownDifferences.find((d) => d.id === id);
  if (found === undefined) throw new Error(`no known difference ${id}`);
  return found;
};
const exists: Request = { type: 'exists', path: '@/a', watch: true };

describe('differential harness: known differences are gated, not hidden', () => {
  test('each entry names its ZooKeeper change; notGenerated entries never reconcile', () => {
    for (const entry of knownDifferences) {
      expect(entry.zookeeper).toMatch(/ZOOKEEPER-\d+|Apache bug/);
      if (entry.gate === 'notGenerated') {
        expect(entry.reconcile({ request: exists, apache: ok, zoo: noAuth })).toBeNull();
      }
    }
  });

  test('exists-requires-read matches only exists answered OK by 3.8.0 and NoAuth by Zoo', () => {
    const gate = difference('exists-requires-read');
    expect(gate.reconcile({ request: exists, apache: ok, zoo: noAuth })).toEqual(ok);
    const getData: Request = { type: 'getData', path: '@/a', watch: true };
    expect(gate.reconcile({ request: getData, apache: ok, zoo: noAuth })).toBeNull();
    const noNode = { ...noAuth, err: -101 };
    expect(gate.reconcile({ request: exists, apache: ok, zoo: noNode })).toBeNull();
    expect(gate.reconcile({ request: exists, apache: noAuth, zoo: ok })).toBeNull();
  });

  test('multi-create2-stat drops only a create2 stat that 3.8.0 answered without', () => {
    const gate = difference('multi-create2-stat');
    const createOp = (variant: 'create' | 'create2'): MultiOp => ({
      type: 'create',
      variant,
      path: '@/x',
      data: null,
      acl: [],
      flags: 0,
      ttl: -1n,
    });
    const result = (withStat: boolean): object => ({
      type: 'create',
      path: '@/x',
      stat: withStat ? { version: 0 } : null,
    });
    const answer = (withStat: boolean): NormalizedOutcome => ({
      ...ok,
      body: { type: 'multi', results: [result(withStat)] },
    });
    const create2: Request = { type: 'multi', ops: [createOp('create2')] };
    const [without, withStat] = [answer(false), answer(true)];
    expect(gate.reconcile({ request: create2, apache: without, zoo: withStat })).toEqual(without);
    const plain: Request = { type: 'multi', ops: [createOp('create')] };
    expect(gate.reconcile({ request: plain, apache: without, zoo: withStat })).toBeNull();
  });

  test('the Reconciler sets aside one orphan watch event after a gated exists, not two', () => {
    const reconciler = new Reconciler();
    reconciler.reconcile({ request: exists, session: 0, apache: ok, zoo: noAuth });
    const event = '3 @/a -1 state3';
    const withEvent: NormalizedOutcome = { ...ok, notifications: [[event], []] };
    const again = { request: exists, session: 1 };
    const first = reconciler.reconcile({ ...again, apache: withEvent, zoo: ok });
    expect(first.apache).toEqual(ok);
    const second = reconciler.reconcile({ ...again, apache: withEvent, zoo: ok });
    expect(second.apache).toEqual(withEvent);
    expect(reconciler.gated.get('exists-requires-read')).toBe(2);
  });
});
