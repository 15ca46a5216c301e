// Fault profiles: weights over the fault kinds a schedule draws. Without one (`even`) every
// fault of every enabled kind is equally likely, so a kind with many shapes (partitions) is
// drawn often but each shape rarely: a 5-member ensemble almost never sees the leader cut off
// with exactly one follower. A profile first picks a kind by its weight, then a fault of that
// kind, through fast-check's weighted oneof, so a failure still shrinks as before.

import fc from 'fast-check';
import { faultProfiles } from '../scenario.js';
import type { Fault, FaultKind, FaultProfile } from '../scenario.js';

/** A kind a profile does not name weighs 1, so every enabled kind still turns up now and then. */
type KindWeights = Partial<Record<FaultKind, number>>;

/** The weights of every profile but `even`, which draws faults alike rather than kinds. */
export const profileWeights: Readonly<Record<Exclude<FaultProfile, 'even'>, KindWeights>> = {
  // With every kind enabled, each profile's own kinds take about two draws in three.
  // multiCrash and sessionRace weigh their schedule templates (see unitWeights).
  'partition-heavy': { partition: 10, leaderPair: 6, lagging: 2 },
  'crash-heavy': { crash: 12, pause: 3, multiCrash: 3 },
  'disk-heavy': { disk: 16, crash: 3 },
  'client-heavy': { client: 10, lagging: 4, reset: 2, sessionRace: 3 },
};

/** The profile of each seed in turn under `--profile rotate`: every profile, `even` first. */
export const profileRotation: readonly FaultProfile[] = faultProfiles;

/** The profile run `index` (0-based, in drawing order) gets: `rotate` cycles through them. */
export function profileAt(option: FaultProfile | 'rotate', index: number): FaultProfile {
  if (option !== 'rotate') return option;
  return profileRotation[index % profileRotation.length] ?? 'even';
}

/**
 * One fault drawn from the enabled `kinds` as `profile` weights them, or null when no kind
 * has a fault to draw (none enabled, or none fits the ensemble).
 */
export function profiledFault(
  kinds: readonly FaultKind[],
  profile: FaultProfile | undefined,
  arbitrariesOf: (kind: FaultKind) => fc.Arbitrary<Fault>[],
): fc.Arbitrary<Fault> | null {
  if (profile === undefined || profile === 'even') {
    // Exactly the draw from before profiles: a seed's schedule stays what it was.
    const faults = kinds.flatMap(arbitrariesOf);
    return faults.length === 0 ? null : fc.oneof(...faults);
  }
  const weights = profileWeights[profile];
  const weighted = kinds.flatMap((kind) => {
    const faults = arbitrariesOf(kind);
    const weight = weights[kind] ?? 1;
    return faults.length === 0 || weight <= 0 ? [] : [{ arbitrary: fc.oneof(...faults), weight }];
  });
  return weighted.length === 0 ? null : fc.oneof(...weighted);
}

/**
 * How often a schedule draws a single fault, against each template of a kind. Under `even`, as
 * before profiles weighed templates: one weight per single-fault arbitrary, 1 per template. A
 * profile weighs the single faults by the sum of their kinds' weights, and each template by its
 * kind's (a kind it does not name weighs 1): crash-heavy draws the multi-crash templates far
 * more often, client-heavy the session races.
 */
export function unitWeights(
  kinds: readonly FaultKind[],
  profile: FaultProfile | undefined,
  arbitrariesOf: (kind: FaultKind) => fc.Arbitrary<Fault>[],
): { single: number; template: (kind: FaultKind) => number } {
  if (profile === undefined || profile === 'even') {
    return { single: kinds.flatMap(arbitrariesOf).length, template: () => 1 };
  }
  const weights = profileWeights[profile];
  const weightOf = (kind: FaultKind): number => weights[kind] ?? 1;
  const single = kinds
    .filter((kind) => arbitrariesOf(kind).length > 0)
    .reduce((sum, kind) => sum + Math.max(0, weightOf(kind)), 0);
  return { single, template: weightOf };
}
