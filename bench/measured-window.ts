// What every measured run shares, wire workloads and recipe workloads alike: a latency histogram
// (HdrHistogram, microseconds), the servers' CPU time read as the measured window opens and
// closes, and the WorkloadResult built from both.

import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { Endpoint } from './targets.js';

export interface WorkloadResult {
  operations: number;
  errors: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** Server CPU time per operation in the measured window (all server processes), or null. */
  serverCpuUsPerOp: number | null;
  /** Cores the servers kept busy on average in the window, or null. */
  serverCores: number | null;
}

export interface WindowOptions {
  /** Unmeasured start of the run (pipelines fill, contenders line up). */
  warmupMs: number;
  durationMs: number;
  /** CPU seconds the servers have used so far (null if unknown), read around the window. */
  serverCpuSeconds?: () => number | null;
}

/** Runs one workload at one load level on a system's endpoints for the window given. */
export type WorkloadRunner = (
  endpoints: readonly Endpoint[],
  run: { workload: string; level: number; window: WindowOptions },
) => Promise<WorkloadResult>;

/** Latencies from 1 µs to 60 s at three significant digits. */
export function latencyHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Reads the servers' CPU time when the measured window opens and when it closes. */
export function cpuWindow(options: WindowOptions): { secondsUsed(): number | null } {
  const read = options.serverCpuSeconds ?? (() => null);
  let atOpen: number | null = null;
  let atClose: number | null = null;
  const open = setTimeout(() => (atOpen = read()), options.warmupMs);
  const close = setTimeout(() => (atClose = read()), options.warmupMs + options.durationMs);
  return {
    secondsUsed() {
      clearTimeout(open);
      clearTimeout(close);
      // When the last replies arrive before the closing timer runs (a fast workload on a busy
      // event loop), the window closes now instead: a moment late rather than not at all.
      atClose ??= read();
      return atOpen === null || atClose === null ? null : atClose - atOpen;
    },
  };
}

/** The run's figures; destroys the histogram (its memory lives outside the JS heap). */
export function resultOf(options: {
  histogram: Histogram;
  operations: number;
  errors: number;
  durationMs: number;
  cpuSeconds: number | null;
}): WorkloadResult {
  const { histogram, operations, cpuSeconds } = options;
  const seconds = options.durationMs / 1000;
  const result = {
    operations,
    errors: options.errors,
    opsPerSecond: operations / seconds,
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    p999Ms: histogram.getValueAtPercentile(99.9) / 1000,
    serverCpuUsPerOp: cpuSeconds === null ? null : (cpuSeconds * 1e6) / Math.max(1, operations),
    serverCores: cpuSeconds === null ? null : cpuSeconds / seconds,
  };
  histogram.destroy();
  return result;
}
