// A voter that lost its data rejoins before it votes again. Its data directory was lost or
// refused, and `zoo-data reset` emptied it and marked it (the `epochs` file's isRejoining): it
// has forgotten the epochs it accepted and the txns it acknowledged. Counted in a quorum again,
// it could let a member with an older history found an epoch another leader already
// established (two txns at one zxid), or elect a leader without a txn it helped commit. So it
// joins as a non-voter (an observer, to its leader and to the election), takes the state of an
// established leader, and only then clears the mark and votes. The mark is kept in every epochs
// write until then, so a crash while rejoining rejoins again.
//
// Safe because only a minority loses its data: the quorums that found epochs and commit txns
// meanwhile are made of other voters, so they meet every quorum the member was in. An empty
// directory without the mark is a new member (it promised nothing) and votes at once, as in
// ZooKeeper, which has no such mark and leaves a lost disk to its operator.

import type { FastLeaderElection } from '../election/fast-leader-election.js';
import type { ResolvedZabOptions } from './zab-types.js';

export class Rejoining {
  /** Observing until synced from an established leader. */
  isActive: boolean;

  constructor(
    private readonly options: ResolvedZabOptions,
    private readonly election: FastLeaderElection,
    isMarked: boolean,
  ) {
    this.isActive = isMarked && options.isVoter;
    election.setRejoining(this.isActive);
  }

  /** Whether the member votes now: a voter, not rejoining. */
  get isVoting(): boolean {
    return this.options.isVoter && !this.isActive;
  }

  /** Synced from an established leader: the caller persists the cleared mark, then looks. */
  end(): void {
    this.isActive = false;
    this.election.setRejoining(false);
  }
}
