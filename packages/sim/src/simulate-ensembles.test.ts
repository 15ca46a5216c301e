// Ensembles the simulator once never ran: every voter count from 1 to 7 (even ones too, where a
// majority is more than half), and observers, which serve clients and learn commits but never
// vote. The faults hit observers like any member.

import { describe, expect, test } from 'vitest';
import { simulate } from './simulate.js';
import { faultKinds } from './scenario.js';
import type { FaultStep, Scenario, SimResult } from './scenario.js';

function summary(result: SimResult): string {
  const { seed, nodes, observers } = result.scenario;
  const lines = result.violations.map((v) => `  ${v.checker}: ${v.message.slice(0, 400)}`);
  const shape = `${nodes} voters, ${observers ?? 0} observers`;
  return `seed ${seed}, ${shape}, schedule ${JSON.stringify(result.schedule)}\n${lines.join('\n')}`;
}

/**
 * The lanes that spent time observing: the servers that ran as observers. A voter observes too
 * while it rejoins after losing its data (core/zab/rejoin.ts), but must vote again afterwards:
 * such a lane is left out if a later role of it follows or leads, and kept (a failure) if not.
 */
function observingLanes(result: SimResult): string[] {
  const roles = result.timeline.filter((entry) => entry.kind === 'role');
  const lanes = roles
    .filter((entry) => entry.label.startsWith('observing'))
    .filter((entry) => !roles.some((later) => isVotingAfter(later, entry)))
    .map((entry) => entry.lane);
  return [...new Set(lanes)].sort();
}

function isVotingAfter(later: SimResult['timeline'][number], entry: typeof later): boolean {
  const isVoting = later.label.startsWith('following') || later.label.startsWith('leading');
  return later.lane === entry.lane && later.startMs >= entry.startMs && isVoting;
}

describe('simulate: every ensemble shape', () => {
  // Observers rotate through 0, 1 and 2 as the voter count grows, so each count runs with some.
  test.each([1, 2, 3, 4, 5, 6, 7])('%i voters run clean under every fault kind', async (nodes) => {
    const observers = nodes % 3;
    const base = { nodes, observers, clients: 4, durationMs: 4_000, faults: [...faultKinds] };
    const result = await simulate({ ...base, seed: 100 + nodes });
    expect(result.violations, summary(result)).toEqual([]);
    const expected = Array.from({ length: observers }, (_, i) => `s${nodes + i + 1}`);
    expect(observingLanes(result)).toEqual(expected);
  });

  test('a 4-voter ensemble committing without a quorum is caught, with its observer', async () => {
    // Cut off with the leader, the planted 4-voter ensemble's leader commits alone; the other
    // three voters are a majority, elect a new leader without those txns, and the observer
    // follows it: the checkers see the lost commits. The same run without the bug is clean.
    // Whether a client write falls into that window depends on the seed (about half do): the
    // first of a few that is caught is judged.
    const schedule: FaultStep[] = [{ atMs: 1_000, fault: { type: 'isolateLeader' } }];
    const base = { nodes: 4, observers: 1, clients: 4, durationMs: 6_000, schedule };
    let caught: Scenario | null = null;
    for (let seed = 11; seed <= 14 && caught === null; seed += 1) {
      const scenario: Scenario = { ...base, seed, faults: ['partition'] };
      const planted = await simulate({ ...scenario, plantedBug: 'commitWithoutQuorum' });
      if (planted.violations.some((v) => v.checker === 'zab')) caught = scenario;
    }
    expect(caught).not.toBeNull();
    const honest = await simulate(caught ?? { ...base, seed: 0, faults: [] });
    expect(honest.violations, summary(honest)).toEqual([]);
    expect(observingLanes(honest)).toEqual(['s5']);
  });
});
