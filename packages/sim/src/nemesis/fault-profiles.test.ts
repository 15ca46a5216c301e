// Fault profiles change what a schedule draws, and nothing else: `even` draws what a scenario
// without a profile always drew, each heavy profile draws its own faults far more often, a
// failure still shrinks to a one-fault schedule, and `rotate` cycles through every profile.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scheduleArbitrary, type ScenarioBase } from '../arbitraries.js';
import { faultKinds, faultProfiles } from '../scenario.js';
import type { Fault, FaultProfile, FaultStep } from '../scenario.js';
import { profileAt, profileRotation } from './fault-profiles.js';

// Every kind without schedule templates (multiCrash; sessionRace brings one too): a template is
// a unit of its own (a crash-and-restart schedule of many steps, drawn beside the single
// faults), which the profiles do not weigh.
const singleKinds = faultKinds.filter((kind) => kind !== 'multiCrash' && kind !== 'sessionRace');
const base: ScenarioBase = { nodes: 5, clients: 10, durationMs: 20_000, faults: singleKinds };

type Category = 'partition' | 'crash' | 'disk' | 'client';

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
    default:
      return null;
  }
}

/** The share of each category (and of the leader-pair shape) among the faults drawn. */
function shares(profile: FaultProfile | undefined): Map<string, number> {
  const schedules = fc.sample(scheduleArbitrary({ ...base, ...(profile && { profile }) }), {
    seed: 17,
    numRuns: 300,
  });
  const faults = schedules.flat().map((step) => step.fault);
  const counts = new Map<string, number>();
  for (const fault of faults) {
    const keys = [categoryOf(fault), fault.type === 'isolateLeaderPair' ? 'leaderPair' : null];
    for (const key of keys) if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].map(([key, count]) => [key, count / faults.length]));
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
