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
  const acked = voters.map((id) => acks.get(id) ?? 0n);
  acked.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const value = acked[quorumSize(voters.length) - 1];
  assert(value !== undefined, 'quorum index within the voters');
  return value;
}

function hasDuplicates(ids: readonly number[]): boolean {
  return ids.some((id, i) => ids.indexOf(id) !== i);
}
