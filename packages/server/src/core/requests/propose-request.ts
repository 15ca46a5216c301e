// The leader's side of a write (ZooKeeper's PrepRequestProcessor): a client's write, a new or
// closing session, or an emptied container, prepared against the tree and the pending changes
// (prep/) into a txn, and handed to replication to propose.

import { ErrorCode } from '@zoo/client/protocol';
import type { PrepContext, WriteRequest } from '../prep/prepare-request.js';
import {
  prepareCloseSession,
  prepareCreateSession,
  prepareDeleteContainer,
  prepareWrite,
} from '../prep/prepare-request.js';
import type { Identity } from '../acl/identity.js';
import type { RequestContext } from './request-context.js';

export interface WriteOrigin {
  sessionId: bigint;
  cxid: number;
  identities: readonly Identity[];
}

export function proposeWrite(
  context: RequestContext,
  request: WriteRequest,
  origin: WriteOrigin,
): void {
  const options = context.options;
  const prep: PrepContext = {
    ...txnContext(context, origin.sessionId, origin.cxid),
    identities: origin.identities,
    options: {
      extendedTypesEnabled: options.extendedTypesEnabled,
      skipAcl: options.skipAcl,
      packetBytesMax: options.packetBytesMax,
    },
    checkSession: () => {
      const session = context.sessions.get(origin.sessionId);
      return session === undefined || session.isClosing ? ErrorCode.SessionExpired : 0;
    },
  };
  context.propose(prepareWrite(request, prep));
}

export function proposeCreateSession(
  context: RequestContext,
  sessionId: bigint,
  timeoutMs: number,
): void {
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
