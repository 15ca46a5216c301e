// Warms a freshly started system with every workload it is about to be measured on, so the
// JVM's JIT and GC and V8's optimiser have settled before any measured run: unmeasured passes of
// each workload until two in a row agree within a tolerance, or a bound on passes is reached.

import { agreesWithin } from './summary.js';

export interface WarmUpOptions {
  workloads: readonly string[];
  /** Runs one unmeasured pass of `workload` and resolves with its throughput (ops/s). */
  pass: (workload: string) => Promise<number>;
  /** At least two passes run, so there is a pair to compare; at most this many. */
  passesMax: number;
  /** 0.1: two consecutive passes within 10 % of each other count as settled. */
  tolerance: number;
}

export interface WarmUpOutcome {
  workload: string;
  /** Throughput of each pass, in order. */
  passOpsPerSecond: number[];
  isSettled: boolean;
}

async function warmOne(workload: string, options: WarmUpOptions): Promise<WarmUpOutcome> {
  const passOpsPerSecond: number[] = [];
  for (let pass = 1; pass <= Math.max(2, options.passesMax); pass += 1) {
    const opsPerSecond = await options.pass(workload);
    const previous = passOpsPerSecond.at(-1);
    passOpsPerSecond.push(opsPerSecond);
    if (previous !== undefined && agreesWithin(previous, opsPerSecond, options.tolerance)) {
      return { workload, passOpsPerSecond, isSettled: true };
    }
  }
  return { workload, passOpsPerSecond, isSettled: false };
}

/** Warms each workload in turn; the outcomes say how many passes each took and if it settled. */
export async function warmUp(options: WarmUpOptions): Promise<WarmUpOutcome[]> {
  const outcomes: WarmUpOutcome[] = [];
  for (const workload of options.workloads) outcomes.push(await warmOne(workload, options));
  return outcomes;
}

/** `create 3 passes 9800→12100→12500 ops/s settled`, one clause per workload. */
export function describeWarmUp(outcomes: readonly WarmUpOutcome[]): string {
  return outcomes
    .map((outcome) => {
      const passes = outcome.passOpsPerSecond.map((value) => value.toFixed(0)).join('→');
      const count = outcome.passOpsPerSecond.length;
      const state = outcome.isSettled ? 'settled' : 'NOT settled';
      return `${outcome.workload} ${count} passes ${passes} ops/s ${state}`;
    })
    .join('; ');
}
