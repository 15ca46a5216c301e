// When a voter must rejoin before it votes again. A voter whose data directory was lost or
// wiped starts empty and has forgotten what it promised: the epochs it accepted and the txns
// it acknowledged. Counted in a quorum again, it could let a second leader found an epoch the
// first already established (two txns at one zxid). So a voter that starts empty and hears
// that the ensemble has history joins it as a non-voter first (an observer, to its leader and
// to the election), takes the state of an established leader, and only then votes. An empty
// voter in an ensemble with no history yet (a first start) votes as usual.
//
// Safe because only a minority may lose its state: the quorums that found epochs and commit
// txns meanwhile are made of the other voters, so they meet every quorum the member was in.
// A crash while rejoining is safe too: once it accepted the new leader's epoch (durably) it is
// no longer empty, and what it then holds is a prefix of that leader's history.

import type { FastLeaderElection } from '../election/fast-leader-election.js';
import type { ReplicationRole } from '../replication/replication.js';
import type { Vote } from './messages.js';
import type { ResolvedZabOptions } from './zab-types.js';

/** What the member holds when a vote arrives (its Zab). */
export interface HeldState {
  readonly role: ReplicationRole;
  readonly acceptedEpoch: number;
  readonly log: { readonly lastZxid: bigint };
}

export class Rejoining {
  /** Observing until synced from an established leader. */
  isActive = false;

  constructor(
    private readonly options: ResolvedZabOptions,
    private readonly election: FastLeaderElection,
  ) {}

  /** Whether the member votes now: a voter, not rejoining. */
  get isVoting(): boolean {
    return this.options.isVoter && !this.isActive;
  }

  /**
   * Starts rejoining if this vote tells an empty, looking voter that the ensemble has history.
   * Returns whether it started: the caller restarts the election (which then has no vote).
   */
  begins(vote: Vote, held: HeldState): boolean {
    const { rejoinsWhenEmpty, isVoter, voterSet } = this.options;
    if (!rejoinsWhenEmpty || !isVoter || this.isActive || held.role !== 'looking') return false;
    if (held.acceptedEpoch !== 0 || held.log.lastZxid !== 0n) return false;
    if (!voterSet.has(vote.leader) || (vote.epoch <= 0 && vote.zxid <= 0n)) return false;
    this.isActive = true;
    this.election.setRejoining(true);
    return true;
  }

  /** Synced from an established leader: the caller restarts the election, with a vote. */
  end(): void {
    this.isActive = false;
    this.election.setRejoining(false);
  }
}
