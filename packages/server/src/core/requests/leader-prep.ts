// The leader's side of a write (ZooKeeper's PrepRequestProcessor): prepared against the tree and
// the pending changes (prep/) into a txn, with the session checks ZooKeeper makes (an unknown or
// closing session; a session that moved to another member), and handed to replication.

import { ErrorCode } from '@zoo/client/protocol';
import type { Identity } from '../acl/identity.js';
import type { PrepContext, PrepOptions, SubmittedWrite } from '../prep/prepare-request.js';
import type { PendingChanges } from '../prep/pending-changes.js';
import type { DataTree } from '../tree/data-tree.js';
import {
  prepareCloseSession,
  prepareCreateSession,
  prepareDeleteContainer,
  prepareWrite,
} from '../prep/prepare-request.js';
import type { RequestContext } from './request-context.js';

/**
 * The leader's prep of client writes. One PrepContext, filled anew for each write (prep keeps
 * none of it), with the session check as a method: a write costs no context object and no
 * closure, and this runs for every write the ensemble takes.
 */
export class WritePrep implements PrepContext {
  tree: DataTree;
  pending: PendingChanges;
  zxid = 0n;
  timeMs = 0;
  cxid = 0;
  sessionId = 0n;
  identities: readonly Identity[] = [];
  readonly options: PrepOptions;
  /** The member the write came through: this leader, or the learner that forwarded it. */
  private owner = 0;

  constructor(private readonly context: RequestContext) {
    this.tree = context.tree;
    this.pending = context.pending;
    this.options = context.options;
  }

  /** Prepares a client's write (session `sessionId`, xid `cxid`) and proposes its txn. */
  propose(
    request: SubmittedWrite,
    origin: { sessionId: bigint; cxid: number },
    identities: readonly Identity[],
    owner: number,
  ): void {
    const context = this.context;
    // Read each time: a SNAP replaces the tree and its pending changes.
    this.tree = context.tree;
    this.pending = context.pending;
    this.zxid = context.nextZxid();
    this.timeMs = context.nowMs;
    this.sessionId = origin.sessionId;
    this.cxid = origin.cxid;
    this.identities = identities;
    this.owner = owner;
    context.propose(prepareWrite(request, this));
  }

  /**
   * ZooKeeper's checkSession at prep time: a closing or unknown session's write expires; one that
   * comes through a member other than the session's owner answers SessionMoved (it was sent
   * before the client moved, and must not take effect after what it sent since).
   */
  checkSession(): number {
    const { sessions } = this.context;
    if (!sessions.isOpen(this.sessionId)) return ErrorCode.SessionExpired;
    return sessions.owners.isOwnedBy(this.sessionId, this.owner) ? 0 : ErrorCode.SessionMoved;
  }
}

export function proposeCreateSession(
  context: RequestContext,
  sessionId: bigint,
  timeoutMs: number,
  owner: number,
): void {
  // ZooKeeper: pRequest2Txn's createSession — trackSession, then setOwner.
  context.sessions.owners.set(sessionId, owner);
  context.propose(prepareCreateSession(txnContext(context, sessionId, 0), timeoutMs));
}

export function proposeCloseSession(context: RequestContext, sessionId: bigint): void {
  context.sessions.setClosing(sessionId);
  context.propose(prepareCloseSession(txnContext(context, sessionId, 0), sessionId));
}

export function proposeDeleteContainer(context: RequestContext, path: string): void {
  const txn = prepareDeleteContainer(path, txnContext(context, 0n, 0), {
    maxNeverUsedIntervalMs: context.options.containerMaxNeverUsedIntervalMs,
  });
  // A node that stopped being reapable since the scan needs no txn at all.
  if (txn !== null) context.propose(txn);
}

/** The next txn's header and what prep checks it against. */
function txnContext(context: RequestContext, sessionId: bigint, cxid: number) {
  return {
    tree: context.tree,
    pending: context.pending,
    zxid: context.nextZxid(),
    timeMs: context.nowMs,
    sessionId,
    cxid,
  };
}
