// One throughput section of `pnpm bench` (standalone or ensemble): every system is warmed with
// every workload, then each workload is measured at each depth in every repetition, and the
// medians and spreads are printed per depth with Zoo/ZooKeeper ratios of the medians.

import { runWorkload } from './workloads.js';
import type { WorkloadName, WorkloadResult } from './workloads.js';
import type { Endpoint } from './targets.js';
import { cpuSecondsOf } from './process-cpu.js';
import { repeat } from './repetitions.js';
import type { RepeatedSystem } from './repetitions.js';
import { describeWarmUp, warmUp } from './warm-up.js';
import { describeScheduling } from './scheduling.js';
import { summarize } from './summary.js';
import { printRuns, printSummary } from './report.js';

export interface ThroughputPlan {
  clients: number;
  depths: readonly number[];
  workloads: readonly WorkloadName[];
  reps: number;
  isTogether: boolean;
  measuredMs: number;
  /** Discarded start of each measured run while the clients fill their pipelines. */
  rampMs: number;
  warmupPassMs: number;
  warmupPassesMax: number;
  dataBytes: number;
}

export interface MeasuredSystem extends RepeatedSystem {
  endpoints: readonly Endpoint[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Pause after each run so a server's after-work (JIT, GC) does not land on the next run. */
const settleMs = 500;

/** Measured results by system name, then by `depth/workload`, one entry per repetition. */
type RunLog = Map<string, Map<string, WorkloadResult[]>>;
const keyOf = (depth: number, workload: WorkloadName): string => `${depth}/${workload}`;

function record(log: RunLog, system: string, key: string, result: WorkloadResult): void {
  const bySystem = log.get(system) ?? new Map<string, WorkloadResult[]>();
  log.set(system, bySystem);
  bySystem.set(key, [...(bySystem.get(key) ?? []), result]);
}

function warm(plan: ThroughputPlan) {
  return async (server: MeasuredSystem, rep: number): Promise<void> => {
    const outcomes = await warmUp(server.endpoints, {
      workloads: plan.workloads,
      // The deepest pipeline is the heaviest load measured; warming with it reaches every path.
      load: { clients: plan.clients, depth: Math.max(...plan.depths), dataBytes: plan.dataBytes },
      passMs: plan.warmupPassMs,
      passesMax: plan.warmupPassesMax,
      tolerance: 0.1,
    });
    process.stdout.write(`  ${server.name} rep ${rep} warm-up: ${describeWarmUp(outcomes)}\n`);
  };
}

function measure(plan: ThroughputPlan, log: RunLog, label: string) {
  return async (server: MeasuredSystem, rep: number): Promise<void> => {
    for (const depth of plan.depths) {
      for (const workload of plan.workloads) {
        const result = await runWorkload(server.endpoints, workload, {
          clients: plan.clients,
          depth,
          durationMs: plan.measuredMs,
          warmupMs: plan.rampMs,
          dataBytes: plan.dataBytes,
          serverCpuSeconds: () => cpuSecondsOf(server.pids()),
        });
        record(log, server.name, keyOf(depth, workload), result);
        const ops = result.opsPerSecond.toFixed(0);
        process.stderr.write(
          `  ${server.name} ${label} rep ${rep} ×${depth} ${workload}: ${ops}/s\n`,
        );
        await sleep(settleMs);
      }
    }
  };
}

function report(options: { plan: ThroughputPlan; log: RunLog; title: string; label: string }) {
  const { plan, log } = options;
  for (const depth of plan.depths) {
    const summaries = (system: string) =>
      plan.workloads.map((workload) => {
        const runs = log.get(system)?.get(keyOf(depth, workload)) ?? [];
        return { workload, summary: summarize(runs), runs };
      });
    const zoo = summaries('zoo');
    const reference = summaries('zookeeper');
    const title =
      `${options.title}; ${plan.clients} clients × ${depth} requests in flight each ` +
      `(depth ${depth}), median of ${plan.reps} runs per system [min–max]`;
    printSummary({ title, zoo, reference });
    printRuns(`zoo ${options.label} depth ${depth}`, zoo);
    printRuns(`zk ${options.label} depth ${depth}`, reference);
  }
}

/** Runs the section and prints its tables; returns, per starter, whether its system ran. */
export async function runThroughputSection(options: {
  label: string;
  title: string;
  starters: readonly (() => Promise<MeasuredSystem | null>)[];
  plan: ThroughputPlan;
}): Promise<boolean[]> {
  const { plan, label } = options;
  const log: RunLog = new Map();
  const ran = await repeat({
    starters: options.starters,
    reps: plan.reps,
    isTogether: plan.isTogether,
    prepare: warm(plan),
    measure: measure(plan, log, label),
    describeStart: (server) => describeScheduling(server.pids()),
    settleMs: 1000,
  });
  report({ plan, log, title: options.title, label });
  return ran;
}
