// The recipe checker: what the Lock, ID generator and Counter recipes promise their users —
// fencing tokens that grow with acquisition and commit order, holds that never overlap while
// valid, IDs that are unique (and, sequential ones, grow in real time), a counter that counts
// every acknowledged increment once. Reads a run's History, nothing else.

import type {
  CounterIncrement,
  FencedWrite,
  History,
  IdGrant,
  LockHold,
  Violation,
} from '../history/history.js';
import { formatZxid } from './zab-invariants.js';

const checker = 'recipe';

function violation(rule: string, message: string): Violation {
  return { checker, message: `${rule}: ${message}` };
}

function describeHold(hold: LockHold): string {
  return `process ${hold.process}'s hold with token ${formatZxid(hold.token)}`;
}

// A lock's fencing token is the czxid of the holder's lock node (zxids grow with commit order),
// so a larger token means a later acquisition. Overlapping holds are not by themselves wrong
// (after a session expiry the old holder learns late): fencing is what must keep them apart.
// The acquisition order is judged only among holds proven by an ok fenced write: a holder whose
// session already expired can still see its node as lowest on a lagging follower and believe it
// acquired after a newer holder — its fenced writes then fail, which is the recipe working.
function checkLockHolds(holds: readonly LockHold[], writes: readonly FencedWrite[]): Violation[] {
  const out: Violation[] = [];
  const byToken = new Map<bigint, LockHold>();
  for (const hold of holds) {
    const other = byToken.get(hold.token);
    if (other !== undefined) {
      out.push(
        violation(
          'LockTokens',
          `token ${formatZxid(hold.token)} held by process ${other.process} (acquired ` +
            `${other.acquiredMs}ms) and by process ${hold.process} (acquired ${hold.acquiredMs}ms)`,
        ),
      );
    } else byToken.set(hold.token, hold);
  }
  const proven = new Set(writes.filter((w) => w.outcome.type === 'ok').map((w) => w.token));
  const sorted = holds
    .filter((hold) => proven.has(hold.token))
    .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  sorted.forEach((hold, i) => {
    const previous = sorted[i - 1];
    if (previous === undefined || hold.acquiredMs >= previous.acquiredMs) return;
    out.push(
      violation(
        'LockOrder',
        `${describeHold(hold)} was acquired at ${hold.acquiredMs}ms, before ` +
          `${describeHold(previous)} (a smaller token) at ${previous.acquiredMs}ms`,
      ),
    );
  });
  return out;
}

// ZooKeeper recipes: a fenced write is a multi (check the holder's lock node, then set), so the
// resource sees writes in commit (zxid) order; a holder with an older token must never write
// after a newer holder's write committed.
function checkFencing(writes: readonly FencedWrite[]): Violation[] {
  const committed: { write: FencedWrite; zxid: bigint }[] = [];
  for (const write of writes) {
    if (write.outcome.type !== 'ok' || write.outcome.value.zxid === null) continue;
    committed.push({ write, zxid: write.outcome.value.zxid });
  }
  committed.sort((a, b) => (a.zxid < b.zxid ? -1 : a.zxid > b.zxid ? 1 : 0));
  const out: Violation[] = [];
  let newest: { write: FencedWrite; zxid: bigint } | null = null;
  for (const entry of committed) {
    if (newest !== null && entry.write.token < newest.write.token) {
      out.push(
        violation(
          'Fencing',
          `process ${entry.write.process}'s write with token ${formatZxid(entry.write.token)} ` +
            `committed at zxid ${formatZxid(entry.zxid)}, after process ` +
            `${newest.write.process}'s write with the newer token ` +
            `${formatZxid(newest.write.token)} committed at zxid ${formatZxid(newest.zxid)}`,
        ),
      );
      continue;
    }
    newest = entry;
  }
  return out;
}

// Mutual exclusion while valid. A holder acquires only once its server shows every older lock
// node gone; an ok fenced write proves its holder's node still existed when it committed. So a
// write with token t took effect before any holder with a larger token acquired, and cannot
// have been invoked after. Client-side holds may overlap (a paused holder whose session expired
// learns it late): only their proven-valid parts may not.
function checkLockExclusion(
  holds: readonly LockHold[],
  writes: readonly FencedWrite[],
): Violation[] {
  const byToken = [...holds].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  // earliestFrom[i]: the earliest acquisition among holds i.. (tokens at least byToken[i]'s).
  const earliestFrom: LockHold[] = [];
  for (let i = byToken.length - 1; i >= 0; i -= 1) {
    const hold = byToken[i] as LockHold;
    const later = earliestFrom[i + 1];
    earliestFrom[i] = later !== undefined && later.acquiredMs < hold.acquiredMs ? later : hold;
  }
  const out: Violation[] = [];
  for (const write of writes) {
    if (write.outcome.type !== 'ok') continue;
    const firstNewer = byToken.findIndex((hold) => hold.token > write.token);
    const newer = firstNewer < 0 ? undefined : earliestFrom[firstNewer];
    if (newer === undefined || newer.acquiredMs >= write.invokeMs) continue;
    out.push(
      violation(
        'LockExclusion',
        `process ${write.process}'s fenced write with token ${formatZxid(write.token)} ` +
          `(invoked ${write.invokeMs}ms) succeeded after ${describeHold(newer)} was acquired ` +
          `at ${newer.acquiredMs}ms`,
      ),
    );
  }
  return out;
}

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

/** Checks the lock, unique-id and counter recipes' promises over a run's history. */
export function checkRecipes(history: History): Violation[] {
  return [
    ...checkLockHolds(history.lockHolds, history.fencedWrites),
    ...checkFencing(history.fencedWrites),
    ...checkLockExclusion(history.lockHolds, history.fencedWrites),
    ...checkIdGrants(history.idGrants, 'sequential'),
    ...checkIdGrants(history.idGrants, 'segment'),
    ...checkCounter(history.counterIncrements, history.finalCounter),
  ];
}
