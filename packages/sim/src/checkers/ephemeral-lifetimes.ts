// No ephemeral outlives its session (the ZOOKEEPER-1208 class: a create racing its session's
// close or expiry, applied after the close). A closeSession txn that any member delivered is
// committed, so its session is over for good: every member that has applied the tree past that
// zxid must hold no ephemeral of it. Checked while the run goes on, on every member, not only
// once everything has healed (final-checks.ts does that for sessions that never closed).

import type { Txn } from '@zoo/server/internals';
import type { Violation } from '../history/history.js';

/** What the check reads of a member's tree. */
export interface EphemeralTree {
  lastZxid: bigint;
  ephemeralsOf(sessionId: bigint): ReadonlySet<string>;
}

export class EphemeralLifetimes {
  /** Each ended session and the zxid of the first closeSession delivered for it. */
  private readonly closedAt = new Map<bigint, bigint>();
  /** Per member, the sessions already reported (one violation each is enough). */
  private readonly reported = new Set<string>();

  /** A member delivered (applied) `txn`. */
  delivered(txn: Txn): void {
    if (txn.body.type !== 'closeSession') return;
    const known = this.closedAt.get(txn.sessionId);
    if (known === undefined || txn.zxid < known) this.closedAt.set(txn.sessionId, txn.zxid);
  }

  /** The member's tree now: ephemerals of sessions closed at or before its last applied zxid. */
  check(server: number, tree: EphemeralTree): Violation[] {
    const violations: Violation[] = [];
    for (const [sessionId, closeZxid] of this.closedAt) {
      if (tree.lastZxid < closeZxid) continue;
      const paths = tree.ephemeralsOf(sessionId);
      if (paths.size === 0) continue;
      const key = `${server} ${sessionId}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      violations.push({
        checker: 'ephemerals',
        message:
          `s${server} at 0x${tree.lastZxid.toString(16)} holds ${[...paths].sort().join(', ')} ` +
          `of session 0x${sessionId.toString(16)}, closed at 0x${closeZxid.toString(16)}`,
      });
    }
    return violations;
  }
}
