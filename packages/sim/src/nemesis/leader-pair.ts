// The sides of the "leader cut off with exactly one follower" partition, and the rule both
// targeted faults use to pick a member other than the leader, who is only known when they apply.

/**
 * `named` if it is not `excluded`, else the next of `candidates` after it (wrapping round);
 * null if no candidate is left.
 */
export function memberOtherThan(
  named: number,
  excluded: number | null,
  candidates: readonly number[],
): number | null {
  const start = Math.max(0, candidates.indexOf(named));
  for (let i = 0; i < candidates.length; i += 1) {
    const id = candidates[(start + i) % candidates.length];
    if (id !== undefined && id !== excluded) return id;
  }
  return null;
}

/**
 * The leader with one follower (the voter `named`, or the next voter if it leads) on one side,
 * every other member on the other: 2 | 3 for five voters. Null without a leader or a follower.
 */
export function leaderPairGroups(
  leader: number | null,
  named: number,
  members: { voters: readonly number[]; ids: readonly number[] },
): number[][] | null {
  if (leader === null) return null;
  const follower = memberOtherThan(named, leader, members.voters);
  if (follower === null) return null;
  const pair = [leader, follower].sort((a, b) => a - b);
  return [pair, members.ids.filter((id) => !pair.includes(id))];
}
