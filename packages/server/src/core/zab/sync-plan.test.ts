// The DIFF / TRUNC / SNAP decision (ZooKeeper: LearnerHandler.syncFollower), table-driven over
// one leader history, plus a property: following the plan always leaves the learner with a
// prefix of the leader's history.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Txn } from '../tree/txn.js';
import { planSync } from './sync-plan.js';
import type { SyncPlan } from './sync-plan.js';
import { ProposalLog } from './proposal-log.js';
import { makeZxid } from './zxid.js';

const z = makeZxid;
const txn = (zxid: bigint): Txn => ({
  zxid,
  timeMs: 0,
  sessionId: 1n,
  cxid: 0,
  body: { type: 'delete', path: '/x' },
});

/** Leader history (1,1) (1,2) (1,3) (3,1) (3,2), window from (1,1): base (1,1). */
function leaderLog(): ProposalLog {
  const history = [z(1, 1), z(1, 2), z(1, 3), z(3, 1), z(3, 2)].map(txn);
  // Applied up to (1,1), so the durable log's first txn becomes the window's base.
  return new ProposalLog({ log: history, appliedZxid: z(1, 1), committedLogMax: 10 });
}

describe('planSync', () => {
  const cases: [string, bigint, SyncPlan][] = [
    ['learner equal to the leader: empty DIFF', z(3, 2), { kind: 'diff', fromZxid: z(3, 2) }],
    ['learner on the history: DIFF from it', z(1, 3), { kind: 'diff', fromZxid: z(1, 3) }],
    ['learner at the window base: DIFF from it', z(1, 1), { kind: 'diff', fromZxid: z(1, 1) }],
    ['learner older than the window: SNAP', z(0, 9), { kind: 'snap' }],
    [
      'learner with an epoch-1 tail: TRUNC to (1,3)',
      z(1, 5),
      { kind: 'trunc', truncZxid: z(1, 3) },
    ],
    [
      'learner ahead in the last epoch: TRUNC to last',
      z(3, 7),
      { kind: 'trunc', truncZxid: z(3, 2) },
    ],
    ['learner in an epoch the leader lacks: SNAP', z(2, 4), { kind: 'snap' }],
    ['learner ahead in a later epoch: SNAP', z(4, 1), { kind: 'snap' }],
  ];
  test.each(cases)('%s', (_name, learnerLastZxid, plan) => {
    expect(planSync(learnerLastZxid, leaderLog())).toEqual(plan);
  });

  test('an empty leader and an empty learner: empty DIFF', () => {
    const log = new ProposalLog({ log: [], appliedZxid: 0n, committedLogMax: 10 });
    expect(planSync(0n, log)).toEqual({ kind: 'diff', fromZxid: 0n });
  });

  test('property: a learner that follows the plan holds a prefix of the leader history', () => {
    // Histories as Zab makes them: epoch e's leader keeps a prefix of epoch e−1's history and
    // adds its own txns; every log is a prefix of some epoch's history.
    const epochs = fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { minLength: 1, maxLength: 6 });
    const pick = fc.tuple(fc.nat(10), fc.nat(12));
    const input = fc.record({
      spec: epochs,
      leaderPick: pick,
      learnerPick: pick,
      start: fc.nat(8),
    });
    fc.assert(
      fc.property(input, ({ spec, leaderPick, learnerPick, start }) => {
        const histories = epochHistories(spec);
        const leader = prefixOf(histories, leaderPick);
        const learner = prefixOf(histories, learnerPick);
        const first = Math.min(start, leader.length);
        const applied = first === 0 ? 0n : (leader[first - 1] ?? 0n);
        const log = new ProposalLog({
          log: leader.slice(Math.max(0, first - 1)).map(txn),
          appliedZxid: applied,
          committedLogMax: 100,
        });
        const plan = planSync(learner.at(-1) ?? 0n, log);
        const result = apply(plan, learner, log);
        expect(leader.slice(0, result.length)).toEqual(result);
        const isPrefix = leader.slice(0, learner.length).join() === learner.join();
        if (isPrefix && (learner.at(-1) ?? 0n) >= log.baseZxid) expect(plan.kind).toBe('diff');
      }),
    );
  });
});

function epochHistories(spec: readonly [number, number][]): bigint[][] {
  const histories: bigint[][] = [];
  let history: bigint[] = [];
  spec.forEach(([keep, add], index) => {
    history = history.slice(0, Math.min(history.length, keep));
    for (let counter = 1; counter <= add; counter += 1) history.push(z(index + 1, counter));
    histories.push(history);
  });
  return histories;
}

function prefixOf(histories: readonly bigint[][], [which, length]: [number, number]): bigint[] {
  const history = histories[which % histories.length] ?? [];
  return history.slice(0, Math.min(length, history.length));
}

/** The learner's zxids after TRUNC/DIFF/SNAP and the txns the leader sends after the point. */
function apply(plan: SyncPlan, learner: readonly bigint[], log: ProposalLog): bigint[] {
  switch (plan.kind) {
    case 'snap':
      return [];
    case 'diff':
      expect(learner.at(-1) ?? 0n).toBe(plan.fromZxid);
      return [...learner, ...log.entriesAfter(plan.fromZxid).map((t) => t.zxid)];
    case 'trunc': {
      const kept = learner.filter((zxid) => zxid <= plan.truncZxid);
      expect(kept.at(-1) ?? 0n).toBe(plan.truncZxid);
      return [...kept, ...log.entriesAfter(plan.truncZxid).map((t) => t.zxid)];
    }
  }
}
