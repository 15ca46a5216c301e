// `--profile`: one fault profile for every seed, or `rotate`, each seed the next profile in
// turn. Run i of a sweep is drawn by fast-check from its i-th random stream, whatever the
// arbitrary; so the sweep draws run i from its profile's arbitrary, and the shrinker, replaying
// run i by its path with that same arbitrary, starts from the very scenario that failed.

import fc from 'fast-check';
import { faultProfiles, type FaultProfile, type Scenario } from '../scenario.js';
import { profileAt } from '../nemesis/fault-profiles.js';

export type ProfileOption = FaultProfile | 'rotate';
export const profileChoices: readonly string[] = [...faultProfiles, 'rotate'];

type Base = Omit<Scenario, 'seed' | 'schedule'>;

/**
 * The arbitrary of each run: the base with run i's profile (`even` leaves the base as is) and,
 * given `shapeFor`, run i's voter and observer counts (no observers leaves them out).
 */
export function profiledArbitraries(
  base: Base,
  option: ProfileOption,
  scenarioArbitrary: (base: Base) => fc.Arbitrary<Scenario>,
  shapeFor?: (index: number) => { nodes: number; observers: number },
): (index: number) => fc.Arbitrary<Scenario> {
  const byKey = new Map<string, fc.Arbitrary<Scenario>>();
  return (index) => {
    const profile = profileAt(option, index);
    const shape = shapeFor?.(index);
    const key = `${profile} ${shape?.nodes ?? ''} ${shape?.observers ?? ''}`;
    let arbitrary = byKey.get(key);
    if (arbitrary === undefined) {
      let shaped: Base = base;
      if (shape !== undefined) {
        const { observers: _, ...rest } = base;
        shaped = { ...rest, nodes: shape.nodes };
        if (shape.observers > 0) shaped.observers = shape.observers;
      }
      arbitrary = scenarioArbitrary(profile === 'even' ? shaped : { ...shaped, profile });
      byKey.set(key, arbitrary);
    }
    return arbitrary;
  };
}

/** The scenarios fast-check draws for `seed`: the same values, in the same order, as fc.check. */
export function drawScenarios(
  arbitraryFor: (index: number) => fc.Arbitrary<Scenario>,
  seed: number,
  count: number,
): Scenario[] {
  const drawn = new Map<fc.Arbitrary<Scenario>, Scenario[]>();
  // Each arbitrary draws only as far as the last run that uses it.
  const lastUse = new Map<fc.Arbitrary<Scenario>, number>();
  for (let index = 0; index < count; index += 1) lastUse.set(arbitraryFor(index), index);
  return Array.from({ length: count }, (_, index) => {
    const arbitrary = arbitraryFor(index);
    let scenarios = drawn.get(arbitrary);
    if (scenarios === undefined) {
      scenarios = drawAll(arbitrary, seed, (lastUse.get(arbitrary) ?? index) + 1);
      drawn.set(arbitrary, scenarios);
    }
    const scenario = scenarios[index];
    if (scenario === undefined) throw new Error(`fast-check drew no run ${index}`);
    return scenario;
  });
}

/** The first `count` values fast-check draws from `arbitrary` for `seed`. */
function drawAll(arbitrary: fc.Arbitrary<Scenario>, seed: number, count: number): Scenario[] {
  const scenarios: Scenario[] = [];
  const collect = fc.property(arbitrary, (scenario) => {
    scenarios.push(scenario);
    return true;
  });
  fc.assert(collect, { seed, numRuns: count });
  return scenarios;
}
