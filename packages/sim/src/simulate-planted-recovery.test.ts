// The planted bugs that the recovered-state check and the ephemeral-lifetime check catch, each
// next to the same run without the bug, which is clean.

import { describe, expect, test } from 'vitest';
import { simulate } from './simulate.js';
import type { FaultStep, Scenario, SimResult } from './scenario.js';

function summary(result: SimResult): string {
  const lines = result.violations.map((v) => `  ${v.checker}: ${v.message.slice(0, 300)}`);
  return `seed ${result.scenario.seed}\n${lines.join('\n')}`;
}

describe('simulate catches planted recovery and session bugs', () => {
  test('a disk reading back the epochs file a version behind is caught at restart', async () => {
    // Every member crashes once after the first election and restarts: each boot must recover
    // the epochs its platter holds. The planted disk reads back the version before the last.
    const schedule: FaultStep[] = [
      { atMs: 1_000, fault: { type: 'crash', server: 'leader' } },
      { atMs: 1_500, fault: { type: 'restart', server: 1 } },
      { atMs: 1_500, fault: { type: 'restart', server: 2 } },
      { atMs: 1_500, fault: { type: 'restart', server: 3 } },
      { atMs: 3_000, fault: { type: 'crash', server: 2, unsynced: 'torn' } },
      { atMs: 3_500, fault: { type: 'restart', server: 2 } },
    ];
    const scenario: Scenario = {
      seed: 4,
      nodes: 3,
      clients: 3,
      durationMs: 6_000,
      faults: ['crash'],
      schedule,
    };
    const planted = await simulate({ ...scenario, plantedBug: 'epochsRollBack' });
    const caught = planted.violations.filter((v) => v.checker === 'recovered-state');
    expect(caught.length, summary(planted)).toBeGreaterThan(0);
    expect(caught[0]?.message).toMatch(/^s\d recovered (accepted|current)Epoch \d+, durable \d+/);
    const honest = await simulate(scenario);
    expect(honest.violations, summary(honest)).toEqual([]);
    // The check had restarts to judge: two crashes, each followed by a boot from disk.
    const boots = honest.history.server.filter((e) => e.type === 'started').length;
    expect(boots).toBeGreaterThanOrEqual(5);
  });

  test('an ephemeral create let through after its session closed is caught mid-run', async () => {
    const schedule: FaultStep[] = [
      { atMs: 500, fault: { type: 'sessionRace', server: 1, ending: 'close', pauseMs: 0 } },
      { atMs: 800, fault: { type: 'sessionRace', server: 2, ending: 'expire', pauseMs: 4_000 } },
    ];
    const scenario: Scenario = {
      seed: 6,
      nodes: 3,
      clients: 2,
      durationMs: 7_000,
      faults: ['sessionRace'],
      schedule,
    };
    const planted = await simulate({ ...scenario, plantedBug: 'ephemeralAfterClose' });
    const midRun = planted.violations.filter(
      (v) => v.checker === 'ephemerals' && v.message.includes(', closed at 0x'),
    );
    expect(midRun.length, summary(planted)).toBeGreaterThan(0);
    expect(midRun.map((v) => v.message).join('\n')).toMatch(/holds \/race-r1 of session/);
    const honest = await simulate(scenario);
    expect(honest.violations, summary(honest)).toEqual([]);
  });
});
