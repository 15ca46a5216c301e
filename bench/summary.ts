// Pure statistics over repeated benchmark runs: the median and spread (min–max) of each figure,
// so one lucky or unlucky run on a shared machine cannot decide a ratio, and the ±10 % check
// that tells whether two warm-up passes agree (the system has settled).

import type { WorkloadResult } from './measured-window.js';

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

/** The median of a figure over the runs, and the range it spread over. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** The median and min–max of `values`, or null when there are none. */
export function spreadOf(values: readonly number[]): Spread | null {
  const middle = median(values);
  if (middle === null) return null;
  return {
    median: middle,
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
  };
}

/** One workload at one depth on one system, summarised over its repetitions. */
export interface WorkloadSummary {
  opsPerSecond: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  p999Ms: Spread;
  /** Null when no run could read the servers' CPU time (not Linux). */
  serverCpuUsPerOp: Spread | null;
  errors: number;
}

export function summarize(results: readonly WorkloadResult[]): WorkloadSummary | null {
  const opsPerSecond = spreadOf(results.map((result) => result.opsPerSecond));
  const p50Ms = spreadOf(results.map((result) => result.p50Ms));
  const p99Ms = spreadOf(results.map((result) => result.p99Ms));
  const p999Ms = spreadOf(results.map((result) => result.p999Ms));
  if (opsPerSecond === null || p50Ms === null || p99Ms === null || p999Ms === null) return null;
  const cpu = results.flatMap((result) => result.serverCpuUsPerOp ?? []);
  return {
    opsPerSecond,
    p50Ms,
    p99Ms,
    p999Ms,
    // A median over fewer runs than the throughput's would compare unlike things.
    serverCpuUsPerOp: cpu.length === results.length ? spreadOf(cpu) : null,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}

/** Whether `later` lies within `tolerance` (0.1 = 10 %) of `earlier`, relative to `earlier`. */
export function agreesWithin(earlier: number, later: number, tolerance: number): boolean {
  if (earlier <= 0) return later <= 0;
  return Math.abs(later - earlier) / earlier <= tolerance;
}

/** The nearest-rank percentile `p` (0–100] of `values`, or null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}
