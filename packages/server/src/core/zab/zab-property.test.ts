// Property: under any schedule of deliveries, ticks, proposals, partitions, slow disks, crashes
// and restarts, every replica applies a prefix of one agreed txn sequence (checked at every
// apply, with Integrity and Leadership checked at every write), and after a final heal all
// replicas converge on it — so nothing applied anywhere is lost. Explore deeper with
// `ZAB_RUNS=30000 pnpm vitest run packages/server/src/core/zab/zab-property.test.ts`.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ZabCommand, ZabScenario } from './testing/zab-scenario.js';
import { runZabScenario } from './testing/zab-scenario.js';
import type { PlantedBugs } from './planted-bugs.js';

function commandArbitrary(size: number): fc.Arbitrary<ZabCommand> {
  const node = fc.integer({ min: 1, max: size });
  const ids = Array.from({ length: size }, (_, index) => index + 1);
  // Pairs may repeat a node (cutting a node from itself does nothing): a filter would never
  // terminate for a lone voter.
  const pair = fc.tuple(node, node);
  const count = fc.integer({ min: 1, max: 6 });
  const ms = (min: number, max: number) => fc.integer({ min, max });
  const entry = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
  return fc.oneof(
    entry(10, fc.record({ kind: fc.constant('deliver'), from: node, to: node, count })),
    entry(6, fc.constant({ kind: 'deliverAll' } as const)),
    entry(
      1,
      pair.map(([from, to]) => ({ kind: 'drop', from, to }) as const),
    ),
    entry(6, fc.record({ kind: fc.constant('tick'), ms: ms(10, 200) })),
    entry(1, fc.record({ kind: fc.constant('tick'), ms: ms(200, 1_500) })),
    // Node 0 is whichever node serves as leader now.
    entry(8, fc.record({ kind: fc.constant('propose'), node: fc.constant(0), count })),
    entry(2, fc.record({ kind: fc.constant('propose'), node, count })),
    entry(
      1,
      pair.map(([a, b]) => ({ kind: 'cut', a, b }) as const),
    ),
    entry(
      1,
      pair.map(([a, b]) => ({ kind: 'heal', a, b }) as const),
    ),
    entry(
      1,
      node.map((n) => ({ kind: 'isolate', node: n }) as const),
    ),
    entry(1, fc.constant({ kind: 'healAll' } as const)),
    entry(1, fc.record({ kind: fc.constant('crash'), node, keptOps: ms(0, 4) })),
    entry(1, fc.record({ kind: fc.constant('crash'), node: fc.constant(0), keptOps: ms(0, 4) })),
    entry(1, fc.record({ kind: fc.constant('crashMany'), nodes: fc.subarray(ids) })),
    entry(
      3,
      node.map((n) => ({ kind: 'restart', node: n }) as const),
    ),
    entry(
      2,
      node.map((n) => ({ kind: 'hold', node: n }) as const),
    ),
    entry(
      2,
      node.map((n) => ({ kind: 'flush', node: n }) as const),
    ),
  );
}

function scenarioArbitrary(
  sizes: readonly number[],
  commandsMax: number,
): fc.Arbitrary<ZabScenario> {
  const shape = fc.tuple(fc.constantFrom(...sizes), fc.constantFrom(0, 0, 1, 2));
  return shape.chain(([size, observers]) =>
    fc.record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      size: fc.constant(size),
      observers: fc.constant(observers),
      committedLogMax: fc.integer({ min: 1, max: 40 }),
      isWarm: fc.boolean(),
      commands: fc.array(commandArbitrary(size + observers), {
        minLength: Math.floor(commandsMax / 3),
        maxLength: commandsMax,
      }),
    }),
  );
}

/** Which protocol paths a run went through, to check the schedules reach them at all. */
const pathsOfInterest = ['trunc', 'snap', 'inform', 'crash', 'leaderInfo e3'] as const;

/** The property: converge, and every live replica holds exactly the agreed sequence. */
function holds(scenario: ZabScenario, plantedBugs: PlantedBugs, seen: Set<string>): void {
  const { network, isConverged } = runZabScenario(scenario, plantedBugs);
  for (const path of pathsOfInterest) {
    if (network.transcript.some((line) => line.includes(path))) seen.add(path);
  }
  if (!isConverged) throw new Error(`did not converge:\n${network.describe()}`);
  const agreed = network.committed.map((txn) => txn.zxid);
  for (const node of network.liveNodes()) {
    expect(node.host.state.map((txn) => txn.zxid)).toEqual(agreed);
  }
}

/** Runs the property with a planted bug; the run stops at the first failure. */
function checkPlanted(plantedBugs: PlantedBugs, seed: number): fc.RunDetails<[ZabScenario]> {
  const property = fc.property(scenarioArbitrary([3, 5], 300), (scenario) =>
    holds(scenario, plantedBugs, new Set()),
  );
  return fc.check(property, { seed, numRuns: 3_000, endOnFailure: true });
}

describe('zab property', () => {
  test('random faults then a heal: replicas agree, converge, and lose nothing applied', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarioArbitrary([1, 2, 3, 4, 5, 6, 7], 300), (scenario) =>
        holds(scenario, {}, seen),
      ),
      { numRuns: Number(process.env['ZAB_RUNS'] ?? 300) },
    );
    // The schedules must actually reach the sync paths, crashes and later epochs.
    expect([...seen].sort()).toEqual([...pathsOfInterest].sort());
  });
});

describe('zab property: planted bugs make it fail', () => {
  test('a leader that commits without a quorum', () => {
    const result = checkPlanted({ commitWithoutQuorum: true }, 1);
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/agreement violated|not agreed/);
  });

  test('learners that ack before their write is durable', () => {
    const result = checkPlanted({ ackBeforePersist: true }, 1);
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/agreement violated|not agreed/);
  });
});
