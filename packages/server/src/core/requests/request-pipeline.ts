// The request pipeline of one server, from a decoded request to its reply (ZooKeeper: submit →
// Prep → Commit → Final): requests wait for the handshake; auth is answered at once; a session's
// requests touch it; writes go to replication — prepared and proposed here on the leader,
// forwarded by a learner; reads and the rest are answered in their turn behind the connection's
// earlier writes; and each committed txn is applied here (tree, sessions, watch events) and
// answers the request that waits for it, so every connection's replies keep its order.

import { ErrorCode, OpCode, assert } from '@zoo/client/protocol';
import type { ConnectRequest, Request } from '@zoo/client/protocol';
import type { TxnResult } from '../tree/data-tree.js';
import { ReusedTreeEvents } from '../tree/tree-results.js';
import type { Txn } from '../tree/txn.js';
import type { ForwardedRequestMessage } from '../replication/replication.js';
import type { ForwardedRequest, RequestOrigin } from '../zab/messages.js';
import { forwardedRequest } from '../zab/messages.js';
import { writeReplyBody, writeReplyErr } from '../prep/to-reply.js';
import type { SubmittedWrite } from '../prep/prepare-request.js';
import type { ConnectionState, IncomingRequest, QueuedRequest } from './connection-state.js';
import { isWindingDown, lastOpName } from './connection-state.js';
import { answerInOrderRequest, isWriteOpCode, isWriteRequest } from './answer-in-order.js';
import { applyTxn, readCheck, type ReadCheck } from './apply-txn.js';
import { handleAuth } from './auth.js';
import { completeHandshake, finishRevalidation, handleConnect } from './handshake.js';
import type { RequestContext } from './request-context.js';
import {
  proposeCloseSession,
  proposeCreateSession,
  proposeDeleteContainer,
  WritePrep,
} from './leader-prep.js';
import { WriteOrigins, repliesWithStat } from './write-origins.js';
import type { LocalWrite } from './write-origins.js';

export class RequestPipeline {
  private readonly origins = new WriteOrigins();
  private readonly canRead: ReadCheck;
  private readonly writePrep: WritePrep;
  /** The watch events of the txn being applied (applyTxn clears it for each). */
  private readonly events = new ReusedTreeEvents();

  constructor(private readonly context: RequestContext) {
    this.canRead = readCheck(context);
    this.writePrep = new WritePrep(context);
  }

  /** Requests and session txns this server still waits for. */
  get pendingOriginCount(): number {
    return this.origins.size;
  }

  /** Replication lost its leader: every connection is being closed, nothing waits any more. */
  forgetOrigins(): void {
    this.origins.clear();
  }

  connect(connectionId: number, request: ConnectRequest): void {
    handleConnect(this.context, this, { connectionId, request });
  }

  /** Learner: the leader's answer to a resumed session's revalidation. */
  revalidated(answer: { sessionId: bigint; connectionId: number; isValid: boolean }): void {
    finishRevalidation(this.context, this, answer);
  }

  receiveRequest(connectionId: number, frame: IncomingRequest): void {
    const context = this.context;
    const connection = context.connections.get(connectionId);
    if (connection === undefined || isWindingDown(connection)) return;
    connection.stats.packetsReceived += 1;
    context.stats.packetsReceived += 1;
    if (connection.phase !== 'established') {
      // ZooKeeper reads no request until the handshake completes; they stay queued in order.
      connection.beforeEstablished.push(frame);
      return;
    }
    this.processRequest(connection, frame);
  }

  /** Requests that were pipelined behind the handshake run once the session is established. */
  releaseBeforeEstablished(connection: ConnectionState): void {
    const waiting = connection.beforeEstablished;
    connection.beforeEstablished = [];
    for (const frame of waiting) {
      if (connection.phase !== 'established') return;
      this.processRequest(connection, frame);
    }
  }

  // ---- writes into replication ----

  submitCreateSession(connection: ConnectionState, timeoutMs: number): void {
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'createSession needs the allocated session id');
    this.origins.addSessionTxn(sessionId, 'createSession', connection.id);
    if (this.context.isLeading) {
      proposeCreateSession(this.context, sessionId, timeoutMs, this.context.options.serverId);
      return;
    }
    this.context.forward(forwardedRequest(sessionId, 0, [], { type: 'createSession', timeoutMs }));
  }

  /** A client's closeSession (`connection` set) or the leader's expiry of a silent session. */
  submitCloseSession(sessionId: bigint, connection: ConnectionState | null): void {
    if (connection !== null) this.origins.addSessionTxn(sessionId, 'closeSession', connection.id);
    if (this.context.isLeading) {
      proposeCloseSession(this.context, sessionId);
      return;
    }
    this.context.forward(forwardedRequest(sessionId, 0, [], { type: 'closeSession' }));
  }

  /**
   * Leader: learner `from` forwarded a client's request; prepare and propose it like a local
   * one. The learner is the request's owner (ZooKeeper: Request.getOwner, the LearnerHandler).
   */
  onForwarded(message: ForwardedRequestMessage, from: number): void {
    const { origin, request, identities } = message;
    switch (request.type) {
      case 'write':
        if (!isWriteRequest(request.request)) return;
        this.writePrep.propose(request.request, origin, identities, from);
        return;
      case 'refused':
        this.writePrep.propose(request, origin, identities, from);
        return;
      case 'createSession':
        proposeCreateSession(this.context, origin.sessionId, request.timeoutMs, from);
        return;
      case 'closeSession':
        proposeCloseSession(this.context, origin.sessionId);
        return;
    }
  }

  /** Leader: a container emptied long enough is deleted by a txn of its own. */
  reapContainer(path: string): void {
    proposeDeleteContainer(this.context, path);
  }

  // ---- answers ----

  /** Applies a committed txn; it answers what waits for it on this server, if anything does. */
  applyCommitted(txn: Txn): void {
    const write = this.origins.oldestFor(txn);
    // A Stat is built only for a reply that shows one.
    const withStats = write !== undefined && repliesWithStat(write.request);
    const result = applyTxn(this.context, txn, this.canRead, this.events, withStats);
    const body = txn.body.type;
    if (body === 'createSession' || body === 'closeSession') {
      const connectionId = this.origins.takeSessionTxn(txn.sessionId, body);
      if (body === 'closeSession') this.finishCloseSession(txn, connectionId);
      else if (connectionId !== undefined)
        completeHandshake(this.context, this, { connectionId, txn });
      return;
    }
    if (write !== undefined && this.origins.take(write, result))
      this.answerWrite(write, txn, result);
  }

  /** Replication says everything committed before this sync is applied here. */
  syncDone(origin: RequestOrigin): void {
    const connectionId = this.context.connectionBySession.get(origin.sessionId);
    const connection =
      connectionId === undefined ? undefined : this.context.connections.get(connectionId);
    if (connection === undefined) return;
    // The oldest sync of that xid still waiting: the leader answers a session's syncs in the
    // order they were sent, and one already done may still wait behind a write.
    const entry = connection.queue.find(
      (queued) => queued.kind === 'sync' && !queued.isDone && queued.xid === origin.cxid,
    );
    if (entry?.kind === 'sync') entry.isDone = true;
    this.drainReads(connection);
  }

  // ---- internals ----

  private processRequest(connection: ConnectionState, frame: IncomingRequest): void {
    if (frame.request === 'unknownOp' && frame.opCode !== OpCode.deleteContainer) {
      this.answerUnknownOp(connection, frame.xid);
      return;
    }
    const request = typeof frame.request === 'string' ? null : frame.request;
    const { xid, opCode } = frame;
    if (request === null && (opCode === OpCode.auth || opCode === OpCode.sasl)) {
      // ZooKeeper reads auth and SASL packets on its I/O thread, where a body that fails to
      // parse is an I/O error: the connection closes without a reply.
      this.context.closeConnection(
        connection,
        `unreadable ${opCode === OpCode.auth ? 'auth' : 'SASL'} packet`,
      );
      return;
    }
    if (request !== null && (request.type === 'auth' || request.type === 'sasl')) {
      // ZooKeeper answers auth/sasl straight from the I/O thread, out of the request pipeline.
      return handleAuth(this.context, connection, { xid, request });
    }
    const context = this.context;
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'an established connection has a session');
    if (!context.sessions.touch(sessionId, context.nowMs)) {
      // ZooKeeper: submitRequest drops requests of an unknown or closing session without a reply.
      return;
    }
    if (!context.isLeading) context.noteTouched(sessionId);
    connection.stats.lastOp = lastOpName(request);
    if (connection.queue.length >= context.options.pendingRequestsPerConnectionMax) {
      context.closeConnection(connection, 'too many pending requests');
      return;
    }
    const receivedMs = context.nowMs;
    if (request === null && isWriteOpCode(opCode)) {
      // ZooKeeper 3.8 takes a client's deleteContainer as a write and reads its path from the
      // whole packet, header included: never a valid path, so always BadArguments, with a zxid.
      const err = opCode === OpCode.deleteContainer ? ErrorCode.BadArguments : null;
      connection.queue.push({ kind: 'write', xid, opCode, request, receivedMs });
      const refused = { type: 'refused', err: err ?? ErrorCode.MarshallingError } as const;
      this.submitWrite(connection, refused, xid);
      return;
    }
    if (request === null) {
      this.enqueueOrAnswer(connection, { kind: 'malformed', xid, opCode, receivedMs });
      return;
    }
    this.route(connection, request, xid, opCode, receivedMs);
  }

  /** Where a parsed request goes; its queue entry is made once, of the kind it is. */
  private route(
    connection: ConnectionState,
    request: Request,
    xid: number,
    opCode: number,
    receivedMs: number,
  ): void {
    const sessionId = connection.sessionId ?? 0n;
    if (request.type === 'closeSession') {
      connection.phase = 'closing';
      connection.queue.push({ kind: 'write', xid, opCode, request, receivedMs });
      this.submitCloseSession(sessionId, connection);
      return;
    }
    if (isWriteRequest(request) && !(request.type === 'multi' && request.isCutShortByNull)) {
      connection.queue.push({ kind: 'write', xid, opCode, request, receivedMs });
      this.submitWrite(connection, request, xid);
      return;
    }
    if (request.type === 'reconfig') {
      // ZooKeeper: reconfigEnabled is false by default, and prep refuses it with a zxid.
      connection.queue.push({ kind: 'write', xid, opCode, request, receivedMs });
      this.submitWrite(connection, { type: 'refused', err: ErrorCode.ReconfigDisabled }, xid);
      return;
    }
    if (request.type === 'sync' && !this.context.isLeading) {
      // A learner's sync waits until the leader has sent it everything committed before it.
      connection.queue.push({ kind: 'sync', xid, opCode, request, receivedMs, isDone: false });
      // The path only travels for the record; the reply echoes the request's own (a null too).
      this.context.sync({ sessionId, cxid: xid }, request.path ?? '');
      return;
    }
    this.enqueueOrAnswer(connection, { kind: 'read', xid, opCode, request, receivedMs });
  }

  private submitWrite(connection: ConnectionState, request: SubmittedWrite, xid: number): void {
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'a write needs a session');
    const write = { sessionId, cxid: xid, connectionId: connection.id, request };
    this.origins.addWrite(write);
    const identities = connection.identities;
    if (this.context.isLeading) {
      const owner = this.context.options.serverId;
      this.writePrep.propose(request, write, identities, owner);
      return;
    }
    const forwarded: ForwardedRequest =
      request.type === 'refused' ? request : { type: 'write', request };
    this.context.forward(forwardedRequest(sessionId, xid, identities, forwarded));
  }

  private enqueueOrAnswer(connection: ConnectionState, entry: QueuedRequest): void {
    if (connection.queue.length > 0) {
      connection.queue.push(entry);
      return;
    }
    answerInOrderRequest(this.context, connection, entry);
  }

  /** Answers the requests that were waiting behind a write, up to the next write or sync. */
  private drainReads(connection: ConnectionState): void {
    while (connection.queue.length > 0) {
      const next = connection.queue[0];
      assert(next !== undefined, 'queue head');
      if (next.kind === 'write' || (next.kind === 'sync' && !next.isDone)) return;
      connection.queue.shift();
      answerInOrderRequest(this.context, connection, next);
    }
  }

  private answerUnknownOp(connection: ConnectionState, xid: number): void {
    // ZooKeeper: UnimplementedRequestProcessor replies −6 with zxid −1, then closes the
    // connection. The reply leaves at once, not behind pending writes, as ZooKeeper's does.
    const reply = { header: { xid, zxid: -1n, err: ErrorCode.Unimplemented }, body: null };
    this.context.emit({ kind: 'reply', connectionId: connection.id, reply });
    this.context.closeConnection(connection, `unimplemented opcode (xid ${xid})`);
  }

  private answerWrite(origin: LocalWrite, txn: Txn, result: TxnResult): void {
    const connection = this.context.connections.get(origin.connectionId);
    // A connection the server closed dropped its queue: its writes still apply, unanswered.
    if (connection === undefined || connection.phase === 'closed') return;
    const entry = connection.queue.shift();
    // Checked before the message is built: a closure per write would be garbage per reply.
    if (entry === undefined || entry.kind !== 'write' || entry.xid !== txn.cxid) {
      assert(
        false,
        `connection ${connection.id} expected the reply of xid ${txn.cxid} at its head`,
      );
    }
    const body = writeReplyBody(origin.request, result);
    this.context.reply(connection, entry, writeReplyErr(result), body, txn.zxid);
    this.drainReads(connection);
  }

  private finishCloseSession(txn: Txn, connectionId: number | undefined): void {
    const context = this.context;
    const connection =
      connectionId === undefined ? undefined : context.connections.get(connectionId);
    if (connection !== undefined && connection.phase !== 'closed') {
      // The client's closeSession is the last request its connection took. Requests before it
      // may still wait (a learner's sync, when the leader expired the session first): the
      // connection closes with the session, and they go unanswered, as in ZooKeeper.
      const entry = connection.queue.at(-1);
      assert(
        entry?.kind === 'write' && entry.request?.type === 'closeSession',
        () => `connection ${connection.id} closing its session has no closeSession queued`,
      );
      context.reply(connection, entry, ErrorCode.Ok, null, txn.zxid);
      context.closeConnection(connection, 'session closed by the client');
    }
    const carrierId = context.connectionBySession.get(txn.sessionId);
    const carrier = carrierId === undefined ? undefined : context.connections.get(carrierId);
    // ZooKeeper closes the socket of an expired session; the client learns of it on reconnect.
    if (carrier !== undefined) context.closeConnection(carrier, 'session expired');
  }
}
