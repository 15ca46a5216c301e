// Fault profiles change what a schedule draws, and nothing else: `even` draws what a scenario
// without a profile always drew, each heavy profile draws its own faults far more often, a
// failure still shrinks to a one-fault schedule, and `rotate` cycles through every profile.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scheduleArbitrary, scheduleUnitsArbitrary, type ScenarioBase } from '../arbitraries.js';
import { faultKinds, faultProfiles } from '../scenario.js';
import type { Fault, FaultProfile, FaultStep } from '../scenario.js';
import { profileAt, profileRotation } from './fault-profiles.js';

// Every kind, the two with schedule templates (multiCrash; sessionRace) included: a template is
// a unit of its own (a crash-and-restart schedule of many steps, drawn beside the single
// faults), counted as one draw of its kind.
const base: ScenarioBase = { nodes: 5, clients: 10, durationMs: 20_000, faults: [...faultKinds] };

type Category = 'partition' | 'crash' | 'disk' | 'client' | 'multiCrash' | 'sessionRace';

/**
 * What a fault mostly exercises; heals, server pauses, clocks and slow links count as none. A
 * crash that names what its unsynced writes meet is a disk fault (only the disk kind draws it).
 */
function categoryOf(fault: Fault): Category | null {
  switch (fault.type) {
    case 'partition':
    case 'isolateLeader':
    case 'isolateLeaderPair':
    case 'oneWay':
    case 'ring':
    case 'bridge':
      return 'partition';
    case 'crash':
    case 'crashAt':
      return fault.unsynced === undefined ? 'crash' : 'disk';
    case 'restart':
      return 'crash';
    case 'diskStall':
    case 'diskError':
    case 'bitFlip':
      return 'disk';
    case 'crashClient':
    case 'restartClient':
    case 'pauseClient':
    case 'partitionClients':
    case 'lagMember':
      return 'client';
    case 'sessionRace':
      return 'sessionRace';
    default:
      return null;
  }
}

/**
 * The share of each category (and of the leader-pair shape) among the units drawn: a single
 * fault counts by what it exercises, a whole template as one draw of its kind.
 */
function shares(profile: FaultProfile | undefined): Map<string, number> {
  const arbitrary = scheduleUnitsArbitrary({ ...base, ...(profile && { profile }) });
  const units = fc.sample(arbitrary, { seed: 17, numRuns: 300 }).flat();
  const counts = new Map<string, number>();
  for (const unit of units) {
    const [first] = unit.steps;
    if (first === undefined) continue;
    const fault = first.fault;
    const template = unit.template === null ? null : templateKindOf(unit.template);
    const keys = [
      template ?? categoryOf(fault),
      // A multi-crash template is crashes too.
      template === 'multiCrash' ? 'crash' : null,
      unit.template === null && fault.type === 'isolateLeaderPair' ? 'leaderPair' : null,
    ];
    for (const key of keys) if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].map(([key, count]) => [key, count / units.length]));
}

function templateKindOf(name: string): Category {
  return name === 'raceThenLeaderCrash' ? 'sessionRace' : 'multiCrash';
}

describe('fault profiles', () => {
  test('even draws exactly the schedules a scenario without a profile draws', () => {
    const draw = (profile?: FaultProfile): FaultStep[][] =>
      fc.sample(scheduleArbitrary({ ...base, ...(profile && { profile }) }), {
        seed: 5,
        numRuns: 50,
      });
    expect(draw('even')).toEqual(draw());
    expect(draw('partition-heavy')).not.toEqual(draw());
  });

  test.each([
    ['partition-heavy', 'partition'],
    ['crash-heavy', 'crash'],
    ['disk-heavy', 'disk'],
    ['client-heavy', 'client'],
  ] as const)('%s draws mostly %s faults, far more than even', (profile, category) => {
    const even = shares(undefined);
    const heavy = shares(profile);
    expect(heavy.get(category) ?? 0).toBeGreaterThan(1.3 * (even.get(category) ?? 1));
    const others = (['partition', 'crash', 'disk', 'client'] as const).filter(
      (c) => c !== category,
    );
    for (const other of others) {
      expect(heavy.get(category) ?? 0).toBeGreaterThan(heavy.get(other) ?? 0);
    }
  });

  test.each([
    ['crash-heavy', 'multiCrash'],
    ['client-heavy', 'sessionRace'],
  ] as const)('%s draws the %s templates and faults far more often than even', (p, kind) => {
    const even = shares(undefined).get(kind) ?? 0;
    const heavy = shares(p).get(kind) ?? 0;
    expect(even).toBeGreaterThan(0);
    expect(heavy).toBeGreaterThan(2 * even);
  });

  test('partition-heavy cuts the leader off with one follower several times as often', () => {
    const even = shares(undefined).get('leaderPair') ?? 0;
    const heavy = shares('partition-heavy').get('leaderPair') ?? 0;
    expect(even).toBeGreaterThan(0);
    expect(heavy).toBeGreaterThan(3 * even);
  });

  test('a failure under a profile still shrinks to the one fault that matters', () => {
    const partitionHeavy = { ...base, profile: 'partition-heavy' as const };
    const details = fc.check(
      fc.property(scheduleArbitrary(partitionHeavy), (schedule) =>
        schedule.every((step) => step.fault.type !== 'isolateLeaderPair'),
      ),
      { seed: 3, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    expect(details.numShrinks).toBeGreaterThan(0);
    const [schedule] = details.counterexample ?? [[]];
    expect(schedule).toEqual([{ atMs: 0, fault: { type: 'isolateLeaderPair', follower: 1 } }]);
  });

  test('rotate gives each run the next profile in turn; a named profile every run', () => {
    const rotated = Array.from({ length: 12 }, (_, index) => profileAt('rotate', index));
    expect(new Set(rotated.slice(0, faultProfiles.length))).toEqual(new Set(faultProfiles));
    expect(rotated.slice(0, 5)).toEqual(profileRotation);
    expect(rotated.slice(5, 10)).toEqual(profileRotation);
    expect(rotated.slice(10)).toEqual(profileRotation.slice(0, 2));
    expect(profileAt('disk-heavy', 7)).toBe('disk-heavy');
  });
});
