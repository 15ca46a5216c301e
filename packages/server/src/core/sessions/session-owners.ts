// The leader's owner of each session: the member its requests come through (ZooKeeper:
// SessionTrackerImpl's owner, set by setOwner and checked by checkSession). A client that moves
// its session to another member is revalidated there, which makes that member the owner; a
// write still in flight from the member it left then arrives from a non-owner and becomes a
// SessionMoved error txn, so it never takes effect after the writes sent through the new one.
// Owners are not replicated: a new leader starts with none and adopts the first it sees.

/** A member id: the leader's own for its connections, the forwarding learner's for forwards. */
export type SessionOwner = number;

export class SessionOwners {
  private readonly owners = new Map<bigint, SessionOwner>();

  /** ZooKeeper: setOwner, on a revalidation, a resume on the leader, or a createSession. */
  set(sessionId: bigint, owner: SessionOwner): void {
    this.owners.set(sessionId, owner);
  }

  get(sessionId: bigint): SessionOwner | undefined {
    return this.owners.get(sessionId);
  }

  /**
   * ZooKeeper: checkSession's owner part. A session without an owner (created or revalidated
   * under another leader) is adopted by the first member whose request this leader prepares.
   */
  isOwnedBy(sessionId: bigint, owner: SessionOwner): boolean {
    const current = this.owners.get(sessionId);
    if (current === undefined) this.owners.set(sessionId, owner);
    return current === undefined || current === owner;
  }

  delete(sessionId: bigint): void {
    this.owners.delete(sessionId);
  }

  /** A new role: whoever leads next starts with no owner, as ZooKeeper's new session tracker. */
  clear(): void {
    this.owners.clear();
  }
}
