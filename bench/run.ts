// `pnpm bench`: Zoo against Apache ZooKeeper 3.8 on this machine — standalone and 3-server
// ensemble throughput, p50/p99 and server CPU per operation of pipelining clients at each depth,
// and leader failover time. `--sections standalone,ensemble,failover` picks what runs.
// Fairness: both systems are child processes started alike (same session and autogroup); by
// default only one system runs at a time, and each repetition starts it fresh, warms it with
// every workload until two passes agree within 10 %, measures every workload at every depth and
// stops it, alternating Zoo and ZooKeeper rep by rep (a restart per rep costs a few seconds on
// 2 cores but makes the reps independent and keeps drift in the machine's load on both sides).
// The tables give medians with min–max and Zoo/ZooKeeper ratios of the medians.

import os from 'node:os';
import { Command } from 'commander';
import type { WorkloadName } from './workloads.js';
import { startReference, startZoo } from './targets.js';
import { startReferenceEnsemble, startZooEnsemble } from './ensemble-targets.js';
import type { EnsembleTarget, ZooEnsembleOptions } from './ensemble-targets.js';
import { runFailoverRound } from './failover.js';
import { compare } from './compare.js';
import type { FailoverRound } from './failover.js';
import { printFailover } from './report.js';
import { listOf, parseCount, parseDepths } from './cli-lists.js';
import { runThroughputSection } from './throughput-section.js';
import { memorySection } from './memory-report.js';
import type { MeasuredSystem, ThroughputPlan } from './throughput-section.js';

const sectionNames = ['standalone', 'ensemble', 'failover', 'memory'] as const;
type Section = (typeof sectionNames)[number];

const program = new Command()
  .name('zoo-bench')
  .option('--sections <list>', 'standalone,ensemble,failover,memory', listOf(sectionNames), [
    'standalone',
    'ensemble',
    'failover',
  ])
  .option('--memory-writes <n>', 'memory section: writes per configuration', parseCount, 1_000_000)
  .option('--clients <n>', 'pipelining clients (same load generator for both)', parseCount, 8)
  .option('--depth <list>', 'requests in flight per client, one table each', parseDepths, [16, 50])
  .option('--seconds <s>', 'measured seconds per workload, depth and rep', Number, 3)
  .option('--warmup <s>', 'seconds per unmeasured warm-up pass of each workload', Number, 1.5)
  .option('--warmup-passes <n>', 'most warm-up passes per workload (≥ 2)', parseCount, 3)
  .option('--ramp <s>', 'unmeasured start of each measured run (pipelines fill)', Number, 0.5)
  .option('--reps <n>', 'repetitions per system, interleaved (median reported)', parseCount, 3)
  .option('--data <bytes>', 'bytes of data per create/set', Number, 100)
  .option('--workloads <list>', 'create,set,get', listOf(['create', 'set', 'get'] as const), [
    'create',
    'set',
    'get',
  ])
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
  .parse();

interface Flags {
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
  failoverRounds: number;
  zooEnsemble: string;
  zkForceSync: boolean;
  durable: boolean;
  zooCpuProf?: string;
  together: boolean;
  reference: boolean;
  memoryWrites: number;
}

const flags = program.opts<Flags>();
if (flags.zooEnsemble !== 'processes' && flags.zooEnsemble !== 'one-process') {
  program.error('--zoo-ensemble must be processes or one-process');
}
// ZooKeeper's default is forceSync=yes: the durable comparison uses it.
if (flags.durable) flags.zkForceSync = true;
const zooEnsembleOptions: ZooEnsembleOptions = {
  layout: flags.zooEnsemble === 'one-process' ? 'one-process' : 'processes',
  durable: flags.durable,
  ...(flags.zooCpuProf === undefined ? {} : { cpuProfileDir: flags.zooCpuProf }),
};
const plan: ThroughputPlan = {
  clients: flags.clients,
  depths: flags.depth,
  workloads: flags.workloads,
  reps: flags.reps,
  isTogether: flags.together,
  measuredMs: flags.seconds * 1000,
  rampMs: flags.ramp * 1000,
  warmupPassMs: flags.warmup * 1000,
  warmupPassesMax: flags.warmupPasses,
  dataBytes: flags.data,
};

const reportMissing = (ran: readonly boolean[]): void => {
  if (flags.reference && ran[1] === false) {
    process.stdout.write('Apache ZooKeeper is not installed (apt-get install zookeeper)\n');
  }
};

async function standaloneSection(): Promise<void> {
  process.stdout.write('\n== standalone\n');
  const startRef = async () =>
    flags.reference ? startReference({ forceSync: flags.zkForceSync }) : null;
  const ran = await runThroughputSection({
    label: 'standalone',
    title: 'Standalone: one server',
    starters: [() => startZoo(zooEnsembleOptions), startRef],
    plan,
  });
  reportMissing(ran);
}

const startReferenceEnsembleTarget = async (): Promise<EnsembleTarget | null> =>
  flags.reference ? startReferenceEnsemble({ forceSync: flags.zkForceSync }) : null;

/** An ensemble measured through all its members: client i connects to member i mod 3. */
const measuredEnsemble = (target: EnsembleTarget | null): MeasuredSystem | null =>
  target === null ? null : { ...target, endpoints: target.members };

async function ensembleSection(): Promise<void> {
  process.stdout.write('\n== ensemble\n');
  const ran = await runThroughputSection({
    label: 'ensemble',
    title: 'Ensemble of 3, client i on member i mod 3',
    starters: [
      async () => measuredEnsemble(await startZooEnsemble(zooEnsembleOptions)),
      async () => measuredEnsemble(await startReferenceEnsembleTarget()),
    ],
    plan,
  });
  reportMissing(ran);
}

async function failoverSection(): Promise<void> {
  process.stdout.write('\n== failover\n');
  const rounds = new Map<string, FailoverRound[]>();
  const failoverOptions = { steadyMs: 1000, timeoutMs: 60_000 };
  const ran = await compare({
    isSequential: !flags.together,
    settleMs: 1000,
    // Killing one member needs one process per member, whatever the ensemble section used.
    starters: [
      () => startZooEnsemble({ ...zooEnsembleOptions, layout: 'processes' }),
      startReferenceEnsembleTarget,
    ],
    steps: Array.from({ length: flags.failoverRounds }, (_, index) => index + 1),
    step: async (target: EnsembleTarget, round: number) => {
      const result = await runFailoverRound(target, failoverOptions);
      rounds.set(target.name, [...(rounds.get(target.name) ?? []), result]);
      const took = result.failoverMs === null ? 'no write' : `${result.failoverMs.toFixed(0)} ms`;
      process.stderr.write(`  ${target.name} failover round ${round}: ${took}\n`);
    },
  });
  reportMissing(ran);
  printFailover(rounds.get('zoo') ?? null, rounds.get('zookeeper') ?? null);
}

const depths = flags.depth.join(' and ');
process.stderr.write(
  `bench: sections ${flags.sections.join(',')}; ${flags.clients} clients × ${depths} ` +
    `in flight, ${flags.reps} reps of ${flags.seconds}s per workload and depth, ` +
    `${flags.data}-byte data\n`,
);
const startedAt = Date.now();
const load = (): string =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const order = flags.together
  ? 'both systems up together for the whole section, runs interleaved zoo, zk'
  : 'one system up at a time, reps alternating zoo, zk, each rep on a fresh start';
process.stdout.write(
  `Machine: ${os.availableParallelism()} cores, load average ${load()} at the start.\n` +
    `Method: ${order}; ${flags.reps} reps per system. Warm-up on every start: each workload ` +
    `at depth ${Math.max(...flags.depth)} in ${flags.warmup}s passes until two agree within ` +
    `10 % (at most ${flags.warmupPasses}). Each measured run: ${flags.seconds}s after a ` +
    `${flags.ramp}s ramp. Same load generator and ${flags.clients} clients for both.\n`,
);
const sections: Record<Section, () => Promise<void>> = {
  standalone: standaloneSection,
  ensemble: ensembleSection,
  failover: failoverSection,
  memory: () => memorySection({ writes: flags.memoryWrites, clients: flags.clients }),
};
for (const section of flags.sections) await sections[section]();
process.stdout.write(
  `\nTargets (issue 3): zoo ≥ 1.5x zk throughput, zoo p99 ≤ zk p99, failover ≤ 0.5x zk.\n` +
    `Bench took ${((Date.now() - startedAt) / 1000).toFixed(0)} s; load average ${load()} ` +
    'at the end (other processes on this machine skew both systems).\n',
);
