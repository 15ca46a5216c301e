// Client frames into the request pipeline: frames wait for the handshake, auth is answered at
// once, a session's requests touch it, writes go to replication, and everything else is answered
// in its turn behind the connection's earlier writes (ZooKeeper: submitRequest → Prep/Final).

import { ErrorCode, assert } from '@zoo/client/protocol';
import type { Request } from '@zoo/client/protocol';
import type { ConnectionState, EarlyFrame, QueuedRequest } from './connection-state.js';
import { isWindingDown, lastOpName } from './connection-state.js';
import { answerInOrderRequest, isWriteRequest } from './request-kinds.js';
import { handleAuth } from './auth.js';
import type { Peer } from './peer.js';

export function receiveFrame(peer: Peer, connectionId: number, frame: EarlyFrame): void {
  const connection = peer.connections.get(connectionId);
  if (connection === undefined || isWindingDown(connection)) return;
  connection.stats.packetsReceived += 1;
  peer.stats.packetsReceived += 1;
  if (connection.phase !== 'established') {
    // ZooKeeper reads no request until the handshake completes; they stay queued in order.
    connection.beforeEstablished.push(frame);
    return;
  }
  processFrame(peer, connection, frame);
}

export function processFrame(peer: Peer, connection: ConnectionState, frame: EarlyFrame): void {
  if (frame.request === 'unknownOp') {
    answerUnknownOp(peer, connection, frame.xid);
    return;
  }
  const request = frame.request === 'malformed' ? null : frame.request;
  processRequest(peer, connection, { xid: frame.xid, opCode: frame.opCode, request });
}

function processRequest(
  peer: Peer,
  connection: ConnectionState,
  entry: { xid: number; opCode: number; request: Request | null },
): void {
  const sessionId = connection.sessionId;
  assert(sessionId !== null, 'an established connection has a session');
  const { xid, opCode, request } = entry;
  if (request !== null && (request.type === 'auth' || request.type === 'sasl')) {
    // ZooKeeper answers auth/sasl straight from the I/O thread, out of the request pipeline.
    return handleAuth(peer, connection, { xid, request });
  }
  if (!peer.sessions.touch(sessionId, peer.nowMs)) {
    // ZooKeeper: submitRequest drops requests of an unknown or closing session without a reply.
    return;
  }
  if (peer.replication.role !== 'leading') peer.noteTouched(sessionId);
  connection.stats.lastOp = lastOpName(request);
  const receivedMs = peer.nowMs;
  if (connection.queue.length >= peer.options.pendingRequestsPerConnectionMax) {
    peer.closeConnection(connection, 'too many pending requests');
    return;
  }
  if (request === null) {
    enqueueOrAnswer(peer, connection, { kind: 'malformed', xid, opCode, receivedMs });
    return;
  }
  route(peer, connection, { xid, opCode, request, receivedMs });
}

function route(
  peer: Peer,
  connection: ConnectionState,
  entry: { xid: number; opCode: number; request: Request; receivedMs: number },
): void {
  const { request } = entry;
  const sessionId = connection.sessionId ?? 0n;
  if (request.type === 'closeSession') {
    connection.phase = 'closing';
    connection.queue.push({ kind: 'write', ...entry });
    peer.pipeline.submitCloseSession(sessionId, connection);
    return;
  }
  if (isWriteRequest(request)) {
    connection.queue.push({ kind: 'write', ...entry });
    peer.pipeline.submitWrite(connection, request, entry.xid);
    return;
  }
  if (request.type === 'sync' && peer.replication.role !== 'leading') {
    // A learner's sync waits until the leader has sent it everything committed before it.
    connection.queue.push({ kind: 'sync', ...entry, isDone: false });
    peer.sync({ sessionId, cxid: entry.xid }, request.path);
    return;
  }
  enqueueOrAnswer(peer, connection, { kind: 'read', ...entry });
}

function enqueueOrAnswer(peer: Peer, connection: ConnectionState, entry: QueuedRequest): void {
  if (connection.queue.length > 0) {
    connection.queue.push(entry);
    return;
  }
  answerInOrderRequest(peer, connection, entry);
}

function answerUnknownOp(peer: Peer, connection: ConnectionState, xid: number): void {
  // ZooKeeper: UnimplementedRequestProcessor replies −6 with zxid −1, then closes the connection.
  // The reply is written straight away (not behind pending writes), as ZooKeeper's is.
  const reply = { header: { xid, zxid: -1n, err: ErrorCode.Unimplemented }, body: null };
  peer.emit({ kind: 'reply', connectionId: connection.id, reply });
  peer.closeConnection(connection, `unimplemented opcode (xid ${xid})`);
}
