// The benchmark's printed output: aligned tables of Zoo beside Apache ZooKeeper with ratios
// against issue 3's targets, and the raw figures each row was computed from.

import type { WorkloadName, WorkloadResult } from './workloads.js';
import type { FailoverRound } from './failover.js';
import { median } from './failover.js';

export type Results = Map<WorkloadName, WorkloadResult>;

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

const cpuPerOp = (result: WorkloadResult): string =>
  result.serverCpuUsPerOp === null ? '-' : `${fixed(result.serverCpuUsPerOp, 1)}us`;

const verdict = (isMet: boolean): string => (isMet ? 'yes' : 'NO');

/**
 * One row per workload: ops/s, p50, p99 of both systems, ratios, whether the targets are met,
 * and the server CPU time per operation (all server processes, all threads).
 */
export function printThroughput(options: {
  title: string;
  workloads: readonly WorkloadName[];
  zoo: Results | null;
  reference: Results | null;
}): void {
  const { zoo, reference } = options;
  process.stdout.write(`\n${options.title}\n`);
  const header = ['workload', 'zoo ops/s', 'zk ops/s', 'ratio', 'zoo p50', 'zk p50'];
  header.push('zoo p99', 'zk p99', 'p99 ratio', 'target met', 'zoo cpu/op', 'zk cpu/op');
  const rows = options.workloads.map((workload) => {
    const z = zoo?.get(workload);
    const r = reference?.get(workload);
    if (z === undefined) return [workload, 'n/a'];
    if (r === undefined) {
      return [workload, fixed(z.opsPerSecond), '-', '-', ms(z.p50Ms), '-', ms(z.p99Ms)];
    }
    const ratio = z.opsPerSecond / r.opsPerSecond;
    const p99Ratio = z.p99Ms / r.p99Ms;
    const isMet = ratio >= targets.throughputRatioMin && p99Ratio <= targets.p99RatioMax;
    return [
      workload,
      fixed(z.opsPerSecond),
      fixed(r.opsPerSecond),
      `${fixed(ratio, 2)}x`,
      ms(z.p50Ms),
      ms(r.p50Ms),
      ms(z.p99Ms),
      ms(r.p99Ms),
      `${fixed(p99Ratio, 2)}x`,
      verdict(isMet),
      cpuPerOp(z),
      cpuPerOp(r),
    ];
  });
  printTable(header, rows);
}

export function printRawThroughput(label: string, results: Results | null): void {
  if (results === null) return;
  for (const [workload, r] of results) {
    process.stdout.write(
      `  raw ${label} ${workload}: ${r.operations} ops in the measured window, ` +
        `${r.errors} errors, ${fixed(r.opsPerSecond, 1)} ops/s, ` +
        `p50 ${fixed(r.p50Ms, 3)} ms, p99 ${fixed(r.p99Ms, 3)} ms, ` +
        `server cpu ${r.serverCores === null ? '?' : fixed(r.serverCores, 2)} cores ` +
        `(${r.serverCpuUsPerOp === null ? '?' : fixed(r.serverCpuUsPerOp, 2)} us/op)\n`,
    );
    if (r.errors > 0) process.stdout.write(`  warning: ${label} ${workload} had errors\n`);
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
