// Majority quorums over the voting members, as pure functions of data (etcd-raft's
// quorum/majority.go): how many make a quorum, whether some ids do, and what a quorum acked.
// ZooKeeper: QuorumMaj.containsQuorum; Leader.tryToCommit counts ACKs the same way.

import { assert } from '@zoo/client/protocol';

/** A strict majority of the voters. */
export function quorumSize(voterCount: number): number {
  assert(Number.isSafeInteger(voterCount) && voterCount > 0, () => `voter count ${voterCount}`);
  return Math.floor(voterCount / 2) + 1;
}

/** Whether the distinct voters among `ids` form a quorum; non-voters never count. */
export function hasQuorum(ids: Iterable<number>, voters: readonly number[]): boolean {
  // Ensembles have a handful of voters: arrays beat building two Sets on every ACK and tick.
  const counted: number[] = [];
  for (const id of ids) if (voters.includes(id) && !counted.includes(id)) counted.push(id);
  return counted.length >= quorumSize(voters.length);
}

/** How a leader turns its voters' ACKs into a commit point: `committedZxid` in production. */
export type CommitRule = (acks: ReadonlyMap<number, bigint>, voters: readonly number[]) => bigint;

/**
 * The largest zxid that a quorum of voters has acknowledged: every voter's ack means "my log
 * is durable up to here", so the quorum's common prefix is the quorum-th largest ack. Voters
 * without an entry count as 0n (nothing acked); acks of non-voters are ignored.
 */
export function committedZxid(
  acks: ReadonlyMap<number, bigint>,
  voters: readonly number[],
): bigint {
  assert(!hasDuplicates(voters), () => `duplicate voters ${voters.join(',')}`);
  // The quorum-th largest ack is the largest one that a quorum of voters reached. Counted in
  // place (a handful of voters) rather than sorted: this runs at every ACK a leader receives.
  const needed = quorumSize(voters.length);
  let value: bigint | null = null;
  for (const id of voters) {
    const candidate = acks.get(id) ?? 0n;
    if (value !== null && candidate <= value) continue;
    let reached = 0;
    for (const other of voters) if ((acks.get(other) ?? 0n) >= candidate) reached += 1;
    if (reached >= needed) value = candidate;
  }
  assert(value !== null, 'a quorum reached the smallest ack');
  return value;
}

function hasDuplicates(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i += 1) {
    if (ids.lastIndexOf(ids[i] as number, i - 1) !== -1) return true;
  }
  return false;
}
