// Differential test: fast-check generates random request sequences (every create mode incl.
// sequential, container and TTL; versions; ACLs; multi; watches; bad paths) and runs each on
// Apache ZooKeeper 3.8 and on Zoo over the raw wire, comparing every reply, Stat and event.
// Two Apache servers are also compared with each other, which proves the harness itself
// (normalization, lockstep, flushing of events) is deterministic; that part runs without Zoo.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { diffRunArbitrary } from './support/diff-ops.js';
import { compareRuns, runOnBoth } from './support/diff-runner.js';
import { knownDifferences } from './support/known-differences.js';
import {
  apacheTarget,
  resolveTargets,
  warnUnavailable,
  type Target,
  type TargetServer,
} from './support/targets.js';

const targets = await resolveTargets({ ensemble: true });
warnUnavailable('differential', targets);
const apache = targets.find((t) => t.target.name === 'apache');
const zoo = targets.find((t) => t.target.name === 'zoo');
const isApacheAvailable = apache?.isAvailable === true;
const isZooAvailable = zoo?.isAvailable === true;
/** Zoo alone and Zoo as a 3-member ensemble (through a follower) are both compared. */
const zooTargets = targets.filter((t) => t.target.name !== 'apache');

// Replay a failure with the seed and path fast-check printed:
//   ZOO_DIFF_SEED=<seed> ZOO_DIFF_PATH=<path> pnpm vitest run test/differential.test.ts
const seedText = process.env['ZOO_DIFF_SEED'];
const replayPath = process.env['ZOO_DIFF_PATH'];
const replay = {
  ...(seedText === undefined ? {} : { seed: Number(seedText) }),
  ...(replayPath === undefined ? {} : { path: replayPath }),
};
const runsZoo = Number(process.env['ZOO_DIFF_RUNS'] ?? 100);
/** Every write in the ensemble is a quorum round trip, so it gets fewer runs by default. */
const runsEnsemble = Number(process.env['ZOO_DIFF_RUNS_ENSEMBLE'] ?? 50);
/** The self-check proves the harness; with Zoo present it needs fewer runs. */
const runsSelfCheck = isZooAvailable ? 20 : 60;
const opsMax = 25;
/** One nonce per file run keeps bases unique even on a server reused by hand. */
const nonce = Math.floor(Math.random() * 1e6).toString(36);
const serverOptions = { tickMs: 2000, containerCheckIntervalMs: 3_600_000 };

function startPair(
  left: Target,
  right: Target,
): {
  servers: () => readonly [TargetServer, TargetServer];
} {
  let pair: [TargetServer, TargetServer] | undefined;
  beforeAll(async () => {
    const started = await Promise.allSettled([
      left.start(serverOptions),
      right.start(serverOptions),
    ]);
    const [a, b] = started;
    if (a?.status === 'fulfilled' && b?.status === 'fulfilled') {
      pair = [a.value, b.value];
      return;
    }
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    const failed = started.find((s) => s.status === 'rejected');
    throw failed?.status === 'rejected' ? failed.reason : new Error('servers did not start');
  });
  afterAll(async () => {
    await Promise.all((pair ?? []).map((server) => server.stop()));
  });
  return {
    servers: () => {
      if (pair === undefined) throw new Error('servers did not start');
      return pair;
    },
  };
}

async function checkSequences(options: {
  servers: readonly [TargetServer, TargetServer];
  names: readonly [string, string];
  numRuns: number;
  useKnownDifferences: boolean;
  label: string;
}): Promise<Map<string, number>> {
  const gatedTotal = new Map<string, number>();
  let counter = 0;
  await fc.assert(
    fc.asyncProperty(diffRunArbitrary(opsMax), async (ops) => {
      counter += 1;
      const base = `/diff-${options.label}-${nonce}-${counter}`;
      const [left, right] = await runOnBoth(options.servers, ops, base);
      const comparison = compareRuns({
        ops,
        left,
        right,
        names: options.names,
        useKnownDifferences: options.useKnownDifferences,
      });
      for (const [id, count] of comparison.gated) {
        gatedTotal.set(id, (gatedTotal.get(id) ?? 0) + count);
      }
      if (comparison.mismatch !== null) throw new Error(comparison.mismatch);
    }),
    { numRuns: options.numRuns, ...replay },
  );
  return gatedTotal;
}

describe.skipIf(!isApacheAvailable)('differential: the harness itself', () => {
  const pair = startPair(apacheTarget, apacheTarget);

  test('two Apache servers agree on every normalized outcome', async () => {
    const gated = await checkSequences({
      servers: pair.servers(),
      names: ['apache-1', 'apache-2'],
      numRuns: runsSelfCheck,
      useKnownDifferences: false,
      label: 'self',
    });
    expect([...gated]).toEqual([]);
  }, 120_000);
});

for (const zooLike of zooTargets) {
  const name = zooLike.target.name;
  const zooTitle = `differential: ${name} against Apache ZooKeeper 3.8`;
  const zooSkipReason = !isApacheAvailable
    ? (apache?.reason ?? 'Apache ZooKeeper unavailable')
    : zooLike.reason;
  const isRunnable = isApacheAvailable && zooLike.isAvailable;
  describe.skipIf(!isRunnable)(
    isRunnable ? zooTitle : `${zooTitle} (SKIPPED: ${zooSkipReason})`,
    () => {
      const pair = startPair(apacheTarget, zooLike.target);

      test(`${name} answers random sequences as Apache does (known diffs gated)`, async () => {
        const gated = await checkSequences({
          servers: pair.servers(),
          names: ['apache', name],
          numRuns: name === 'zoo' ? runsZoo : runsEnsemble,
          useKnownDifferences: true,
          label: name,
        });
        const summary = knownDifferences.map(
          (d) => `${d.id} (${d.zookeeper}): ${gated.get(d.id) ?? 0}`,
        );
        console.info(`[differential] ${name}: gated known differences: ${summary.join('; ')}`);
        for (const id of gated.keys()) {
          expect(knownDifferences.map((d) => d.id)).toContain(id);
        }
      }, 180_000);
    },
  );
}
