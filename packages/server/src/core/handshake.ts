// The connect handshake (ZooKeeperServer.processConnectRequest): a new session is a
// createSession txn answered once applied; a resumed session is checked by id and password
// and answered at once; anything else gets the "expired" response, then the connection closes.

import { assert } from '@zoo/client/protocol';
import type { ConnectRequest, ConnectResponse } from '@zoo/client/protocol';
import { negotiateTimeout, sessionPassword } from './sessions/session-table.js';
import type { ConnectionState } from './connection-state.js';
import { isWindingDown } from './connection-state.js';
import type { Peer } from './peer.js';

const passwordBytes = 16;

export function handleConnect(peer: Peer, connectionId: number, request: ConnectRequest): void {
  const connection = peer.connections.get(connectionId);
  if (connection === undefined || isWindingDown(connection)) return;
  connection.stats.packetsReceived += 1;
  peer.stats.packetsReceived += 1;
  if (!peer.isServing) {
    // ZooKeeper: a server that is not serving (no quorum, still syncing) refuses the handshake.
    peer.closeConnection(connection, 'this server is not currently serving requests');
    return;
  }
  if (connection.phase !== 'handshake') {
    peer.closeConnection(connection, 'a second ConnectRequest on one connection');
    return;
  }
  if (request.lastZxidSeen > peer.lastZxid) {
    // ZooKeeper: the client has seen newer state than this server holds; it must try another
    // server, so the socket is closed without a response.
    const seen = request.lastZxidSeen.toString(16);
    peer.closeConnection(
      connection,
      `client zxid 0x${seen} is ahead of server zxid 0x${peer.lastZxid.toString(16)}`,
    );
    return;
  }
  connection.sentReadOnlyFlag = request.readOnly !== undefined;
  const options = peer.options;
  const timeoutMs = negotiateTimeout(
    request.timeoutMs,
    options.minSessionTimeoutMs,
    options.maxSessionTimeoutMs,
  );
  connection.sessionTimeoutMs = timeoutMs;
  connection.stats.lastOp = 'SESS';
  if (request.sessionId === 0n) {
    createSession(peer, connection, timeoutMs);
    return;
  }
  resumeSession(peer, connection, {
    sessionId: request.sessionId,
    passwd: request.passwd,
    timeoutMs,
  });
}

function createSession(peer: Peer, connection: ConnectionState, timeoutMs: number): void {
  if (!peer.sessions.hasRoom()) {
    peer.closeConnection(connection, 'session table is full');
    return;
  }
  // The id carries this server's id in its top byte, so every member allocates unique ids.
  // Every replica starts tracking the session when its createSession txn is applied.
  connection.sessionId = peer.sessions.nextSessionId();
  connection.phase = 'creatingSession';
  peer.pipeline.submitCreateSession(connection, timeoutMs);
}

function resumeSession(
  peer: Peer,
  connection: ConnectionState,
  resume: { sessionId: bigint; passwd: Buffer | null; timeoutMs: number },
): void {
  const { sessionId, passwd, timeoutMs } = resume;
  const previousId = peer.connectionBySession.get(sessionId);
  if (previousId !== undefined && previousId !== connection.id) {
    const previous = peer.connections.get(previousId);
    // ZooKeeper closes any other live connection of the session first; its watches die with it.
    if (previous !== undefined)
      peer.closeConnection(previous, 'session moved to another connection');
  }
  const session = peer.sessions.get(sessionId);
  const isValid =
    session !== undefined &&
    !session.isClosing &&
    passwd !== null &&
    passwd.equals(sessionPassword(sessionId));
  if (!isValid) {
    peer.emit({
      kind: 'connectResponse',
      connectionId: connection.id,
      response: expiredResponse(connection),
    });
    peer.closeConnection(connection, `session 0x${sessionId.toString(16)} is expired or invalid`);
    return;
  }
  peer.sessions.add(sessionId, timeoutMs, peer.nowMs);
  connection.sessionId = sessionId;
  connection.phase = 'established';
  peer.connectionBySession.set(sessionId, connection.id);
  peer.emit({
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
    peer.connectionBySession.get(sessionId) === connection.id,
    'resumed session is carried here',
  );
  peer.releaseBeforeEstablished(connection);
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
