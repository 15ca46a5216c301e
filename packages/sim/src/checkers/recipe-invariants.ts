// The recipe checker: what the Lock, LeaderLatch, ID generator and Counter recipes promise their
// users — fencing tokens that grow with each turn and with commit order, holds and terms that
// never overlap while valid (recipe-invariants-locks.ts), IDs that are unique (and, sequential
// ones, grow in real time), a counter that counts every acknowledged increment once. Reads a
// run's History, nothing else.

import type { CounterIncrement, History, IdGrant, Violation } from '../history/history.js';
import { checkExclusiveRole, recipeViolation as violation } from './recipe-invariants-locks.js';

type OkGrant = { grant: IdGrant; value: bigint; completeMs: number; order: number };

function describeGrant(g: OkGrant): string {
  return (
    `process ${g.grant.process}'s ${g.grant.kind} id ${g.value} (generator ` +
    `${g.grant.generator}, invoked ${g.grant.invokeMs}ms, completed ${g.completeMs}ms)`
  );
}

// SequentialIdGenerator: the parent's sequence never repeats, and a create that starts after
// another finished commits later and gets a larger number. SegmentIdGenerator: ranges reserved
// by counter updates that each apply at most once never overlap, and one generator hands its
// ranges out in order; IDs of different generators interleave, so real time orders nothing.
function checkIdGrants(grants: readonly IdGrant[], kind: IdGrant['kind']): Violation[] {
  const ok: OkGrant[] = [];
  grants.forEach((grant, order) => {
    if (grant.kind !== kind || grant.outcome.type !== 'ok') return;
    ok.push({ grant, value: grant.outcome.value, completeMs: grant.outcome.completeMs, order });
  });
  const out: Violation[] = [];
  const byValue = new Map<bigint, OkGrant>();
  for (const g of ok) {
    const other = byValue.get(g.value);
    if (other === undefined) byValue.set(g.value, g);
    else out.push(violation('UniqueIds', `${describeGrant(other)} and ${describeGrant(g)}`));
  }
  const invokeOrder = [...ok].sort(
    (a, b) => a.grant.invokeMs - b.grant.invokeMs || a.order - b.order,
  );
  const lastOfIssuer = new Map<string, OkGrant>();
  for (const g of invokeOrder) {
    const issuer = kind === 'sequential' ? `c${g.grant.process}` : g.grant.generator;
    const previous = lastOfIssuer.get(issuer);
    lastOfIssuer.set(issuer, g);
    // Equal values are duplicates, already reported by UniqueIds.
    if (previous === undefined || g.value >= previous.value) continue;
    out.push(violation('IdOrder', `${describeGrant(g)} came after ${describeGrant(previous)}`));
  }
  if (kind === 'sequential') out.push(...checkIdRealTime(invokeOrder));
  return out;
}

/** If grant A completed before grant B was invoked, A's id is smaller than B's. */
function checkIdRealTime(invokeOrder: readonly OkGrant[]): Violation[] {
  const completeOrder = [...invokeOrder].sort((a, b) => a.completeMs - b.completeMs);
  const out: Violation[] = [];
  let next = 0;
  let largest: OkGrant | null = null;
  for (const g of invokeOrder) {
    for (let done = completeOrder[next]; done !== undefined; done = completeOrder[next]) {
      if (done.completeMs >= g.grant.invokeMs) break;
      if (largest === null || done.value > largest.value) largest = done;
      next += 1;
    }
    if (largest === null || g.value >= largest.value) continue;
    out.push(
      violation(
        'IdRealTime',
        `${describeGrant(g)} is smaller than ${describeGrant(largest)}, which completed ` +
          `before it was invoked`,
      ),
    );
  }
  return out;
}

// Every applied increment moves the counter by one from the value it read, so applied
// increments produce distinct values 1..final: acked ones must all be counted, unknown ones at
// most once each, failed ones never, and no two increments may produce the same value.
function checkCounter(increments: readonly CounterIncrement[], final: number | null): Violation[] {
  const out: Violation[] = [];
  const values = new Map<number, CounterIncrement>();
  let acked = 0;
  let unknown = 0;
  for (const inc of increments) {
    if (inc.outcome.type === 'unknown') unknown += 1;
    if (inc.outcome.type !== 'ok') continue;
    acked += 1;
    const value = inc.outcome.value;
    const other = values.get(value);
    if (other !== undefined) {
      out.push(
        violation(
          'Counter',
          `increments by process ${other.process} (invoked ${other.invokeMs}ms) and process ` +
            `${inc.process} (invoked ${inc.invokeMs}ms) both produced ${value}`,
        ),
      );
    } else values.set(value, inc);
    if (final !== null && value > final) {
      out.push(
        violation(
          'Counter',
          `process ${inc.process}'s increment (invoked ${inc.invokeMs}ms) produced ${value}, ` +
            `above the final value ${final}`,
        ),
      );
    }
  }
  if (final !== null && (final < acked || final > acked + unknown)) {
    out.push(
      violation(
        'Counter',
        `final value ${final} is outside [acked, acked + unknown] = [${acked}, ${acked + unknown}]`,
      ),
    );
  }
  return out;
}

/** Checks the lock, leader, unique-id and counter recipes' promises over a run's history. */
export function checkRecipes(history: History): Violation[] {
  return [
    ...checkExclusiveRole('Lock', history.lockHolds, history.fencedWrites),
    ...checkExclusiveRole('Leader', history.leaderTerms, history.leaderWrites),
    ...checkIdGrants(history.idGrants, 'sequential'),
    ...checkIdGrants(history.idGrants, 'segment'),
    ...checkCounter(history.counterIncrements, history.finalCounter),
  ];
}
