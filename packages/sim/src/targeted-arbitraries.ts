// Arbitraries of the fault kinds aimed at one weak spot each: the leader cut off with exactly
// one follower (`leaderPair`), and a member that falls behind while clients resume their
// sessions on it (`lagging`). The leader is only known when the fault applies, so the faults
// name a member and the nemesis steps past it if it leads.

import fc from 'fast-check';
import { serverIds } from './scenario.js';
import type { Fault, Scenario } from './scenario.js';

type Ensemble = Pick<Scenario, 'nodes' | 'observers'>;

/** Lag at most this: below syncLimit (5 ticks of 1 s), so that the member is never dropped. */
export const lagDelayMaxMs = 1_500;

/**
 * The leader and one follower against the rest, and a heal (the kind may be drawn alone). It
 * needs a follower on each side, so three voters at least.
 */
export function leaderPairFaults(ensemble: Ensemble): fc.Arbitrary<Fault>[] {
  if (ensemble.nodes < 3) return [];
  const follower = fc.integer({ min: 1, max: ensemble.nodes });
  return [
    follower.map((id): Fault => ({ type: 'isolateLeaderPair', follower: id })),
    fc.constant<Fault>({ type: 'heal' }),
  ];
}

/** A member lags by 100 ms to lagDelayMaxMs for a while longer than its delay. */
export function laggingFaults(ensemble: Ensemble): fc.Arbitrary<Fault>[] {
  const ids = serverIds(ensemble);
  if (ids.length < 2) return [];
  return [
    fc
      .tuple(
        fc.constantFrom(...ids),
        fc.integer({ min: 100, max: lagDelayMaxMs }),
        fc.integer({ min: 500, max: 8_000 }),
      )
      .map(([server, delayMs, extraMs]): Fault => ({
        type: 'lagMember',
        server,
        delayMs,
        forMs: delayMs + extraMs,
      })),
  ];
}
