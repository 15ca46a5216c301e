// Who waits, on this server, for each txn: the local writes of every session in submission
// order, and the connections waiting for a session's createSession or closeSession txn.

import type { SubmittedWrite } from '../prep/prepare-request.js';
import type { TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';

/** A write submitted on this server, waiting for its txn to be applied. */
export interface LocalWrite {
  sessionId: bigint;
  cxid: number;
  connectionId: number;
  request: SubmittedWrite;
}

export type SessionTxnKind = 'createSession' | 'closeSession';

export class WriteOrigins {
  /**
   * Each session's local writes in submission order. A session's txns are applied in the order
   * its writes were submitted, so a committed txn is this server's own when it carries the cxid
   * of its session's oldest local write (ZooKeeper: CommitProcessor matches a commit against the
   * head of its queued local writes). Matching by order, not by cxid alone, keeps a client that
   * repeats an xid, or resumes its session on a new connection while writes of the old one are
   * in flight, from having another request's txn answer its own.
   */
  private readonly writes = new Map<bigint, LocalWrite[]>();
  private writeCount = 0;
  /** The connection waiting for a session's createSession or closeSession txn. */
  private readonly sessionTxns = new Map<string, number>();

  get size(): number {
    return this.writeCount + this.sessionTxns.size;
  }

  /** Drops every origin (their connections are being closed: replication lost its leader). */
  clear(): void {
    this.writes.clear();
    this.writeCount = 0;
    this.sessionTxns.clear();
  }

  addWrite(write: LocalWrite): void {
    const writes = this.writes.get(write.sessionId);
    if (writes === undefined) this.writes.set(write.sessionId, [write]);
    else writes.push(write);
    this.writeCount += 1;
  }

  /**
   * The local write `txn` may answer: its session's oldest, when the cxid fits. Asked before the
   * txn is applied (whether its reply shows a Stat), then taken with `take` once it is.
   */
  oldestFor(txn: Txn): LocalWrite | undefined {
    const oldest = this.writes.get(txn.sessionId)?.[0];
    return oldest !== undefined && oldest.cxid === txn.cxid ? oldest : undefined;
  }

  /**
   * Takes `write` (oldestFor's) if the applied txn's result fits it. A txn of the same session
   * and cxid that does not fit the request came from another server (a client holding its
   * session on two servers at once): it is not this server's to answer.
   */
  take(write: LocalWrite, result: TxnResult): boolean {
    if (!resultFits(write.request, result)) return false;
    const writes = this.writes.get(write.sessionId);
    writes?.shift();
    if (writes?.length === 0) this.writes.delete(write.sessionId);
    this.writeCount -= 1;
    return true;
  }

  addSessionTxn(sessionId: bigint, kind: SessionTxnKind, connectionId: number): void {
    this.sessionTxns.set(sessionTxnKey(sessionId, kind), connectionId);
  }

  /** The connection that waits for this session txn, if it is this server's. */
  takeSessionTxn(sessionId: bigint, kind: SessionTxnKind): number | undefined {
    const key = sessionTxnKey(sessionId, kind);
    const connectionId = this.sessionTxns.get(key);
    this.sessionTxns.delete(key);
    return connectionId;
  }
}

function sessionTxnKey(sessionId: bigint, kind: SessionTxnKind): string {
  return `${sessionId.toString(16)}:${kind}`;
}

/** Whether the reply to `request` shows a Stat (create2, createContainer, createTTL, setData,
 * setACL; a multi's ops may). A plain create, a delete and a refused write show none. */
export function repliesWithStat(request: SubmittedWrite): boolean {
  switch (request.type) {
    case 'create':
      return request.variant !== 'create';
    case 'delete':
    case 'refused':
      return false;
    default:
      return true;
  }
}

/** Whether an applied txn's result can answer `request`: an error answers any write. */
function resultFits(request: SubmittedWrite, result: TxnResult): boolean {
  switch (result.type) {
    case 'error':
      return true;
    case 'multi':
      return request.type === 'multi' && request.ops.length === result.results.length;
    case 'multiError':
      return request.type === 'multi' && request.ops.length === result.errs.length;
    default:
      return request.type === result.type;
  }
}
