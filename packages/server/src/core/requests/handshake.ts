// The connect handshake (ZooKeeperServer.processConnectRequest): a new session is a
// createSession txn, and the handshake is answered once it is applied (completeHandshake); a
// resumed session is checked by id and password and answered at once; anything else gets the
// "expired" response, then the connection closes.

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
  const previousId = context.connectionBySession.get(sessionId);
  if (previousId !== undefined && previousId !== connection.id) {
    const previous = context.connections.get(previousId);
    // ZooKeeper closes any other live connection of the session first; its watches die with it.
    if (previous !== undefined)
      context.closeConnection(previous, 'session moved to another connection');
  }
  const session = context.sessions.get(sessionId);
  const isValid =
    session !== undefined &&
    !session.isClosing &&
    passwd !== null &&
    passwd.equals(sessionPassword(sessionId));
  if (!isValid) {
    context.emit({
      kind: 'connectResponse',
      connectionId: connection.id,
      response: expiredResponse(connection),
    });
    context.closeConnection(
      connection,
      `session 0x${sessionId.toString(16)} is expired or invalid`,
    );
    return;
  }
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
