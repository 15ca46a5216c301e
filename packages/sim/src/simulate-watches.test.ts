// The watch checker on whole runs: the workload's sessions set one-shot, persistent and
// recursive watches; their connections are tapped; the checker judges what arrived against the
// committed changes. A planted bug that hands a client its watch events only after the next
// reply must be caught, and the same runs without it must pass.

import { describe, expect, test } from 'vitest';
import { simulate } from './simulate.js';
import type { FaultStep, Scenario, SimResult } from './scenario.js';

function summary(result: SimResult): string {
  const lines = result.violations.map((v) => `  ${v.checker}: ${v.message.slice(0, 400)}`);
  return `seed ${result.scenario.seed}\n${lines.join('\n')}`;
}

function entriesOf(result: SimResult, type: string): number {
  return result.history.sessions.flatMap((log) => log.entries).filter((e) => e.type === type)
    .length;
}

describe('simulate: watches', () => {
  test('watches fire, reconnects re-register them, and a clean run stays clean', async () => {
    // Every server's connections are reset in turn, so sessions reconnect holding watches.
    const schedule: FaultStep[] = [1, 2, 3, 1, 2, 3].map((server, i) => ({
      atMs: 800 * (i + 1),
      fault: { type: 'reset', server },
    }));
    const scenario: Scenario = {
      seed: 3,
      nodes: 3,
      clients: 5,
      durationMs: 6_000,
      faults: ['reset'],
      schedule,
    };
    const result = await simulate(scenario);
    expect(result.violations, summary(result)).toEqual([]);
    expect(entriesOf(result, 'event')).toBeGreaterThan(50);
    expect(entriesOf(result, 'setWatches')).toBeGreaterThan(0);
    const setsPersistent = result.history.sessions.some((log) =>
      log.entries.some((e) => e.type === 'reply' && e.call.op === 'addWatch'),
    );
    expect(setsPersistent).toBe(true);
  });

  test('watch events handed over after the next reply are caught', async () => {
    for (const seed of [1, 2]) {
      const scenario: Scenario = { seed, nodes: 3, clients: 4, durationMs: 4_000, faults: [] };
      const planted = await simulate({ ...scenario, plantedBug: 'watchAfterReply' });
      const caught = planted.violations.filter(
        (v) => v.checker === 'watch' && /came before the event/.test(v.message),
      );
      expect(caught.length, summary(planted)).toBeGreaterThan(0);
      // The same scenario without the planted bug is clean: the checker judges the bug.
      const honest = await simulate(scenario);
      expect(honest.violations, summary(honest)).toEqual([]);
    }
  });
});
