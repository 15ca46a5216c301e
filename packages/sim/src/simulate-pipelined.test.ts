// Pipelined sessions: the workload sends bursts of requests without waiting, and the checkers
// judge them by the session's FIFO order. The planted forwardBehindAck (the hang fixed in commit
// 0eba01a: a learner's forwarded write waiting behind its ACK, overtaken by the next one) is
// caught by the commit-order rule; the same run without it is clean.

import { describe, expect, test } from 'vitest';
import { simulate } from './simulate.js';
import type { FaultStep, Scenario, SimResult, ZnodeOp } from './index.js';

function summary(result: SimResult): string {
  const lines = result.violations.map((v) => `  ${v.checker}: ${v.message.slice(0, 300)}`);
  return `seed ${result.scenario.seed}\n${lines.join('\n')}`;
}

/** Ops of one session that were in flight together (the later invoked before the earlier ended). */
function overlappingPairs(ops: readonly ZnodeOp[]): number {
  let pairs = 0;
  const lastEnd = new Map<string, number>();
  for (const op of ops) {
    if (op.sessionId === null || op.outcome.type === 'unknown') continue;
    const key = `${op.process}/${op.sessionId}`;
    const end = lastEnd.get(key);
    if (end !== undefined && op.invokeMs < end) pairs += 1;
    lastEnd.set(key, Math.max(end ?? 0, op.outcome.completeMs));
  }
  return pairs;
}

describe('pipelined sessions', () => {
  // A slow fsync on every member (20 ms) keeps a learner's ACK waiting long enough for the next
  // forwarded write of a burst to arrive while it waits.
  const schedule: FaultStep[] = [1, 2, 3].map((server) => ({
    atMs: 0,
    fault: { type: 'diskStall', server, extraMs: 20 },
  }));
  const scenario: Scenario = {
    seed: 1,
    nodes: 3,
    clients: 10,
    durationMs: 5_000,
    faults: ['disk'],
    schedule,
  };

  test('a learner forwarding a write behind its ACK is caught by the commit order', async () => {
    const planted = await simulate({ ...scenario, plantedBug: 'forwardBehindAck' });
    const caught = planted.violations.filter((v) => v.message.startsWith('CommitOrder:'));
    expect(caught.length, summary(planted)).toBeGreaterThan(0);
    expect(caught[0]?.message).toMatch(/applied cxid \d+ at zxid 0x\w+, after cxid \d+/);
    const honest = await simulate(scenario);
    expect(honest.violations, summary(honest)).toEqual([]);
    // The clean run had many requests of one session in flight together.
    expect(overlappingPairs(honest.history.znodeOps)).toBeGreaterThan(50);
  }, 120_000);
});
