// The throughput and failover sections of `pnpm bench`: standalone and ensemble wire workloads
// at each pipeline depth, the recipe workloads at each number of contenders, throughput as the
// clients grow from 1 to 64, and leader failover of the ensembles. Each adds its figures to the
// results file as well as printing them.

import { startReference, startZoo } from './targets.js';
import { startReferenceEnsemble, startZooEnsemble } from './ensemble-targets.js';
import type { EnsembleTarget, ZooEnsembleOptions } from './ensemble-targets.js';
import { runFailoverRound } from './failover.js';
import type { FailoverRound } from './failover.js';
import { compare } from './compare.js';
import { printFailover } from './report.js';
import { runThroughputSection } from './throughput-section.js';
import type { LoadLevel, MeasuredSystem, ThroughputPlan } from './throughput-section.js';
import { wireRunner } from './workloads.js';
import { recipeRunner } from './recipe-workloads.js';
import type { Flags } from './options.js';
import { distributionOf } from './results.js';
import type { BenchResults, SystemName } from './results.js';
import { note, startProgress, stopProgress, advanceProgress } from './progress.js';

export interface SectionContext {
  flags: Flags;
  results: BenchResults;
}

export function zooEnsembleOptionsOf(flags: Flags): ZooEnsembleOptions {
  return {
    layout: flags.zooEnsemble === 'one-process' ? 'one-process' : 'processes',
    durable: flags.durable,
    ...(flags.zooCpuProf === undefined ? {} : { cpuProfileDir: flags.zooCpuProf }),
  };
}

export function reportMissing(flags: Flags, ran: readonly boolean[]): void {
  if (flags.reference && ran[1] === false) {
    process.stdout.write('Apache ZooKeeper is not installed (apt-get install zookeeper)\n');
  }
}

/** The standalone starters every standalone section uses: Zoo, then ZooKeeper (or none). */
export function standaloneStarters(flags: Flags) {
  return [
    () => startZoo(zooEnsembleOptionsOf(flags)),
    async () => (flags.reference ? startReference({ forceSync: flags.zkForceSync }) : null),
  ];
}

function planOf(flags: Flags, plan: Pick<ThroughputPlan, 'levels' | 'workloads' | 'run'>) {
  return {
    ...plan,
    reps: flags.reps,
    isTogether: flags.together,
    measuredMs: flags.seconds * 1000,
    rampMs: flags.ramp * 1000,
    warmupPassMs: flags.warmup * 1000,
    warmupPassesMax: flags.warmupPasses,
  };
}

const depthLevels = (flags: Flags): LoadLevel[] =>
  flags.depth.map((depth) => ({
    level: depth,
    clients: flags.clients,
    inFlightPerClient: depth,
    description: `${flags.clients} clients × ${depth} requests in flight each (depth ${depth})`,
  }));

async function throughput(
  context: SectionContext,
  options: { label: string; title: string; starters: (() => Promise<MeasuredSystem | null>)[] },
  plan: Pick<ThroughputPlan, 'levels' | 'workloads' | 'run'>,
): Promise<void> {
  process.stdout.write(`\n== ${options.label}\n`);
  const ran = await runThroughputSection({
    ...options,
    plan: planOf(context.flags, plan),
    results: context.results,
  });
  reportMissing(context.flags, ran);
}

export function standaloneSection(context: SectionContext): Promise<void> {
  const { flags } = context;
  return throughput(
    context,
    { label: 'standalone', title: 'Standalone: one server', starters: standaloneStarters(flags) },
    {
      levels: depthLevels(flags),
      workloads: flags.workloads,
      run: wireRunner({ clients: flags.clients, dataBytes: flags.data }),
    },
  );
}

const startReferenceEnsembleOf = (flags: Flags) => async (): Promise<EnsembleTarget | null> =>
  flags.reference ? startReferenceEnsemble({ forceSync: flags.zkForceSync }) : null;

/** An ensemble measured through all its members: client i connects to member i mod 3. */
const measuredEnsemble = (target: EnsembleTarget | null): MeasuredSystem | null =>
  target === null ? null : { ...target, endpoints: target.members };

export function ensembleSection(context: SectionContext): Promise<void> {
  const { flags } = context;
  const startReferenceEnsemble = startReferenceEnsembleOf(flags);
  return throughput(
    context,
    {
      label: 'ensemble',
      title: 'Ensemble of 3, client i on member i mod 3',
      starters: [
        async () => measuredEnsemble(await startZooEnsemble(zooEnsembleOptionsOf(flags))),
        async () => measuredEnsemble(await startReferenceEnsemble()),
      ],
    },
    {
      levels: depthLevels(flags),
      workloads: flags.workloads,
      run: wireRunner({ clients: flags.clients, dataBytes: flags.data }),
    },
  );
}

export function recipesSection(context: SectionContext): Promise<void> {
  const { flags } = context;
  const levels = flags.contenders.map((contenders) => ({
    level: contenders,
    clients: contenders,
    inFlightPerClient: 1,
    description: `${contenders} contenders, one client each, one recipe call in flight each`,
  }));
  return throughput(
    context,
    {
      label: 'recipes',
      title: 'Recipes (@zoo/client/recipes) on one server',
      starters: standaloneStarters(flags),
    },
    { levels, workloads: flags.recipeWorkloads, run: recipeRunner },
  );
}

export function scalingSection(context: SectionContext): Promise<void> {
  const { flags } = context;
  const depth = flags.scalingDepth;
  const levels = flags.scalingClients.map((clients) => ({
    level: clients,
    clients,
    inFlightPerClient: depth,
    description: `${clients} clients × ${depth} requests in flight each (depth ${depth})`,
  }));
  return throughput(
    context,
    { label: 'scaling', title: 'Scaling on one server', starters: standaloneStarters(flags) },
    {
      levels,
      workloads: flags.scalingWorkloads,
      // The level is the number of clients here; each keeps `depth` requests in flight.
      run: (endpoints, run) =>
        wireRunner({ clients: run.level, dataBytes: flags.data })(endpoints, {
          ...run,
          level: depth,
        }),
    },
  );
}

export async function failoverSection(context: SectionContext): Promise<void> {
  const { flags } = context;
  process.stdout.write('\n== failover\n');
  const rounds = new Map<string, FailoverRound[]>();
  const failoverOptions = { steadyMs: 1000, timeoutMs: 60_000 };
  startProgress('failover', flags.failoverRounds * 2);
  const ran = await compare({
    isSequential: !flags.together,
    settleMs: 1000,
    // Killing one member needs one process per member, whatever the ensemble section used.
    starters: [
      () => startZooEnsemble({ ...zooEnsembleOptionsOf(flags), layout: 'processes' }),
      startReferenceEnsembleOf(flags),
    ],
    steps: Array.from({ length: flags.failoverRounds }, (_, index) => index + 1),
    step: async (target: EnsembleTarget, round: number) => {
      const result = await runFailoverRound(target, failoverOptions);
      rounds.set(target.name, [...(rounds.get(target.name) ?? []), result]);
      const took = result.failoverMs === null ? 'no write' : `${result.failoverMs.toFixed(0)} ms`;
      note(`  ${target.name} failover round ${round}: ${took}`);
      advanceProgress(`${target.name} round ${round}`);
    },
  }).finally(stopProgress);
  reportMissing(flags, ran);
  printFailover(rounds.get('zoo') ?? null, rounds.get('zookeeper') ?? null);
  for (const [system, list] of rounds) {
    context.results.distributions.push(
      distributionOf({
        section: 'failover',
        label: 'SIGKILL leader → first write acknowledged (ensemble of 3)',
        system: system as SystemName,
        // A round with no acknowledged write has no time to record; the printed table says so.
        samplesMs: list.flatMap((round) => round.failoverMs ?? []),
      }),
    );
  }
}
