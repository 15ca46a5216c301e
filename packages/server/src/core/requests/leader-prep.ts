// The leader's side of a write (ZooKeeper's PrepRequestProcessor): prepared against the tree and
// the pending changes (prep/) into a txn, with the session checks ZooKeeper makes (an unknown or
// closing session; a session that moved to another member), and handed to replication.

import { ErrorCode } from '@zoo/client/protocol';
import type { Identity } from '../acl/identity.js';
import type { PrepContext, SubmittedWrite } from '../prep/prepare-request.js';
import {
  prepareCloseSession,
  prepareCreateSession,
  prepareDeleteContainer,
  prepareWrite,
} from '../prep/prepare-request.js';
import type { RequestContext } from './request-context.js';

export interface WriteOrigin {
  sessionId: bigint;
  cxid: number;
  identities: readonly Identity[];
  /** The member the request came through: this leader, or the learner that forwarded it. */
  owner: number;
}

export function proposeWrite(
  context: RequestContext,
  request: SubmittedWrite,
  origin: WriteOrigin,
): void {
  // Built field by field, once per write: this runs for every write the ensemble takes.
  const prep: PrepContext = {
    tree: context.tree,
    pending: context.pending,
    zxid: context.nextZxid(),
    timeMs: context.nowMs,
    sessionId: origin.sessionId,
    cxid: origin.cxid,
    identities: origin.identities,
    options: context.options,
    checkSession: sessionCheck(context, origin),
  };
  context.propose(prepareWrite(request, prep));
}

/**
 * ZooKeeper's checkSession at prep time: a closing or unknown session's write expires; one that
 * comes through a member other than the session's owner answers SessionMoved (it was sent
 * before the client moved, and must not take effect after what it sent since).
 */
function sessionCheck(context: RequestContext, origin: WriteOrigin): () => number {
  return () => {
    const { sessions } = context;
    const session = sessions.get(origin.sessionId);
    if (session === undefined || session.isClosing) return ErrorCode.SessionExpired;
    return sessions.owners.isOwnedBy(origin.sessionId, origin.owner) ? 0 : ErrorCode.SessionMoved;
  };
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
