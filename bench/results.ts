// The benchmark's results as data: every section adds what it measured to one BenchResults,
// which is written as JSON (bench-results.json) and drawn as an HTML page (html-report.ts). The
// shape is versioned by `schema`; checkResults() lists what a file lacks, so a reader of an old
// or hand-edited file gets a clear complaint rather than a blank chart.

import type { WorkloadResult } from './measured-window.js';
import { percentile, spreadOf } from './summary.js';
import type { Spread, WorkloadSummary } from './summary.js';

export const resultsSchema = 'zoo-bench-results/1';

export type SystemName = 'zoo' | 'zookeeper';

/** One system's repetitions of one workload at one load, and their summary. */
export interface SystemRuns {
  system: SystemName;
  runs: WorkloadResult[];
  summary: WorkloadSummary | null;
}

/**
 * One printed table: a section's workloads at one load (clients × in flight each). The scaling
 * section gives one per number of clients, which the HTML page draws as a curve.
 */
export interface ThroughputTable {
  section: string;
  title: string;
  clients: number;
  /** Requests each client keeps in flight: the pipeline depth, or 1 for a recipe contender. */
  inFlightPerClient: number;
  rows: { workload: string; systems: SystemRuns[] }[];
}

/** Memory a system holds per znode, by the state method: before and after creating them. */
export interface ZnodeMemory {
  system: SystemName;
  znodes: number;
  dataBytes: number;
  rssBeforeMib: number | null;
  rssAfterMib: number | null;
  /** Heap in use after a full GC: the JVM by jcmd GC.run, Zoo (with buffers) by heap-probe.ts. */
  heapBeforeMib: number | null;
  heapAfterMib: number | null;
  rssBytesPerZnode: number | null;
  heapBytesPerZnode: number | null;
}

/** Samples of a time (ms) taken repeatedly: lock hand-over, leader fail-over, failover. */
export interface Distribution {
  section: string;
  label: string;
  system: SystemName;
  samplesMs: number[];
  /** Median and range of the samples, with the 99th percentile (null with no samples). */
  spread: Spread | null;
  p99Ms: number | null;
}

export interface BenchResults {
  schema: typeof resultsSchema;
  startedAt: string;
  finishedAt: string | null;
  machine: { cores: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[] | null };
  /** The command line and the method as printed at the start. */
  command: string[];
  method: string;
  throughput: ThroughputTable[];
  znodeMemory: ZnodeMemory[];
  distributions: Distribution[];
}

export function emptyResults(options: {
  startedAt: Date;
  cores: number;
  loadAverage: number[];
  command: string[];
  method: string;
}): BenchResults {
  return {
    schema: resultsSchema,
    startedAt: options.startedAt.toISOString(),
    finishedAt: null,
    machine: {
      cores: options.cores,
      loadAverageAtStart: options.loadAverage,
      loadAverageAtEnd: null,
    },
    command: options.command,
    method: options.method,
    throughput: [],
    znodeMemory: [],
    distributions: [],
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkArrayOf(
  parent: Record<string, unknown>,
  key: string,
  fields: readonly string[],
): string[] {
  const items = parent[key];
  if (!Array.isArray(items)) return [`${key} is not a list`];
  return items.flatMap((item: unknown, index) => {
    if (!isRecord(item)) return [`${key}[${index}] is not an object`];
    return fields.filter((field) => !(field in item)).map((f) => `${key}[${index}] lacks ${f}`);
  });
}

/** What `value` lacks to be BenchResults of this schema; empty when it is one. */
export function checkResults(value: unknown): string[] {
  if (!isRecord(value)) return ['not an object'];
  if (value['schema'] !== resultsSchema) return [`schema is not ${resultsSchema}`];
  const problems: string[] = [];
  for (const key of ['startedAt', 'machine', 'command', 'method']) {
    if (!(key in value)) problems.push(`lacks ${key}`);
  }
  problems.push(
    ...checkArrayOf(value, 'throughput', ['section', 'title', 'clients', 'inFlightPerClient']),
    ...checkArrayOf(value, 'znodeMemory', ['system', 'znodes', 'rssBytesPerZnode']),
    ...checkArrayOf(value, 'distributions', ['section', 'label', 'system', 'samplesMs']),
  );
  const tables = Array.isArray(value['throughput']) ? (value['throughput'] as unknown[]) : [];
  tables.forEach((table, index) => {
    if (isRecord(table) && !Array.isArray(table['rows'])) {
      problems.push(`throughput[${index}].rows is not a list`);
    }
  });
  return problems;
}

/** A Distribution of `samplesMs`, with its median, range and 99th percentile. */
export function distributionOf(options: {
  section: string;
  label: string;
  system: SystemName;
  samplesMs: readonly number[];
}): Distribution {
  const samplesMs = [...options.samplesMs];
  return {
    section: options.section,
    label: options.label,
    system: options.system,
    samplesMs,
    spread: spreadOf(samplesMs),
    p99Ms: percentile(samplesMs, 99),
  };
}
