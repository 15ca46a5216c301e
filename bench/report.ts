// The benchmark's printed output: aligned tables of Zoo beside Apache ZooKeeper (medians and
// min–max over repetitions) with ratios against issue 3's targets, and every run's raw figures.

import type { WorkloadResult } from './measured-window.js';
import type { FailoverRound } from './failover.js';
import type { Distribution } from './results.js';
import { median } from './summary.js';
import type { Spread, WorkloadSummary } from './summary.js';

/** Issue 3: ≥ 1.5× ZooKeeper's throughput, p99 no worse, failover in half ZooKeeper's time. */
export const targets = { throughputRatioMin: 1.5, p99RatioMax: 1, failoverRatioMax: 0.5 };

const fixed = (value: number, digits = 0): string => value.toFixed(digits);
const ms = (value: number): string => `${fixed(value, 2)}ms`;

export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  for (const row of [header, ...rows]) {
    const cells = row.map((cell, column) => cell.padEnd(widths[column] ?? 0));
    process.stdout.write(`${cells.join('  ').trimEnd()}\n`);
  }
}

const verdict = (isMet: boolean): string => (isMet ? 'yes' : 'NO');

/** One workload's runs on one system at one depth, and their summary (null if none ran). */
export interface SummaryRow {
  workload: string;
  summary: WorkloadSummary | null;
  runs: readonly WorkloadResult[];
}

const spread = (value: Spread, show: (n: number) => string): string =>
  value.runs === 1
    ? show(value.median)
    : `${show(value.median)} [${show(value.min)}–${show(value.max)}]`;
const us = (value: number): string => `${fixed(value, 1)}us`;
const ratioOf = (zoo: number, reference: number): string => `${fixed(zoo / reference, 2)}x`;

function summaryCells(summary: WorkloadSummary | null): string[] {
  if (summary === null) return ['-', '-', '-', '-', '-'];
  const cpu = summary.serverCpuUsPerOp;
  return [
    spread(summary.opsPerSecond, (value) => fixed(value)),
    ms(summary.p50Ms.median),
    spread(summary.p99Ms, ms),
    ms(summary.p999Ms.median),
    cpu === null ? '-' : spread(cpu, us),
  ];
}

function ratioCells(zoo: WorkloadSummary | null, reference: WorkloadSummary | null): string[] {
  if (zoo === null || reference === null) return ['-', '-', '-', '-'];
  const throughput = zoo.opsPerSecond.median / reference.opsPerSecond.median;
  const p99 = zoo.p99Ms.median / reference.p99Ms.median;
  const zooCpu = zoo.serverCpuUsPerOp;
  const referenceCpu = reference.serverCpuUsPerOp;
  const isMet = throughput >= targets.throughputRatioMin && p99 <= targets.p99RatioMax;
  return [
    ratioOf(zoo.opsPerSecond.median, reference.opsPerSecond.median),
    ratioOf(zoo.p99Ms.median, reference.p99Ms.median),
    zooCpu === null || referenceCpu === null ? '-' : ratioOf(zooCpu.median, referenceCpu.median),
    verdict(isMet),
  ];
}

/**
 * Per workload: each system's median ops/s, p50, p99, p999 and server CPU per operation (all server
 * processes, all threads) with their min–max over the runs, then Zoo/ZooKeeper ratios of the
 * medians and whether issue 3's targets are met.
 */
export function printSummary(options: {
  title: string;
  zoo: readonly SummaryRow[];
  reference: readonly SummaryRow[];
}): void {
  process.stdout.write(`\n${options.title}\n`);
  const header = ['workload', 'zoo ops/s', 'zoo p50', 'zoo p99', 'zoo p999', 'zoo cpu/op'];
  header.push('zk ops/s', 'zk p50', 'zk p99', 'zk p999', 'zk cpu/op');
  header.push('ops ratio', 'p99 ratio', 'cpu ratio', 'target met');
  const rows = options.zoo.map((row, index) => {
    const reference = options.reference[index]?.summary ?? null;
    return [
      row.workload,
      ...summaryCells(row.summary),
      ...summaryCells(reference),
      ...ratioCells(row.summary, reference),
    ];
  });
  printTable(header, rows);
}

/** The raw figures of every run the summary was computed from, one line per workload. */
export function printRuns(label: string, rows: readonly SummaryRow[]): void {
  for (const row of rows) {
    if (row.runs.length === 0) continue;
    const runs = row.runs.map(
      (r) =>
        `${fixed(r.opsPerSecond)}/s p99 ${fixed(r.p99Ms, 2)}ms p999 ${fixed(r.p999Ms, 2)}ms ` +
        `cpu ${r.serverCpuUsPerOp === null ? '?' : fixed(r.serverCpuUsPerOp, 1)}us/op ` +
        `${r.serverCores === null ? '?' : fixed(r.serverCores, 2)} cores`,
    );
    process.stdout.write(`  raw ${label} ${row.workload}: ${runs.join(' | ')}\n`);
    const errors = row.runs.reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) process.stdout.write(`  warning: ${label} ${row.workload}: ${errors} errors\n`);
  }
}

function medianOf(rounds: readonly FailoverRound[] | null): number | null {
  if (rounds === null) return null;
  const times = rounds.map((round) => round.failoverMs);
  // A round without any acknowledged write counts as infinitely slow, not as absent.
  return median(times.map((time) => time ?? Number.POSITIVE_INFINITY));
}

export function printFailover(zoo: FailoverRound[] | null, reference: FailoverRound[] | null) {
  process.stdout.write('\nLeader failover: SIGKILL leader → first write acknowledged again\n');
  const zooMedian = medianOf(zoo);
  const refMedian = medianOf(reference);
  const show = (value: number | null): string => {
    if (value === null) return '-';
    return Number.isFinite(value) ? `${fixed(value)}ms` : 'timed out';
  };
  const ratio = zooMedian !== null && refMedian !== null ? zooMedian / refMedian : null;
  printTable(
    ['', 'zoo median', 'zk median', 'ratio', 'target met'],
    [
      [
        'failover',
        show(zooMedian),
        show(refMedian),
        ratio === null ? '-' : `${fixed(ratio, 2)}x`,
        ratio === null ? '-' : verdict(ratio <= targets.failoverRatioMax),
      ],
    ],
  );
  const systems = [
    ['zoo', zoo],
    ['zk', reference],
  ] as const;
  for (const [label, rounds] of systems) {
    for (const [index, round] of (rounds ?? []).entries()) {
      const took = round.failoverMs === null ? 'no write acknowledged' : ms(round.failoverMs);
      process.stdout.write(
        `  raw ${label} round ${index + 1}: killed leader ${round.killedId}, ${took}, ` +
          `${round.writesBefore} writes in the steady phase before, ` +
          `${round.errorsDuring} failed calls during (${round.errorNames.join('; ') || 'none'})\n`,
      );
    }
  }
}

/** Per label: each system's median [min–max] and p99 of the samples, and the median ratio. */
export function printDistributions(title: string, distributions: readonly Distribution[]) {
  process.stdout.write(`\n${title}\n`);
  const labels = [...new Set(distributions.map((item) => item.label))];
  const find = (label: string, system: string) =>
    distributions.find((item) => item.label === label && item.system === system) ?? null;
  const cells = (item: Distribution | null): string[] => {
    if (item?.spread === null || item === null) return ['-', '-', '-'];
    return [
      spread(item.spread, ms),
      item.p99Ms === null ? '-' : ms(item.p99Ms),
      `${item.spread.runs}`,
    ];
  };
  const rows = labels.map((label) => {
    const zoo = find(label, 'zoo');
    const reference = find(label, 'zookeeper');
    const ratio =
      zoo?.spread && reference?.spread ? ratioOf(zoo.spread.median, reference.spread.median) : '-';
    return [label, ...cells(zoo), ...cells(reference), ratio];
  });
  const header = ['', 'zoo median [min–max]', 'zoo p99', 'n', 'zk median [min–max]', 'zk p99'];
  printTable([...header, 'n', 'ratio'], rows);
}
