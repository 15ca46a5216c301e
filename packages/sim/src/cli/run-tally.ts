// The totals a `pnpm sim` sweep prints: runs, failures, what was simulated and checked, how fast,
// and one digest over every run's trace, so that two sweeps (one worker or many) can be compared.

import { createHash } from 'node:crypto';
import type { SimResult, SimStats } from '../scenario.js';

/** What one run contributes to the totals; small enough to cross from a worker thread. */
export interface RunSummary {
  /** Null when the simulator threw instead of answering. */
  stats: SimStats | null;
  violations: number;
  /** The run's trace digest, or `crash` when the simulator threw. */
  traceDigest: string;
}

/** Totals over the property's runs; runs during shrinking are only counted. */
export interface Tally extends SimStats {
  runs: number;
  shrinkRuns: number;
  failedRuns: number;
  violations: number;
  /** Wall time of the sweep itself (all workers together), for the throughput line. */
  sweepWallMs: number;
  /** The trace digests of the runs, in the order the runs were drawn. */
  digests: string[];
}

const statKeys = ['simulatedMs', 'wallMs', 'events', 'faults', 'opsChecked'] as const;

export function emptyTally(): Tally {
  const tally = { runs: 0, shrinkRuns: 0, failedRuns: 0, violations: 0 };
  const stats = { simulatedMs: 0, wallMs: 0, events: 0, faults: 0, opsChecked: 0 };
  return { ...tally, ...stats, sweepWallMs: 0, digests: [] };
}

export function addRun(tally: Tally, run: RunSummary): void {
  tally.runs += 1;
  tally.violations += run.violations;
  if (run.stats === null || run.violations > 0) tally.failedRuns += 1;
  if (run.stats !== null) for (const key of statKeys) tally[key] += run.stats[key];
  tally.digests.push(run.traceDigest);
}

/** SHA-256 over the runs' trace digests in run order: equal sweeps, equal digest. */
export function sweepDigest(tally: Tally): string {
  const hash = createHash('sha256');
  for (const digest of tally.digests) hash.update(`${digest}\n`);
  return hash.digest('hex');
}

export function formatTally(tally: Tally, elapsedMs: number): string[] {
  const perWall = tally.wallMs > 0 ? (tally.simulatedMs / tally.wallMs).toFixed(1) : 'n/a';
  return [
    `runs ${tally.runs} (+${tally.shrinkRuns} shrink runs) · failing runs ${tally.failedRuns}` +
      ` · violations ${tally.violations}`,
    `simulated ${(tally.simulatedMs / 1000).toFixed(1)} s in ${(tally.wallMs / 1000).toFixed(1)}` +
      ` s wall (${perWall} simulated s per wall s); took ${(elapsedMs / 1000).toFixed(1)} s`,
    `events ${tally.events} · faults injected ${tally.faults} · ops checked ${tally.opsChecked}`,
    formatThroughput(tally),
    `sweep digest ${sweepDigest(tally)}`,
  ];
}

/**
 * Throughput of the sweep as a whole: per wall second of the sweep (every worker together), so
 * unlike the per-run line above it grows with --workers.
 */
function formatThroughput(tally: Tally): string {
  const wallS = tally.sweepWallMs / 1000;
  if (!(wallS > 0)) return 'throughput n/a';
  const rate = (count: number, perS: number, digits = 1): string =>
    ((count / wallS) * perS).toFixed(digits);
  return (
    `throughput ${rate(tally.simulatedMs / 1000, 1)} simulated s per wall s` +
    ` · ${rate(tally.runs, 3600, 0)} seeds per hour` +
    ` · ${rate(tally.opsChecked, 1)} ops checked per s` +
    ` · ${rate(tally.faults, 60)} faults per min`
  );
}

/** A run's summary from its result, or from what the simulator threw. */
export function summarizeRun(result: SimResult | { error: unknown }): RunSummary {
  if ('error' in result) return { stats: null, violations: 0, traceDigest: 'crash' };
  const { stats, violations, traceDigest } = result;
  return { stats, violations: violations.length, traceDigest };
}
