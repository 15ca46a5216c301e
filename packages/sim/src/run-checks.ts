// Every history checker over one run's history, and the history's client operations as timeline
// entries for the report.

import type { History, Outcome, Violation } from './history/history.js';
import type { TimelineEntry } from './scenario.js';
import { checkLinearizability, describeZnodeOp } from './checkers/linearizability.js';
import { checkSessionOrder } from './checkers/session-order.js';
import { checkZabInvariants } from './checkers/zab-invariants.js';
import { checkRecipes } from './checkers/recipe-invariants.js';
import { checkWatchOrder } from './checkers/watch-order.js';
import { checkReplyOrder } from './checkers/reply-order.js';
import { checkCommitOrder } from './checkers/commit-order.js';

export function runChecks(history: History): Violation[] {
  return [
    ...checkLinearizability(history.znodeOps),
    ...checkSessionOrder(history.znodeOps),
    ...checkZabInvariants(history.server),
    ...checkRecipes(history),
    ...checkWatchOrder(history),
    ...checkReplyOrder(history.sessions),
    ...checkCommitOrder(history.server),
  ];
}

export function timelineOfHistory(history: History): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const add = (process: number, invokeMs: number, outcome: Outcome<unknown>, label: string) => {
    entries.push({
      lane: `c${process}`,
      startMs: invokeMs,
      endMs: outcome.type === 'unknown' ? null : outcome.completeMs,
      kind: 'op',
      label,
      status: outcome.type,
    });
  };
  for (const op of history.znodeOps) add(op.process, op.invokeMs, op.outcome, describeZnodeOp(op));
  for (const inc of history.counterIncrements) add(inc.process, inc.invokeMs, inc.outcome, 'incr');
  for (const grant of history.idGrants) add(grant.process, grant.invokeMs, grant.outcome, 'id');
  for (const write of history.fencedWrites) {
    add(write.process, write.invokeMs, write.outcome, `fenced write 0x${write.token.toString(16)}`);
  }
  for (const write of history.leaderWrites) {
    add(write.process, write.invokeMs, write.outcome, `leader write 0x${write.token.toString(16)}`);
  }
  const roles = [
    { holds: history.lockHolds, what: 'holds lock' },
    { holds: history.leaderTerms, what: 'leads' },
  ];
  for (const { holds, what } of roles) {
    for (const hold of holds) {
      entries.push({
        lane: `c${hold.process}`,
        startMs: hold.acquiredMs,
        endMs: hold.releasedMs,
        kind: 'op',
        label: `${what} 0x${hold.token.toString(16)}`,
        status: 'ok',
      });
    }
  }
  return entries;
}
