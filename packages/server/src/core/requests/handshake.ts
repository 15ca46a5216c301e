// The connect handshake (ZooKeeperServer.processConnectRequest): a new session is a
// createSession txn, and the handshake is answered once it is applied (completeHandshake). A
// resumed session's password is checked here; then the leader (or a standalone server) checks
// the session in its own table and answers at once, while a learner asks its leader, which
// expires sessions, and answers when it replies (finishRevalidation: ZooKeeper's
// Learner.validateSession). A session found invalid gets the "expired" response, then the
// connection closes.

import { assert } from '@zoo/client/protocol';
import type { ConnectRequest, ConnectResponse } from '@zoo/client/protocol';
import type { Txn } from '../tree/txn.js';
import { negotiateTimeout, sessionPassword } from '../sessions/session-table.js';
import type { ConnectionState } from './connection-state.js';
import { isWindingDown } from './connection-state.js';
import type { RequestContext } from './request-context.js';

/** What the handshake needs from the request pipeline it opens sessions for. */
export interface SessionStarter {
  /** A new session: its createSession txn answers the handshake once applied. */
  submitCreateSession(connection: ConnectionState, timeoutMs: number): void;
  /** The session is established: run the requests pipelined behind the handshake. */
  releaseBeforeEstablished(connection: ConnectionState): void;
}

const passwordBytes = 16;

export function handleConnect(
  context: RequestContext,
  starter: SessionStarter,
  input: { connectionId: number; request: ConnectRequest },
): void {
  const { connectionId, request } = input;
  const connection = context.connections.get(connectionId);
  if (connection === undefined || isWindingDown(connection)) return;
  connection.stats.packetsReceived += 1;
  context.stats.packetsReceived += 1;
  if (!context.isServing) {
    // ZooKeeper: a server that is not serving (no quorum, still syncing) refuses the handshake.
    context.closeConnection(connection, 'this server is not currently serving requests');
    return;
  }
  if (connection.phase !== 'handshake') {
    context.closeConnection(connection, 'a second ConnectRequest on one connection');
    return;
  }
  if (request.lastZxidSeen > context.lastZxid) {
    // ZooKeeper: the client has seen newer state than this server holds; it must try another
    // server, so the socket is closed without a response.
    const seen = request.lastZxidSeen.toString(16);
    context.closeConnection(
      connection,
      `client zxid 0x${seen} is ahead of server zxid 0x${context.lastZxid.toString(16)}`,
    );
    return;
  }
  connection.sentReadOnlyFlag = request.readOnly !== undefined;
  const options = context.options;
  const timeoutMs = negotiateTimeout(
    request.timeoutMs,
    options.minSessionTimeoutMs,
    options.maxSessionTimeoutMs,
  );
  connection.sessionTimeoutMs = timeoutMs;
  connection.stats.lastOp = 'SESS';
  if (request.sessionId === 0n) {
    createSession(context, starter, { connection, timeoutMs });
    return;
  }
  resumeSession(context, starter, connection, {
    sessionId: request.sessionId,
    passwd: request.passwd,
    timeoutMs,
  });
}

/** A new session's createSession txn is applied: answer the handshake that asked for it. */
export function completeHandshake(
  context: RequestContext,
  starter: SessionStarter,
  created: { connectionId: number; txn: Txn },
): void {
  const { connectionId, txn } = created;
  const connection = context.connections.get(connectionId);
  if (connection === undefined || connection.phase !== 'creatingSession') {
    // The client left before its session was created: the session expires on its own.
    return;
  }
  assert(connection.sessionId === txn.sessionId, 'createSession answers its own connection');
  connection.phase = 'established';
  context.connectionBySession.set(txn.sessionId, connection.id);
  context.emit({
    kind: 'connectResponse',
    connectionId,
    response: {
      protocolVersion: 0,
      timeoutMs: connection.sessionTimeoutMs,
      sessionId: txn.sessionId,
      passwd: sessionPassword(txn.sessionId),
      ...(connection.sentReadOnlyFlag ? { readOnly: false } : {}),
    },
  });
  starter.releaseBeforeEstablished(connection);
}

function createSession(
  context: RequestContext,
  starter: SessionStarter,
  input: { connection: ConnectionState; timeoutMs: number },
): void {
  const { connection, timeoutMs } = input;
  if (!context.sessions.hasRoom()) {
    context.closeConnection(connection, 'session table is full');
    return;
  }
  // The id carries this server's id in its top byte, so every member allocates unique ids.
  // Every replica starts tracking the session when its createSession txn is applied.
  connection.sessionId = context.sessions.nextSessionId();
  connection.phase = 'creatingSession';
  starter.submitCreateSession(connection, timeoutMs);
}

function resumeSession(
  context: RequestContext,
  starter: SessionStarter,
  connection: ConnectionState,
  resume: { sessionId: bigint; passwd: Buffer | null; timeoutMs: number },
): void {
  const { sessionId, passwd, timeoutMs } = resume;
  // ZooKeeper closes any other live connection of the session first; its watches die with it.
  closeOtherCarrier(context, connection, sessionId);
  // ZooKeeper: reopenSession checks the password where the client connected, before any
  // revalidation; the password is a function of the session id, so no table is needed.
  if (passwd === null || !passwd.equals(sessionPassword(sessionId))) {
    return refuseSession(context, connection, sessionId);
  }
  if (!context.isLeading) {
    // A learner's table lags the leader's: a session created through another member may not be
    // applied here yet, and one the leader is closing still looks alive. The requests pipelined
    // behind the ConnectRequest wait, as they do for a new session. If this learner loses its
    // leader meanwhile it closes every client connection, this one too: the client retries.
    connection.sessionId = sessionId;
    connection.phase = 'revalidating';
    context.forward({ type: 'revalidate', sessionId, timeoutMs, connectionId: connection.id });
    return;
  }
  const session = context.sessions.get(sessionId);
  if (session === undefined || session.isClosing) {
    return refuseSession(context, connection, sessionId);
  }
  // ZooKeeper: ZooKeeperServer.revalidateSession — the leader's own connection owns it now.
  context.sessions.owners.set(sessionId, context.options.serverId);
  establishResumed(context, starter, connection, { sessionId, timeoutMs });
}

/** Learner: the leader answered the revalidation of the session `connectionId` resumes. */
export function finishRevalidation(
  context: RequestContext,
  starter: SessionStarter,
  answer: { sessionId: bigint; connectionId: number; isValid: boolean },
): void {
  const { sessionId, connectionId, isValid } = answer;
  const connection = context.connections.get(connectionId);
  // The client left, or this learner closed the connection: nobody waits for the answer.
  if (connection?.phase !== 'revalidating' || connection.sessionId !== sessionId) return;
  if (!isValid) return refuseSession(context, connection, sessionId);
  if (context.sessions.get(sessionId) === undefined) {
    // Cannot happen while links are FIFO (the leader's commit of the createSession precedes
    // its answer); if it ever did, the client retries rather than lose a live session.
    context.closeConnection(connection, `session 0x${sessionId.toString(16)} not applied here`);
    return;
  }
  // Another connection resumed the session here while this one waited, and was answered first.
  closeOtherCarrier(context, connection, sessionId);
  const timeoutMs = connection.sessionTimeoutMs;
  establishResumed(context, starter, connection, { sessionId, timeoutMs });
}

/** The session is alive: track its (newly negotiated) timeout here and answer the client. */
function establishResumed(
  context: RequestContext,
  starter: SessionStarter,
  connection: ConnectionState,
  resume: { sessionId: bigint; timeoutMs: number },
): void {
  const { sessionId, timeoutMs } = resume;
  context.sessions.add(sessionId, timeoutMs, context.nowMs);
  connection.sessionId = sessionId;
  connection.phase = 'established';
  context.connectionBySession.set(sessionId, connection.id);
  context.emit({
    kind: 'connectResponse',
    connectionId: connection.id,
    response: {
      protocolVersion: 0,
      timeoutMs,
      sessionId,
      passwd: sessionPassword(sessionId),
      ...(connection.sentReadOnlyFlag ? { readOnly: false } : {}),
    },
  });
  assert(
    context.connectionBySession.get(sessionId) === connection.id,
    'resumed session is carried here',
  );
  starter.releaseBeforeEstablished(connection);
}

function closeOtherCarrier(
  context: RequestContext,
  connection: ConnectionState,
  sessionId: bigint,
): void {
  const previousId = context.connectionBySession.get(sessionId);
  if (previousId === undefined || previousId === connection.id) return;
  const previous = context.connections.get(previousId);
  if (previous !== undefined)
    context.closeConnection(previous, 'session moved to another connection');
}

function refuseSession(
  context: RequestContext,
  connection: ConnectionState,
  sessionId: bigint,
): void {
  context.emit({
    kind: 'connectResponse',
    connectionId: connection.id,
    response: expiredResponse(connection),
  });
  context.closeConnection(connection, `session 0x${sessionId.toString(16)} is expired or invalid`);
}

/** ZooKeeper tells a client its session is gone with timeout 0, id 0 and 16 zero bytes. */
function expiredResponse(connection: ConnectionState): ConnectResponse {
  return {
    protocolVersion: 0,
    timeoutMs: 0,
    sessionId: 0n,
    passwd: Buffer.alloc(passwordBytes),
    ...(connection.sentReadOnlyFlag ? { readOnly: false } : {}),
  };
}
