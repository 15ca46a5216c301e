// The command line of `pnpm bench` (commander): which sections run, the load of each, and the
// method (one system at a time by default, `--together` interleaved). `pnpm bench --help`.

import { Command } from 'commander';
import type { WorkloadName } from './workloads.js';
import { wireWorkloadNames } from './workloads.js';
import { recipeWorkloadNames } from './recipe-workloads.js';
import type { RecipeWorkloadName } from './recipe-workloads.js';
import { listOf, parseCount, parseDepths } from './cli-lists.js';

export const sectionNames = [
  'standalone',
  'ensemble',
  'failover',
  'recipes',
  'scaling',
  'handover',
  'leader',
  'znodes',
  'memory',
  'recovery',
] as const;
export type Section = (typeof sectionNames)[number];

/** Everything but the long memory curve, which is run on its own. */
const defaultSections = sectionNames.filter((name) => name !== 'memory');

export interface Flags {
  sections: Section[];
  clients: number;
  depth: number[];
  seconds: number;
  warmup: number;
  warmupPasses: number;
  ramp: number;
  reps: number;
  data: number;
  workloads: WorkloadName[];
  recipeWorkloads: RecipeWorkloadName[];
  contenders: number[];
  scalingClients: number[];
  scalingDepth: number;
  scalingWorkloads: WorkloadName[];
  waiters: number[];
  handovers: number;
  participants: number;
  latchRounds: number;
  znodes: number;
  failoverRounds: number;
  zooEnsemble: string;
  zkForceSync: boolean;
  durable: boolean;
  zooCpuProf?: string;
  together: boolean;
  reference: boolean;
  memoryWrites: number;
  out: string;
}

export function parseFlags(argv: readonly string[] = process.argv): Flags {
  const wire = listOf(wireWorkloadNames);
  return new Command()
    .name('zoo-bench')
    .option('--sections <list>', sectionNames.join(','), listOf(sectionNames), defaultSections)
    .option('--clients <n>', 'pipelining clients (same load generator for both)', parseCount, 8)
    .option(
      '--depth <list>',
      'requests in flight per client, one table each',
      parseDepths,
      [16, 50],
    )
    .option('--seconds <s>', 'measured seconds per workload, load and rep', Number, 3)
    .option('--warmup <s>', 'seconds per unmeasured warm-up pass of each workload', Number, 1.5)
    .option('--warmup-passes <n>', 'most warm-up passes per workload (≥ 2)', parseCount, 3)
    .option('--ramp <s>', 'unmeasured start of each measured run (pipelines fill)', Number, 0.5)
    .option('--reps <n>', 'repetitions per system, interleaved (median reported)', parseCount, 3)
    .option('--data <bytes>', 'bytes of data per create/set and per znode', Number, 100)
    .option('--workloads <list>', wireWorkloadNames.join(','), wire, [...wireWorkloadNames])
    .option(
      '--recipe-workloads <list>',
      `recipes section: ${recipeWorkloadNames.join(',')}`,
      listOf(recipeWorkloadNames),
      [...recipeWorkloadNames],
    )
    .option(
      '--contenders <list>',
      'recipes section: contenders, one table each',
      parseDepths,
      [8, 32],
    )
    .option(
      '--scaling-clients <list>',
      'scaling section: client counts',
      parseDepths,
      [1, 2, 4, 8, 16, 32, 64],
    )
    .option('--scaling-depth <n>', 'scaling section: requests in flight per client', parseCount, 1)
    .option('--scaling-workloads <list>', 'scaling section: wire workloads', wire, ['get', 'set'])
    .option(
      '--waiters <list>',
      'handover section: waiters queued on the lock',
      parseDepths,
      [1, 8, 32],
    )
    .option('--handovers <n>', 'handover section: hand-overs timed per count', parseCount, 200)
    .option('--participants <n>', 'leader section: LeaderLatch participants', parseCount, 3)
    .option('--latch-rounds <n>', 'leader section: leader sessions closed', parseCount, 20)
    .option('--znodes <n>', 'znodes and recovery sections: znodes created', parseCount, 1_000_000)
    .option(
      '--memory-writes <n>',
      'memory section: writes per configuration',
      parseCount,
      1_000_000,
    )
    .option('--failover-rounds <n>', 'leader kills per system (median reported)', Number, 3)
    .option('--zoo-ensemble <layout>', 'processes (one per member) or one-process', 'processes')
    .option('--zk-force-sync', 'let ZooKeeper fsync its txn log (forceSync=yes)', false)
    .option('--durable', 'durable Zoo (a data dir) against ZooKeeper with forceSync=yes', false)
    .option('--zoo-cpu-prof <dir>', 'write node --cpu-prof profiles of Zoo servers into <dir>')
    .option(
      '--together',
      'keep both systems up for a whole section, interleaving runs (default: one at a time)',
      false,
    )
    .option('--no-reference', 'skip Apache ZooKeeper')
    .option('--out <dir>', 'where results.json and report.html are written', 'bench/results')
    .parse(argv)
    .opts<Flags>();
}
