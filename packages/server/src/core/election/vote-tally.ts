// The votes an election has received, one per voter (FastLeaderElection's `recvset` and
// `outofelection`), and the counting rules over them: which votes agree, whether a quorum does,
// and whether the agreed leader has said it leads.

import { assert } from '@zoo/client/protocol';
import type { ServerState, Vote } from '../zab/messages.js';

/** A voter's latest notification as the tally keeps it. */
export interface ReceivedVote {
  vote: Vote;
  /** The election round (ZooKeeper's electionEpoch / logicalclock) it was sent in. */
  round: number;
  state: ServerState;
}

/** Quorum = strict majority of the voters (ZooKeeper: QuorumMaj.containsQuorum). */
export function quorumSizeOf(voterCount: number): number {
  assert(Number.isSafeInteger(voterCount) && voterCount > 0, `voter count ${voterCount}`);
  return Math.floor(voterCount / 2) + 1;
}

/**
 * ZooKeeper: Vote.equals. Votes of LOOKING peers agree only when leader, zxid, epoch and round
 * all match; two votes of peers out of election (following/leading) agree when leader and epoch
 * match, because their zxid and round drift once the leader is established (ZOOKEEPER-1805,
 * and QuorumPeer.updateElectionVote for ZOOKEEPER-1732).
 */
export function isSameVote(a: ReceivedVote, b: ReceivedVote): boolean {
  if (a.state === 'looking' || b.state === 'looking') {
    return (
      a.vote.leader === b.vote.leader &&
      a.vote.zxid === b.vote.zxid &&
      a.vote.epoch === b.vote.epoch &&
      a.round === b.round
    );
  }
  return a.vote.leader === b.vote.leader && a.vote.epoch === b.vote.epoch;
}

export class VoteTally {
  private readonly votes = new Map<number, ReceivedVote>();
  private readonly voters: ReadonlySet<number>;
  private readonly quorumSize: number;

  constructor(voters: ReadonlySet<number>) {
    this.voters = voters;
    this.quorumSize = quorumSizeOf(voters.size);
  }

  /** Keeps only the latest vote of each voter; non-voters never count. */
  record(from: number, received: ReceivedVote): void {
    assert(this.voters.has(from), `tally: vote from non-voter ${from}`);
    this.votes.set(from, received);
  }

  get(from: number): ReceivedVote | undefined {
    return this.votes.get(from);
  }

  get size(): number {
    return this.votes.size;
  }

  clear(): void {
    this.votes.clear();
  }

  /** Voters whose latest vote agrees with `target`, in the order they were first recorded. */
  agreeing(target: ReceivedVote): number[] {
    const out: number[] = [];
    for (const [from, received] of this.votes) {
      if (isSameVote(received, target)) out.push(from);
    }
    return out;
  }

  /** ZooKeeper: SyncedLearnerTracker.hasAllQuorums over getVoteTracker(votes, target). */
  hasQuorumFor(target: ReceivedVote): boolean {
    return this.agreeing(target).length >= this.quorumSize;
  }

  /** Every recorded voter id, in the order first recorded. */
  senders(): number[] {
    return [...this.votes.keys()];
  }
}

/**
 * ZooKeeper: FastLeaderElection.checkLeader. A quorum agreeing on an established leader is not
 * enough: the leader must itself report LEADING, so that peers do not keep electing a leader
 * that has crashed. If the agreed leader is this server, it must be in the round it reports.
 */
export function isLeaderConfirmed(options: {
  tally: VoteTally;
  leader: number;
  round: number;
  self: { serverId: number; logicalClock: number };
}): boolean {
  const { tally, leader, round, self } = options;
  if (leader === self.serverId) return self.logicalClock === round;
  return tally.get(leader)?.state === 'leading';
}
