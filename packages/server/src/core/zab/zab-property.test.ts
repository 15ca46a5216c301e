// Property: under any schedule of deliveries, ticks, proposals, partitions, slow disks, crashes
// and restarts, every replica applies a prefix of one agreed txn sequence (checked at every
// apply); after a final heal all replicas converge on it, so nothing applied anywhere is lost.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ZabCommand, ZabScenario } from './zab-scenario.js';
import { runZabScenario } from './zab-scenario.js';

function commandArbitrary(size: number): fc.Arbitrary<ZabCommand> {
  const node = fc.integer({ min: 1, max: size });
  const ids = Array.from({ length: size }, (_, index) => index + 1);
  const pair = fc.tuple(node, node).filter(([a, b]) => a !== b);
  const count = fc.integer({ min: 1, max: 6 });
  const ms = (min: number, max: number) => fc.integer({ min, max });
  const entry = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
  return fc.oneof(
    entry(10, fc.record({ kind: fc.constant('deliver'), from: node, to: node, count })),
    entry(6, fc.constant({ kind: 'deliverAll' } as const)),
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

function scenarioArbitrary(sizes: readonly number[], commandsMax: number) {
  const shape = fc.tuple(fc.constantFrom(...sizes), fc.constantFrom(0, 0, 1));
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

/** The property itself: converge, and every live replica holds exactly the agreed sequence. */
export const stats = {
  runs: 0,
  committed: 0,
  commands: 0,
  transcript: 0,
  kinds: {} as Record<string, number>,
};
function holds(scenario: ZabScenario, testing = {}): void {
  const { network, isConverged } = runZabScenario(scenario, testing);
  stats.runs += 1;
  stats.committed += network.committed.length;
  stats.commands += scenario.commands.length;
  stats.transcript += network.transcript.length;
  for (const kind of ['trunc', 'snap', 'crash', 'restart', 'inform', 'diff', 'leaderInfo e3']) {
    if (network.transcript.some((line) => line.includes(kind))) {
      stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1;
    }
  }
  if (!isConverged) throw new Error(`did not converge:\n${network.describe()}`);
  for (const node of network.liveNodes()) {
    const zxids = node.host.state.map((txn) => txn.zxid);
    expect(zxids).toEqual(network.committed.map((txn) => txn.zxid));
  }
}

describe('zab property', () => {
  test('random faults then a heal: replicas agree, converge, and lose nothing applied', () => {
    fc.assert(
      fc.property(scenarioArbitrary([1, 3, 3, 5, 7], 300), (scenario) => holds(scenario)),
      { numRuns: Number(process.env['ZAB_RUNS'] ?? 150) },
    );
    console.log(stats);
  });
});

describe('zab property planted bugs', () => {
  test('a leader that commits without a quorum makes the property fail', () => {
    const result = fc.check(
      fc.property(scenarioArbitrary([3, 5], 300), (scenario) =>
        holds(scenario, { commitWithoutQuorum: true }),
      ),
      { numRuns: Number(process.env['ZAB_BUG_RUNS'] ?? 300) },
    );
    console.log(result.failed, result.numRuns, String(result.errorInstance).slice(0, 300));
    expect(result.failed).toBe(true);
  });

  test('learners that ack before their write is durable make the property fail', () => {
    const result = fc.check(
      fc.property(scenarioArbitrary([3, 5], 300), (scenario) =>
        holds(scenario, { ackBeforePersist: true }),
      ),
      { numRuns: Number(process.env['ZAB_BUG_RUNS'] ?? 300) },
    );
    console.log(result.failed, result.numRuns, String(result.errorInstance).slice(0, 300));
    expect(result.failed).toBe(true);
  });
});
