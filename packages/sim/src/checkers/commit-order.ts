// A session's requests take effect in the order it sent them (ZooKeeper's FIFO client order):
// in the txns a member applies, each session's cxids increase with the zxid. A learner that let
// one forwarded write wait while a later one overtook it had the leader commit them out of order
// (the hang fixed in commit 0eba01a); the follower that owed the replies never sent them, and
// the client only learned of it when its connection was lost, so no reply shows the order.
// Judged on every member's applied txns (a restart or a SNAP starts a new run of them); the
// session's own createSession and closeSession (cxid 0) and the server's own txns are left out,
// and so is a SessionMoved error txn: the leader's refusal of a request that came through a
// member the session had left (ZooKeeper's session owners), which takes a zxid but no effect.

import type { ServerEvent, Violation } from '../history/history.js';
import { formatZxid } from './zab-invariants.js';

interface Applied {
  zxid: bigint;
  cxid: number;
}

export function checkCommitOrder(events: readonly ServerEvent[]): Violation[] {
  const out: Violation[] = [];
  const reported = new Set<bigint>();
  /** Per server: each session's last applied txn in the current run of deliveries. */
  const last = new Map<number, Map<bigint, Applied>>();
  for (const event of events) {
    if (event.type === 'started') last.set(event.server, new Map());
    if (event.type !== 'delivered' || event.origin === undefined) continue;
    const { sessionId, cxid } = event.origin;
    if (cxid <= 0 || reported.has(sessionId) || isSessionMoved(event.fingerprint)) continue;
    let bySession = last.get(event.server);
    if (bySession === undefined) last.set(event.server, (bySession = new Map()));
    const before = bySession.get(sessionId);
    bySession.set(sessionId, { zxid: event.zxid, cxid });
    if (before === undefined || before.cxid < cxid) continue;
    reported.add(sessionId);
    out.push({
      checker: 'session',
      message:
        `CommitOrder: session ${formatZxid(sessionId)}: s${event.server} applied cxid ${cxid} ` +
        `at zxid ${formatZxid(event.zxid)}, after cxid ${before.cxid} at zxid ` +
        `${formatZxid(before.zxid)}: its requests took effect out of the order it sent them`,
    });
  }
  return out;
}

/** A txn fingerprint whose body is the error txn SessionMoved (−118). */
function isSessionMoved(fingerprint: string): boolean {
  return /^txn \S+ s=\S+ cxid=\S+ t=\S+ error -118\b/.test(fingerprint);
}
