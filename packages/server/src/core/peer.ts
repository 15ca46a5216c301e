// The deterministic server core: `step(input)` and `tick(nowMs)` in, `ready()` out. It turns
// client requests into txns (prep), applies them once durable (tree), fires watches and answers
// each connection in request order. No I/O, timers or clocks: see runtime/peer-loop.ts.
// Today it is the standalone role (a quorum of one); replication adds leader/follower roles.

import { ErrorCode, assert, assertNever } from '@zoo/client/protocol';
import type { Reply, Request, Response } from '@zoo/client/protocol';
import { DataTree } from './tree/data-tree.js';
import { PendingChanges } from './prep/pending-changes.js';
import { WatchRegistry } from './watches/watch-registry.js';
import { SessionTable } from './sessions/session-table.js';
import { resolvePeerOptions } from './peer-options.js';
import type { PeerOptions, PeerOptionsInput } from './peer-options.js';
import { createConnectionState, lastOpName } from './connection-state.js';
import type { ConnectionState, EarlyFrame, QueuedRequest } from './connection-state.js';
import type { PeerInput } from './peer-input.js';
import type { ClientMessage, Ready } from './ready.js';
import type { Txn } from './txn.js';
import { handleConnect } from './handshake.js';
import { CommitPipeline } from './commit-pipeline.js';
import { answerInOrderRequest, isWriteRequest } from './request-kinds.js';
import { handleAuth } from './auth.js';
import { prepareWriteTxn } from './propose.js';
import { PeerStats } from './peer-stats.js';

export class Peer {
  readonly options: PeerOptions;
  readonly tree = new DataTree();
  readonly pending: PendingChanges;
  readonly watches = new WatchRegistry();
  readonly sessions: SessionTable;
  readonly connections = new Map<number, ConnectionState>();
  /** The connection currently carrying each session. */
  readonly connectionBySession = new Map<bigint, number>();
  readonly pipeline: CommitPipeline;
  readonly stats = new PeerStats();
  nowMs: number;
  private messages: ClientMessage[] = [];
  private persist: Txn[] = [];
  private nextReapMs: number;

  constructor(input: PeerOptionsInput) {
    this.options = resolvePeerOptions(input);
    this.nowMs = this.options.startMs;
    this.pending = new PendingChanges(this.tree);
    this.sessions = new SessionTable({
      tickMs: this.options.tickMs,
      serverId: this.options.serverId,
      startMs: this.options.startMs,
    });
    this.pipeline = new CommitPipeline(this);
    this.nextReapMs = this.nowMs + this.options.containerCheckIntervalMs;
  }

  /** The newest zxid applied to the tree: what replies carry. */
  get lastZxid(): bigint {
    return this.tree.lastZxid;
  }

  step(input: PeerInput): void {
    switch (input.type) {
      case 'connectionOpened': {
        assert(
          !this.connections.has(input.connectionId),
          `connection ${input.connectionId} reused`,
        );
        const remote = { address: input.remoteAddress, port: input.remotePort };
        this.connections.set(
          input.connectionId,
          createConnectionState(input.connectionId, remote, this.nowMs),
        );
        return;
      }
      case 'connect':
        return handleConnect(this, input.connectionId, input.request);
      case 'request':
        return this.onFrame(input.connectionId, {
          xid: input.xid,
          opCode: input.opCode,
          request: input.request,
        });
      case 'malformedRequest':
        return this.onFrame(input.connectionId, {
          xid: input.xid,
          opCode: input.opCode,
          request: 'malformed',
        });
      case 'unknownOp':
        return this.onFrame(input.connectionId, {
          xid: input.xid,
          opCode: input.opCode,
          request: 'unknownOp',
        });
      case 'connectionClosed':
        return this.onConnectionClosed(input.connectionId);
      case 'persisted':
        return this.pipeline.commit(input.upTo);
      default:
        assertNever(input, 'peer input');
    }
  }

  /** Advances time: session expiry by buckets and the container/TTL reaper. */
  tick(nowMs: number): void {
    // Time never goes backwards inside the core, whatever the clock did.
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    for (const sessionId of this.sessions.expire(this.nowMs)) {
      this.proposeCloseSession(sessionId, null);
    }
    if (this.nowMs >= this.nextReapMs) {
      this.nextReapMs = this.nowMs + this.options.containerCheckIntervalMs;
      const paths = this.tree.findReapable(this.nowMs, {
        maxNeverUsedIntervalMs: this.options.containerMaxNeverUsedIntervalMs,
      });
      for (const path of paths) this.pipeline.proposeDeleteContainer(path);
    }
  }

  hasReady(): boolean {
    return this.messages.length > 0 || this.persist.length > 0;
  }

  /** Takes the accumulated work; the loop performs it in the order of the Ready contract. */
  ready(): Ready {
    const ready: Ready = { persist: this.persist, messages: this.messages };
    this.persist = [];
    this.messages = [];
    return ready;
  }

  /** Called by the loop once a Ready has been carried out (kept for the contract's symmetry). */
  advance(_ready: Ready): void {}

  invariants(): void {
    this.pipeline.invariants();
    for (const [sessionId, connectionId] of this.connectionBySession) {
      const connection = this.connections.get(connectionId);
      assert(
        connection !== undefined,
        `session 0x${sessionId.toString(16)} maps to a gone connection`,
      );
      assert(
        connection.sessionId === sessionId,
        'connectionBySession disagrees with the connection',
      );
    }
  }

  /** The `crst` four-letter word: zero every connection's counters. */
  resetConnectionStats(): void {
    for (const connection of this.connections.values()) {
      connection.stats = createConnectionState(
        connection.id,
        {
          address: connection.remoteAddress,
          port: connection.remotePort,
        },
        this.nowMs,
      ).stats;
    }
  }

  // ---- used by the collaborators in this folder ----

  emit(message: ClientMessage): void {
    if (message.kind === 'reply' || message.kind === 'notification') {
      const connection = this.connections.get(message.connectionId);
      if (connection !== undefined) connection.stats.packetsSent += 1;
      this.stats.packetsSent += 1;
    }
    this.messages.push(message);
  }

  appendToLog(txn: Txn): void {
    this.persist.push(txn);
  }

  reply(
    connection: ConnectionState,
    entry: { xid: number; opCode: number; receivedMs: number },
    outcome: { err: number; body: Response | null; zxid?: bigint },
  ): void {
    const zxid = outcome.zxid ?? this.lastZxid;
    const reply: Reply = { header: { xid: entry.xid, zxid, err: outcome.err }, body: outcome.body };
    const latencyMs = Math.max(0, this.nowMs - entry.receivedMs);
    const stats = connection.stats;
    stats.lastCxid = entry.xid;
    stats.lastZxid = zxid;
    stats.lastResponseMs = this.nowMs;
    stats.lastLatencyMs = latencyMs;
    stats.minLatencyMs = Math.min(stats.minLatencyMs, latencyMs);
    stats.maxLatencyMs = Math.max(stats.maxLatencyMs, latencyMs);
    stats.totalLatencyMs += latencyMs;
    stats.latencyCount += 1;
    this.stats.recordLatency(latencyMs);
    this.emit({ kind: 'reply', connectionId: connection.id, reply });
  }

  closeConnection(connection: ConnectionState, reason: string): void {
    connection.phase = 'closing';
    this.emit({ kind: 'close', connectionId: connection.id, reason });
    this.detachConnection(connection);
  }

  proposeCloseSession(
    sessionId: bigint,
    origin: { connection: ConnectionState; xid: number } | null,
  ): void {
    this.sessions.setClosing(sessionId);
    this.pipeline.proposeCloseSession(sessionId, origin);
  }

  /** Requests that were pipelined behind the handshake run once the session is established. */
  releaseBeforeEstablished(connection: ConnectionState): void {
    const waiting = connection.beforeEstablished;
    connection.beforeEstablished = [];
    for (const frame of waiting) {
      if (connection.phase !== 'established') return;
      this.processFrame(connection, frame);
    }
  }

  // ---- requests ----

  private onFrame(connectionId: number, frame: EarlyFrame): void {
    const connection = this.connections.get(connectionId);
    if (connection === undefined || connection.phase === 'closing') return;
    connection.stats.packetsReceived += 1;
    this.stats.packetsReceived += 1;
    if (connection.phase !== 'established') {
      // ZooKeeper reads no request until the handshake completes; they stay queued in order.
      connection.beforeEstablished.push(frame);
      return;
    }
    this.processFrame(connection, frame);
  }

  private processFrame(connection: ConnectionState, frame: EarlyFrame): void {
    if (frame.request === 'unknownOp') {
      this.answerUnknownOp(connection, frame.xid);
      return;
    }
    const request = frame.request === 'malformed' ? null : frame.request;
    this.processRequest(connection, { xid: frame.xid, opCode: frame.opCode, request });
  }

  private processRequest(
    connection: ConnectionState,
    entry: { xid: number; opCode: number; request: Request | null },
  ): void {
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'an established connection has a session');
    const { xid, opCode, request } = entry;
    if (request !== null && (request.type === 'auth' || request.type === 'sasl')) {
      // ZooKeeper answers auth/sasl straight from the I/O thread, out of the request pipeline.
      return handleAuth(this, connection, { xid, request });
    }
    if (!this.sessions.touch(sessionId, this.nowMs)) {
      // ZooKeeper: submitRequest drops requests of an unknown or closing session without a reply.
      return;
    }
    connection.stats.lastOp = lastOpName(request);
    const receivedMs = this.nowMs;
    if (connection.queue.length >= this.options.pendingRequestsPerConnectionMax) {
      this.closeConnection(connection, 'too many pending requests');
      return;
    }
    if (request === null) {
      this.enqueueOrAnswer(connection, { kind: 'malformed', xid, opCode, receivedMs });
      return;
    }
    if (request.type === 'closeSession') {
      connection.phase = 'closing';
      connection.queue.push({
        kind: 'write',
        xid,
        opCode,
        request,
        zxid: this.pipeline.nextZxid,
        receivedMs,
      });
      this.proposeCloseSession(sessionId, { connection, xid });
      return;
    }
    if (isWriteRequest(request)) {
      const txn = prepareWriteTxn(this, { connection, request, xid });
      connection.queue.push({ kind: 'write', xid, opCode, request, zxid: txn.zxid, receivedMs });
      return;
    }
    this.enqueueOrAnswer(connection, { kind: 'read', xid, opCode, request, receivedMs });
  }

  private enqueueOrAnswer(connection: ConnectionState, entry: QueuedRequest): void {
    if (connection.queue.length > 0) {
      connection.queue.push(entry);
      return;
    }
    answerInOrderRequest(this, connection, entry);
  }

  private answerUnknownOp(connection: ConnectionState, xid: number): void {
    const connectionId = connection.id;
    // ZooKeeper: UnimplementedRequestProcessor replies −6 with zxid −1, then closes the connection.
    // The reply is written straight away (not behind pending writes), as ZooKeeper's is.
    this.emit({
      kind: 'reply',
      connectionId,
      reply: { header: { xid, zxid: -1n, err: ErrorCode.Unimplemented }, body: null },
    });
    this.closeConnection(connection, `unimplemented opcode (xid ${xid})`);
  }

  private onConnectionClosed(connectionId: number): void {
    const connection = this.connections.get(connectionId);
    if (connection === undefined) return;
    this.detachConnection(connection);
    this.connections.delete(connectionId);
  }

  /** Drops the connection's watches and its claim on its session; the session itself lives on. */
  detachConnection(connection: ConnectionState): void {
    this.watches.removeConnection(connection.id);
    const sessionId = connection.sessionId;
    if (sessionId !== null && this.connectionBySession.get(sessionId) === connection.id) {
      this.connectionBySession.delete(sessionId);
    }
  }
}
