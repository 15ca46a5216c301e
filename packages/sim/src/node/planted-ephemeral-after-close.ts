// The planted bug ephemeralAfterClose (the ZOOKEEPER-1208 class), from outside the server: the
// leader's replication is handed, right after a session's closeSession, a copy of that session's
// last ephemeral create, stamped with the next zxid — as if prep had let a create that raced the
// close through after it. Every member then applies an ephemeral whose session is over.

import type { Txn } from '@zoo/server/internals';

export class EphemeralAfterClose {
  /** Each session's last ephemeral create this member proposed. */
  private readonly lastCreate = new Map<bigint, Txn>();

  /** What to propose right after `txn`, or null; `nextZxid` is asked only when there is one. */
  followUp(txn: Txn, nextZxid: () => bigint): Txn | null {
    const { body } = txn;
    if (body.type === 'create' && body.ephemeralOwner === txn.sessionId) {
      this.lastCreate.set(txn.sessionId, txn);
      return null;
    }
    if (body.type !== 'closeSession') return null;
    const create = this.lastCreate.get(txn.sessionId);
    if (create === undefined) return null;
    this.lastCreate.delete(txn.sessionId);
    return { ...create, zxid: nextZxid(), timeMs: txn.timeMs };
  }
}
