// `pnpm bench`: Zoo against Apache ZooKeeper 3.8 on this machine, in the same run — standalone
// and 3-server ensemble throughput and p50/p99 of pipelining clients, and leader failover time.
// `--sections standalone,ensemble,failover` picks what runs; every server is a child process.

import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { runWorkload } from './workloads.js';
import type { WorkloadName, WorkloadOptions, WorkloadResult } from './workloads.js';
import { startReference, startZoo } from './targets.js';
import type { Endpoint } from './targets.js';
import { startReferenceEnsemble, startZooEnsemble } from './ensemble-targets.js';
import type { EnsembleTarget, ZooEnsembleOptions } from './ensemble-targets.js';
import { runFailoverRound } from './failover.js';
import { compare } from './compare.js';
import { cpuSecondsOf } from './process-cpu.js';
import type { FailoverRound } from './failover.js';
import { printFailover, printRawThroughput, printThroughput } from './report.js';
import type { Results } from './report.js';

const sectionNames = ['standalone', 'ensemble', 'failover'] as const;
type Section = (typeof sectionNames)[number];

function listOf<T extends string>(allowed: readonly T[]) {
  return (text: string): T[] => {
    const items = text.split(',').map((item) => item.trim());
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown: ${unknown.join(', ')}`);
    return [...new Set(items)] as T[];
  };
}

const program = new Command()
  .name('zoo-bench')
  .option('--sections <list>', 'standalone,ensemble,failover', listOf(sectionNames), [
    ...sectionNames,
  ])
  .option('--clients <n>', 'pipelining clients', Number, 8)
  .option('--depth <n>', 'requests in flight per client', Number, 50)
  .option('--seconds <s>', 'measured seconds per workload', Number, 5)
  .option('--warmup <s>', 'warm-up seconds per workload', Number, 2)
  .option('--data <bytes>', 'bytes of data per create/set', Number, 100)
  .option('--workloads <list>', 'create,set,get', listOf(['create', 'set', 'get'] as const), [
    'create',
    'set',
    'get',
  ])
  .option('--failover-rounds <n>', 'leader kills per system (median reported)', Number, 3)
  .option('--zoo-ensemble <layout>', 'processes (one per member) or one-process', 'processes')
  .option('--zk-force-sync', 'let ZooKeeper fsync its txn log (forceSync=yes)', false)
  .option('--zoo-cpu-prof <dir>', 'write node --cpu-prof profiles of Zoo servers into <dir>')
  .option('--sequential', 'run one system at a time instead of interleaving steps', false)
  .option('--no-reference', 'skip Apache ZooKeeper')
  .parse();

interface Flags {
  sections: Section[];
  clients: number;
  depth: number;
  seconds: number;
  warmup: number;
  data: number;
  workloads: WorkloadName[];
  failoverRounds: number;
  zooEnsemble: string;
  zkForceSync: boolean;
  zooCpuProf?: string;
  sequential: boolean;
  reference: boolean;
}

const flags = program.opts<Flags>();
if (flags.zooEnsemble !== 'processes' && flags.zooEnsemble !== 'one-process') {
  program.error('--zoo-ensemble must be processes or one-process');
}
const zooEnsembleOptions: ZooEnsembleOptions = {
  layout: flags.zooEnsemble === 'one-process' ? 'one-process' : 'processes',
  ...(flags.zooCpuProf === undefined ? {} : { cpuProfileDir: flags.zooCpuProf }),
};
const options: WorkloadOptions = {
  clients: flags.clients,
  depth: flags.depth,
  durationMs: flags.seconds * 1000,
  warmupMs: flags.warmup * 1000,
  dataBytes: flags.data,
};

/** A compare() step: one workload on one server, its result filed under the server's name. */
function workloadStep(label: string, results: Map<string, Results>) {
  return async (
    server: { name: string; endpoints: readonly Endpoint[]; pids(): number[] },
    w: WorkloadName,
  ) => {
    const byWorkload: Results = results.get(server.name) ?? new Map<WorkloadName, WorkloadResult>();
    results.set(server.name, byWorkload);
    const serverCpuSeconds = () => cpuSecondsOf(server.pids());
    byWorkload.set(w, await runWorkload(server.endpoints, w, { ...options, serverCpuSeconds }));
    process.stderr.write(`  ${server.name} ${label} ${w} done\n`);
  };
}

const reportMissing = (ran: readonly boolean[]): void => {
  if (flags.reference && ran[1] === false) {
    process.stdout.write('Apache ZooKeeper is not installed (apt-get install zookeeper)\n');
  }
};

const comparing = { isSequential: flags.sequential, settleMs: 1000 };

async function standaloneSection(): Promise<void> {
  process.stdout.write('\n== standalone\n');
  const results = new Map<string, Results>();
  const startRef = async () =>
    flags.reference ? startReference({ forceSync: flags.zkForceSync }) : null;
  const ran = await compare({
    ...comparing,
    starters: [() => startZoo(zooEnsembleOptions), startRef],
    steps: flags.workloads,
    step: workloadStep('standalone', results),
  });
  reportMissing(ran);
  const zoo = results.get('zoo') ?? null;
  const reference = results.get('zookeeper') ?? null;
  const title = `Standalone: ${flags.clients} clients on one server`;
  printThroughput({ title, workloads: flags.workloads, zoo, reference });
  printRawThroughput('zoo standalone', zoo);
  printRawThroughput('zk standalone', reference);
}

const startReferenceEnsembleTarget = async (): Promise<EnsembleTarget | null> =>
  flags.reference ? startReferenceEnsemble({ forceSync: flags.zkForceSync }) : null;

async function ensembleSection(): Promise<void> {
  process.stdout.write('\n== ensemble\n');
  const results = new Map<string, Results>();
  const ran = await compare({
    ...comparing,
    starters: [() => startZooEnsemble(zooEnsembleOptions), startReferenceEnsembleTarget],
    steps: flags.workloads,
    step: (target: EnsembleTarget, workload: WorkloadName) =>
      workloadStep('ensemble', results)({ ...target, endpoints: target.members }, workload),
  });
  reportMissing(ran);
  const zoo = results.get('zoo') ?? null;
  const reference = results.get('zookeeper') ?? null;
  const title = `Ensemble of 3: ${flags.clients} clients, client i on member i mod 3`;
  printThroughput({ title, workloads: flags.workloads, zoo, reference });
  printRawThroughput('zoo ensemble', zoo);
  printRawThroughput('zk ensemble', reference);
}

async function failoverSection(): Promise<void> {
  process.stdout.write('\n== failover\n');
  const rounds = new Map<string, FailoverRound[]>();
  const failoverOptions = { steadyMs: 1000, timeoutMs: 60_000 };
  const ran = await compare({
    ...comparing,
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

process.stderr.write(
  `bench: sections ${flags.sections.join(',')}; ${flags.clients} clients × ${flags.depth} ` +
    `in flight, ${flags.seconds}s per workload after ${flags.warmup}s warm-up, ` +
    `${flags.data}-byte data\n`,
);
const startedAt = Date.now();
const load = (): string =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
process.stdout.write(
  `Machine: ${os.availableParallelism()} cores, load average ${load()} at the start; ` +
    `${flags.sequential ? 'one system at a time' : 'steps interleaved: zoo, then zk'}\n`,
);
const sections: Record<Section, () => Promise<void>> = {
  standalone: standaloneSection,
  ensemble: ensembleSection,
  failover: failoverSection,
};
for (const section of flags.sections) await sections[section]();
process.stdout.write(
  `\nTargets (issue 3): zoo ≥ 1.5x zk throughput, zoo p99 ≤ zk p99, failover ≤ 0.5x zk.\n` +
    `Bench took ${((Date.now() - startedAt) / 1000).toFixed(0)} s; load average ${load()} ` +
    'at the end (other processes on this machine skew both systems).\n',
);
