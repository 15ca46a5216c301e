// A scenario's profile is part of what it is: simulate() draws its schedule by it, the
// scenario.json of its report carries it, and a replay of that file runs the same trace.

import { describe, expect, test } from 'vitest';
import { simulate } from './simulate.js';
import { drawSchedule } from './arbitraries.js';
import { faultKinds } from './scenario.js';
import type { Scenario } from './scenario.js';
import { parseScenario, replayableScenario } from './report/write-report.js';
import { fromJson, toJson } from './report/json.js';

describe('a scenario with a fault profile', () => {
  const scenario: Scenario = {
    seed: 11,
    nodes: 3,
    clients: 3,
    durationMs: 6_000,
    faults: [...faultKinds],
    profile: 'partition-heavy',
  };

  test('draws its schedule by the profile; replays exactly from its scenario.json', async () => {
    const first = await simulate(scenario);
    expect(first.schedule).toEqual(drawSchedule(scenario));
    const { profile, ...withoutProfile } = scenario;
    expect(profile).toBe('partition-heavy');
    expect(first.schedule).not.toEqual(drawSchedule(withoutProfile));
    const again = await simulate(scenario);
    expect(again.traceDigest).toBe(first.traceDigest);
    const written = parseScenario(fromJson(toJson(replayableScenario(first), 2)));
    expect(written.profile).toBe('partition-heavy');
    expect(written.schedule).toEqual(first.schedule);
    const replayed = await simulate(written);
    expect(replayed.traceDigest).toBe(first.traceDigest);
    expect(replayed.stats.events).toBe(first.stats.events);
  });
});
