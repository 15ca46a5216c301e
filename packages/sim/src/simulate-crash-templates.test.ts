// The targeted schedules: each template of crashes in a window where ZAB implementations lost
// data, and the session race, run clean over a few seeds; and fast-check shrinks a schedule
// of templates down to the one that matters.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { simulate } from './simulate.js';
import { scheduleArbitrary } from './arbitraries.js';
import { crashTemplateNames, templateArbitrary } from './schedule-templates.js';
import type { TemplateName } from './schedule-templates.js';
import type { FaultKind, Scenario, SimResult } from './scenario.js';

function summary(result: SimResult): string {
  const lines = result.violations.map((v) => `  ${v.checker}: ${v.message.slice(0, 300)}`);
  return `seed ${result.scenario.seed} ${JSON.stringify(result.schedule)}\n${lines.join('\n')}`;
}

const templates: TemplateName[] = [...crashTemplateNames, 'raceThenLeaderCrash'];

describe('schedule templates', () => {
  test.each(templates)('%s runs clean over a few seeds', async (name) => {
    const faults: FaultKind[] = ['multiCrash', 'sessionRace'];
    const base = { nodes: 3, clients: 3, durationMs: 6_000, faults };
    const schedules = fc.sample(templateArbitrary(name, base), { seed: 17, numRuns: 2 });
    for (const [index, schedule] of schedules.entries()) {
      const scenario: Scenario = { ...base, seed: 100 + index, schedule };
      const result = await simulate(scenario);
      expect(result.violations, summary(result)).toEqual([]);
      // The template struck: at least one crash, and every member back by the end.
      expect(result.stats.faults).toBeGreaterThanOrEqual(schedule.length);
      const boots = result.history.server.filter((e) => e.type === 'started').length;
      expect(boots).toBeGreaterThan(3);
    }
  });

  test('a five-member ensemble survives the epoch-then-leader template', async () => {
    const base = { nodes: 5, clients: 3, durationMs: 6_000, faults: ['multiCrash' as const] };
    const [schedule] = fc.sample(templateArbitrary('epochThenLeader', base), { seed: 5 });
    const result = await simulate({ ...base, seed: 9, schedule: schedule ?? [] });
    expect(result.violations, summary(result)).toEqual([]);
  });

  test('the scenario arbitrary draws templates, and shrinks to the one that matters', () => {
    const base = { nodes: 3, clients: 2, durationMs: 20_000, faults: ['multiCrash' as const] };
    const arbitrary = scheduleArbitrary(base);
    const drawn = fc.sample(arbitrary, { seed: 3, numRuns: 20 });
    const windows = new Set(
      drawn.flat().flatMap((s) => (s.fault.type === 'crashAt' ? [s.fault.window] : [])),
    );
    expect([...windows].sort()).toEqual([
      'afterEpochsBeforeAck',
      'afterWriteBeforeAck',
      'duringSync',
    ]);
    // A property that fails on any epoch-window crash shrinks to one template, its gaps at 0.
    const details = fc.check(
      fc.property(arbitrary, (schedule) =>
        schedule.every(
          (s) => s.fault.type !== 'crashAt' || s.fault.window !== 'afterEpochsBeforeAck',
        ),
      ),
      { seed: 3, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const [shrunk] = details.counterexample ?? [[]];
    const kinds = shrunk.map(
      (s) => `${s.fault.type}${'window' in s.fault ? ` ${s.fault.window}` : ''}`,
    );
    expect(kinds.slice(0, 3)).toEqual(['crashAt afterEpochsBeforeAck', 'crash', 'crash']);
    expect(kinds.filter((k) => k.startsWith('crashAt'))).toHaveLength(1);
    expect(shrunk[0]?.atMs).toBe(0);
  });
});
