// One throughput section of `pnpm bench` (standalone, ensemble, recipes): every system is warmed
// with every workload, then each workload is measured at each load level (pipeline depth, or
// recipe contenders) in every repetition, and the medians and spreads are printed per level with
// Zoo/ZooKeeper ratios of the medians, and added to the results file.

import type { Endpoint } from './targets.js';

export type { WorkloadRunner } from './measured-window.js';
import type { WorkloadResult, WorkloadRunner } from './measured-window.js';
import { cpuSecondsOf } from './process-cpu.js';
import { repeat } from './repetitions.js';
import type { RepeatedSystem } from './repetitions.js';
import { describeWarmUp, warmUp } from './warm-up.js';
import { describeScheduling } from './scheduling.js';
import { summarize } from './summary.js';
import { printRuns, printSummary } from './report.js';
import type { SummaryRow } from './report.js';
import type { BenchResults, SystemName, SystemRuns, ThroughputTable } from './results.js';
import {
  advanceProgress,
  describeProgress,
  note,
  startProgress,
  stopProgress,
} from './progress.js';

/** A load level: how many clients, how many requests each keeps in flight, and its words. */
export interface LoadLevel {
  level: number;
  clients: number;
  inFlightPerClient: number;
  /** `8 clients × 16 requests in flight each (depth 16)`, in every table title. */
  description: string;
}

export interface ThroughputPlan {
  levels: readonly LoadLevel[];
  workloads: readonly string[];
  run: WorkloadRunner;
  reps: number;
  isTogether: boolean;
  measuredMs: number;
  /** Discarded start of each measured run while the clients fill their pipelines. */
  rampMs: number;
  warmupPassMs: number;
  warmupPassesMax: number;
}

export interface MeasuredSystem extends RepeatedSystem {
  endpoints: readonly Endpoint[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Pause after each run so a server's after-work (JIT, GC) does not land on the next run. */
const settleMs = 500;

/** Measured results by system name, then by `level/workload`, one entry per repetition. */
type RunLog = Map<string, Map<string, WorkloadResult[]>>;
const keyOf = (level: number, workload: string): string => `${level}/${workload}`;

function record(log: RunLog, system: string, key: string, result: WorkloadResult): void {
  const bySystem = log.get(system) ?? new Map<string, WorkloadResult[]>();
  log.set(system, bySystem);
  bySystem.set(key, [...(bySystem.get(key) ?? []), result]);
}

function warm(plan: ThroughputPlan) {
  return async (server: MeasuredSystem, rep: number): Promise<void> => {
    // The heaviest load measured reaches every path; warming with it settles them all.
    const level = Math.max(...plan.levels.map((item) => item.level));
    describeProgress(`${server.name} rep ${rep} warm-up`);
    const outcomes = await warmUp({
      workloads: plan.workloads,
      pass: async (workload) => {
        const window = { durationMs: plan.warmupPassMs, warmupMs: 0 };
        return (await plan.run(server.endpoints, { workload, level, window })).opsPerSecond;
      },
      passesMax: plan.warmupPassesMax,
      tolerance: 0.1,
    });
    note(`  ${server.name} rep ${rep} warm-up: ${describeWarmUp(outcomes)}`, process.stdout);
  };
}

function measure(plan: ThroughputPlan, log: RunLog, label: string) {
  return async (server: MeasuredSystem, rep: number): Promise<void> => {
    for (const { level } of plan.levels) {
      for (const workload of plan.workloads) {
        const step = `${server.name} ${label} rep ${rep} ×${level} ${workload}`;
        describeProgress(step);
        const window = {
          durationMs: plan.measuredMs,
          warmupMs: plan.rampMs,
          serverCpuSeconds: () => cpuSecondsOf(server.pids()),
        };
        const result = await plan.run(server.endpoints, { workload, level, window });
        record(log, server.name, keyOf(level, workload), result);
        note(`  ${step}: ${result.opsPerSecond.toFixed(0)}/s`);
        advanceProgress(step);
        await sleep(settleMs);
      }
    }
  };
}

function rowsOf(plan: ThroughputPlan, log: RunLog, level: number, system: string): SummaryRow[] {
  return plan.workloads.map((workload) => {
    const runs = log.get(system)?.get(keyOf(level, workload)) ?? [];
    return { workload, summary: summarize(runs), runs };
  });
}

function report(options: {
  plan: ThroughputPlan;
  log: RunLog;
  title: string;
  label: string;
  results: BenchResults | null;
}): void {
  const { plan, log, label } = options;
  for (const level of plan.levels) {
    const zoo = rowsOf(plan, log, level.level, 'zoo');
    const reference = rowsOf(plan, log, level.level, 'zookeeper');
    const title =
      `${options.title}; ${level.description}, ` +
      `median of ${plan.reps} runs per system [min–max]`;
    printSummary({ title, zoo, reference });
    printRuns(`zoo ${label} ×${level.level}`, zoo);
    printRuns(`zk ${label} ×${level.level}`, reference);
    options.results?.throughput.push(tableOf({ label, title, level, zoo, reference }));
  }
}

function tableOf(options: {
  label: string;
  title: string;
  level: LoadLevel;
  zoo: readonly SummaryRow[];
  reference: readonly SummaryRow[];
}): ThroughputTable {
  const runsOf = (system: SystemName, row: SummaryRow | undefined): SystemRuns[] =>
    row === undefined || row.runs.length === 0
      ? []
      : [{ system, runs: [...row.runs], summary: row.summary }];
  return {
    section: options.label,
    title: options.title,
    clients: options.level.clients,
    inFlightPerClient: options.level.inFlightPerClient,
    rows: options.zoo.map((row, index) => ({
      workload: row.workload,
      systems: [...runsOf('zoo', row), ...runsOf('zookeeper', options.reference[index])],
    })),
  };
}

/** Runs the section and prints its tables; returns, per starter, whether its system ran. */
export async function runThroughputSection(options: {
  label: string;
  title: string;
  starters: readonly (() => Promise<MeasuredSystem | null>)[];
  plan: ThroughputPlan;
  results: BenchResults | null;
}): Promise<boolean[]> {
  const { plan, label } = options;
  const log: RunLog = new Map();
  const steps = plan.reps * options.starters.length * plan.levels.length * plan.workloads.length;
  startProgress(label, steps);
  const ran = await repeat({
    starters: options.starters,
    reps: plan.reps,
    isTogether: plan.isTogether,
    prepare: warm(plan),
    measure: measure(plan, log, label),
    describeStart: (server) => describeScheduling(server.pids()),
    settleMs: 1000,
  }).finally(stopProgress);
  report({ plan, log, title: options.title, label, results: options.results });
  return ran;
}
