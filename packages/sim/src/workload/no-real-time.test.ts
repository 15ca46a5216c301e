import { afterEach, describe, expect, test, vi } from 'vitest';
import { simulate } from '../simulate.js';
import { faultKinds } from '../scenario.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the workload on virtual time', () => {
  // The recipes fall back to Node's clock, timers and crypto randomness when given no env: one
  // recipe built without the session's env would make a seed replay differently.
  test('runs the real recipes without the real clock, timers or randomness', async () => {
    const random = vi.spyOn(Math, 'random');
    const now = vi.spyOn(Date, 'now');
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const interval = vi.spyOn(globalThis, 'setInterval');
    const performanceNow = vi.spyOn(performance, 'now');
    const result = await simulate({
      seed: 11,
      nodes: 3,
      clients: 5,
      durationMs: 6_000,
      faults: [...faultKinds],
    });
    const { history } = result;
    expect(history.counterIncrements.length).toBeGreaterThan(10);
    expect(history.lockHolds.length).toBeGreaterThan(5);
    expect(history.leaderTerms.length).toBeGreaterThan(3);
    expect(new Set(history.idGrants.map((grant) => grant.kind))).toEqual(
      new Set(['sequential', 'segment']),
    );
    expect(random).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
    expect(timeout).not.toHaveBeenCalled();
    expect(interval).not.toHaveBeenCalled();
    // simulate() reads the wall clock twice, for its own statistics.
    expect(performanceNow.mock.calls.length).toBeLessThanOrEqual(2);
  });
});
