// Tests for the sweep: summaries come back in scenario order however the runners finish, the
// sweep stops at the first failure in that order, and `pnpm sim` prints the same lines (totals,
// failure, shrink, replay) for one runner and for many.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { emptyHistory } from '../history/history.js';
import type { Scenario, SimResult } from '../scenario.js';
import { inThreadRunner, sweep } from './run-pool.js';
import type { RunSummary } from './run-tally.js';
import { runSimCli, type SimDeps } from './sim-cli.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoo-sim-pool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = { nodes: 3, clients: 1, durationMs: 100, faults: [] };

/** Resolves after a delay that varies by seed, so runs finish out of order. */
function later<T>(seed: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), (seed * 7) % 13));
}

function summaryOf(seed: number, isBad: boolean): RunSummary {
  const stats = { simulatedMs: 1000, wallMs: 1, events: seed, faults: 0, opsChecked: 1 };
  return { stats, violations: isBad ? 1 : 0, traceDigest: `d${seed}` };
}

describe('sweep', () => {
  test('reports runs in scenario order and stops at the first failure in that order', async () => {
    const scenarios: Scenario[] = [5, 1, 9, 2, 8, 3, 7].map((seed) => ({ ...base, seed }));
    // Seed 3 fails quickly; seed 9 (earlier in order) fails slowly: 9 is the first failure.
    const isBad = (seed: number): boolean => seed === 9 || seed === 3;
    const runners = [0, 1, 2].map(() =>
      inThreadRunner((s) => later(s.seed, summaryOf(s.seed, isBad(s.seed)))),
    );
    const seen: number[] = [];
    await sweep({
      scenarios,
      runners,
      onRun: (index, summary) => {
        seen.push(index);
        return summary.violations === 0;
      },
    });
    expect(seen).toEqual([0, 1, 2]);
  });

  test('runs every scenario once when none fails', async () => {
    const scenarios: Scenario[] = Array.from({ length: 20 }, (_, seed) => ({ ...base, seed }));
    const ran: number[] = [];
    const runner = inThreadRunner((s) => {
      ran.push(s.seed);
      return later(s.seed, summaryOf(s.seed, false));
    });
    const seen: number[] = [];
    await sweep({ scenarios, runners: [runner, runner], onRun: (i) => seen.push(i) > 0 });
    expect(seen).toEqual(scenarios.map((_, index) => index));
    expect(ran.sort((a, b) => a - b)).toEqual(scenarios.map((s) => s.seed));
  });
});

function delayedDeps(isBad: (scenario: Scenario) => boolean): SimDeps {
  return {
    scenarioArbitrary: (scenarioBase) =>
      fc.integer({ min: 0, max: 1_000_000 }).map((seed) => ({ ...scenarioBase, seed })),
    simulate: (scenario) => {
      const result: SimResult = {
        scenario,
        schedule: [],
        traceDigest: `digest-${scenario.seed}`,
        violations: isBad(scenario) ? [{ checker: 'fake', message: `seed ${scenario.seed}` }] : [],
        history: emptyHistory(),
        timeline: [],
        stats: { simulatedMs: 60_000, wallMs: 100, events: 10, faults: 2, opsChecked: 3 },
      };
      return later(scenario.seed, result);
    },
  };
}

async function cliLines(argv: string[], isBad: (scenario: Scenario) => boolean) {
  const lines: string[] = [];
  const code = await runSimCli(argv, {
    out: (line) => lines.push(line),
    isTTY: false,
    now: () => Date.UTC(2025, 0, 2, 3, 4, 5),
    deps: delayedDeps(isBad),
  });
  return { code, lines };
}

describe('pnpm sim --workers', () => {
  test('prints the same totals, digest, failure and replay for 1 and 4 workers', async () => {
    const isBad = (scenario: Scenario): boolean => scenario.seed >= 700_000;
    const outputs = [];
    for (const workers of ['1', '4']) {
      const reportDir = join(dir, `w${workers}`);
      const argv = ['--seeds', '60', '--seed', '8', '--report-dir', reportDir];
      const { code, lines } = await cliLines([...argv, '--workers', workers], isBad);
      expect(code).toBe(1);
      const unshrunk = (await readdir(reportDir)).filter((name) => name.endsWith('-unshrunk'));
      expect(unshrunk).toHaveLength(1);
      outputs.push(lines.map((line) => line.replaceAll(reportDir, '<dir>')));
    }
    expect(outputs[1]).toEqual(outputs[0]);
    const text = outputs[0]?.join('\n') ?? '';
    expect(text).toMatch(/sweep digest [0-9a-f]{64}/);
    expect(text).toMatch(/FAILED after \d+ runs, shrunk [1-9]\d* times/);
    expect(text).toContain('replay: pnpm sim --replay <dir>/seed-700000-20250102T030405/');
  });
});
