// The recipe checker's rules for exclusive roles — holds of the Lock recipe and terms of the
// LeaderLatch recipe, both judged by a fencing token (the czxid of the holder's node) and by the
// guarded writes the holders made: multis that check the holder's node still exists.

import type { FencedWrite, LockHold, Violation } from '../history/history.js';
import { formatZxid } from './zab-invariants.js';

/** Which recipe's role is judged: names the rules (LockOrder, LeaderOrder, …) and messages. */
export type ExclusiveRole = 'Lock' | 'Leader';

const words: Record<ExclusiveRole, { noun: string; began: string }> = {
  Lock: { noun: 'hold', began: 'acquired' },
  Leader: { noun: 'term', began: 'elected' },
};

export function recipeViolation(rule: string, message: string): Violation {
  return { checker: 'recipe', message: `${rule}: ${message}` };
}

function byTokenOrder(a: { token: bigint }, b: { token: bigint }): number {
  return a.token < b.token ? -1 : a.token > b.token ? 1 : 0;
}

/** Every rule below, over one recipe's holds and guarded writes. */
export function checkExclusiveRole(
  role: ExclusiveRole,
  holds: readonly LockHold[],
  writes: readonly FencedWrite[],
): Violation[] {
  return [
    ...checkTokens(role, holds),
    ...checkOrder(role, holds, writes),
    ...checkFencing(role, writes),
    ...checkExclusion(role, holds, writes),
  ];
}

function describeHold(role: ExclusiveRole, hold: LockHold): string {
  return `process ${hold.process}'s ${words[role].noun} with token ${formatZxid(hold.token)}`;
}

/** A token is one node's czxid: no two holds may carry it. */
function checkTokens(role: ExclusiveRole, holds: readonly LockHold[]): Violation[] {
  const out: Violation[] = [];
  const byToken = new Map<bigint, LockHold>();
  const { began } = words[role];
  for (const hold of holds) {
    const other = byToken.get(hold.token);
    if (other === undefined) {
      byToken.set(hold.token, hold);
      continue;
    }
    out.push(
      recipeViolation(
        `${role}Tokens`,
        `token ${formatZxid(hold.token)} held by process ${other.process} (${began} ` +
          `${other.acquiredMs}ms) and by process ${hold.process} (${began} ${hold.acquiredMs}ms)`,
      ),
    );
  }
  return out;
}

// Zxids grow with commit order, so a larger token means a later turn. Overlapping holds are not
// by themselves wrong (after a session expiry the old holder learns late): fencing is what must
// keep them apart. The order is judged only among holds proven by an ok guarded write: a holder
// whose session already expired can still see its node first on a lagging follower and believe
// its turn came after a newer holder's — its guarded writes then fail, the recipe working.
function checkOrder(
  role: ExclusiveRole,
  holds: readonly LockHold[],
  writes: readonly FencedWrite[],
): Violation[] {
  const proven = new Set(writes.filter((w) => w.outcome.type === 'ok').map((w) => w.token));
  const sorted = holds.filter((hold) => proven.has(hold.token)).sort(byTokenOrder);
  const out: Violation[] = [];
  sorted.forEach((hold, i) => {
    const previous = sorted[i - 1];
    if (previous === undefined || hold.acquiredMs >= previous.acquiredMs) return;
    out.push(
      recipeViolation(
        `${role}Order`,
        `${describeHold(role, hold)} was ${words[role].began} at ${hold.acquiredMs}ms, before ` +
          `${describeHold(role, previous)} (a smaller token) at ${previous.acquiredMs}ms`,
      ),
    );
  });
  return out;
}

// ZooKeeper recipes: a guarded write is a multi (check the holder's node, then set), so the
// resource sees writes in commit (zxid) order; a holder with an older token must never write
// after a newer holder's write committed.
function checkFencing(role: ExclusiveRole, writes: readonly FencedWrite[]): Violation[] {
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
        recipeViolation(
          `${role}Fencing`,
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

// Exclusion while valid. A holder's turn comes only once its server shows every older node
// gone; an ok guarded write proves its holder's node still existed when it committed. So a
// write with token t took effect before any holder with a larger token began, and cannot have
// been invoked after. Client-side holds may overlap (a paused holder whose session expired
// learns it late): only their proven-valid parts may not.
function checkExclusion(
  role: ExclusiveRole,
  holds: readonly LockHold[],
  writes: readonly FencedWrite[],
): Violation[] {
  const byToken = [...holds].sort(byTokenOrder);
  // earliestFrom[i]: the earliest beginning among holds i.. (tokens at least byToken[i]'s).
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
      recipeViolation(
        `${role}Exclusion`,
        `process ${write.process}'s guarded write with token ${formatZxid(write.token)} ` +
          `(invoked ${write.invokeMs}ms) succeeded after ${describeHold(role, newer)} ` +
          `${words[role].began} at ${newer.acquiredMs}ms`,
      ),
    );
  }
  return out;
}
