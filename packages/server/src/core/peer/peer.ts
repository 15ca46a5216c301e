// The deterministic server core: `step(input)` and `tick(nowMs)` in, `ready()` out. It takes
// client requests, hands writes to replication (standalone, or a ZAB ensemble member), applies
// committed txns to the tree, fires watches and answers each connection in request order.
// No I/O, timers or clocks: see runtime/peer-loop.ts for the loop that drives it.

import { assert, assertNever, type Response } from '@zoo/client/protocol';
import { ClientOutput, type AnsweredEntry } from './client-output.js';
import { DataTree } from '../tree/data-tree.js';
import type { RestorableSnapshot, SnapshotSession, SnapshotStream } from '../tree/tree-snapshot.js';
import { CheckpointSchedule } from './checkpoint-schedule.js';
import { RestoredTree, beginTreeRestore } from './snap-restore.js';
import { streamOfWalk } from '../tree/snapshot-walk.js';
import { PendingChanges } from '../prep/pending-changes.js';
import { WatchRegistry } from '../watches/watch-registry.js';
import { SessionTable } from '../sessions/session-table.js';
import { resolvePeerOptions, type PeerOptions, type PeerOptionsInput } from './peer-options.js';
import {
  carrierInvariants,
  createConnectionState,
  type ConnectionState,
} from '../requests/connection-state.js';
import type { PeerInput } from './peer-input.js';
import { idleReady, readyOf } from './ready.js';
import type { ClientMessage, Ready } from './ready.js';
import type { Txn } from '../tree/txn.js';
import { RequestPipeline } from '../requests/request-pipeline.js';
import type { RequestContext } from '../requests/request-context.js';
import { PeerStats } from './peer-stats.js';
import { StandaloneReplication } from '../replication/standalone-replication.js';
import type {
  ReplicatedState,
  SnapshotHead,
  SnapshotRestore,
  Replication,
  ReplicationEffect,
  ReplicationRole,
} from '../replication/replication.js';
import type { LeaderBoundMessage, RequestOrigin } from '../zab/messages.js';

/** Builds the replication a peer runs over its state; the default is a standalone server. */
export type ReplicationFactory = (state: ReplicatedState) => Replication;

export class Peer implements ReplicatedState, RequestContext {
  readonly options: PeerOptions;
  private currentTree = new DataTree();
  pending: PendingChanges;
  readonly watches = new WatchRegistry();
  readonly sessions: SessionTable;
  readonly connections = new Map<number, ConnectionState>();
  /** The connection currently carrying each session. */
  readonly connectionBySession = new Map<bigint, number>();
  readonly pipeline: RequestPipeline;
  readonly replication: Replication;
  readonly stats = new PeerStats();
  private readonly checkpoints: CheckpointSchedule;
  nowMs: number;
  private readonly output: ClientOutput;
  private nextReapMs: number;
  /** Set by every step and tick: replication may have output for the next Ready. */
  private replicationOutputWaiting = false;

  /**
   * `recovered` is the snapshot a restarting member found on its disk: installed before
   * replication starts, so that replication begins from the zxid it holds.
   */
  constructor(
    input: PeerOptionsInput,
    createReplication?: ReplicationFactory,
    recovered: RestorableSnapshot | null = null,
  ) {
    this.options = resolvePeerOptions(input);
    this.nowMs = this.options.startMs;
    this.pending = new PendingChanges(this.currentTree);
    this.sessions = new SessionTable({
      tickMs: this.options.tickMs,
      serverId: this.options.serverId,
      startMs: this.options.startMs,
    });
    this.output = new ClientOutput(this.connections, this.stats);
    this.pipeline = new RequestPipeline(this);
    this.checkpoints = new CheckpointSchedule(this.options.snapCount, this.options.serverId);
    this.nextReapMs = this.nowMs + this.options.containerCheckIntervalMs;
    if (recovered !== null) this.install(DataTree.fromSnapshot(recovered), recovered.sessions);
    this.replication =
      createReplication === undefined
        ? new StandaloneReplication(this.options.serverId, this)
        : createReplication(this);
  }

  get tree(): DataTree {
    return this.currentTree;
  }

  /** The newest zxid applied to the tree: what replies carry. */
  get lastZxid(): bigint {
    return this.currentTree.lastZxid;
  }

  get isServing(): boolean {
    return this.replication.isServing;
  }

  get isLeading(): boolean {
    return this.replication.role === 'leading';
  }

  /** Starts replication: standalone serves at once; an ensemble member looks for a leader. */
  start(): void {
    this.carryOut(this.replication.start(this.nowMs));
  }

  step(input: PeerInput): void {
    this.replicationOutputWaiting = true;
    switch (input.type) {
      case 'connectionOpened': {
        assert(
          !this.connections.has(input.connectionId),
          `connection ${input.connectionId} reused`,
        );
        const remote = { address: input.remoteAddress, port: input.remotePort };
        const connection = createConnectionState(input.connectionId, remote, this.nowMs);
        this.connections.set(input.connectionId, connection);
        return;
      }
      case 'connect':
        return this.pipeline.connect(input.connectionId, input.request);
      case 'request':
        // The input carries xid, opCode and request itself: no copy per request.
        return this.pipeline.receiveRequest(input.connectionId, input);
      case 'malformedRequest':
        return this.pipeline.receiveRequest(input.connectionId, {
          xid: input.xid,
          opCode: input.opCode,
          request: 'malformed',
        });
      case 'unknownOp':
        return this.pipeline.receiveRequest(input.connectionId, {
          xid: input.xid,
          opCode: input.opCode,
          request: 'unknownOp',
        });
      case 'connectionClosed':
        return this.onConnectionClosed(input.connectionId);
      case 'persisted':
        return this.carryOut(this.replication.persisted(input.upTo));
      case 'peerMessage':
        return this.carryOut(this.replication.step(input.from, input.message, this.nowMs));
      case 'peerConnected':
        return this.carryOut(this.replication.peerConnected(input.peerId, this.nowMs));
      case 'peerDisconnected':
        return this.carryOut(this.replication.peerDisconnected(input.peerId, this.nowMs));
      default:
        assertNever(input, 'peer input');
    }
  }

  /**
   * Moves the core's clock to `nowMs` without a tick's work, so that the next input is stepped
   * at the time it arrived. Without it an input carries the time of the last tick, and a timer
   * armed by it (the election's finalize wait) would start in the past and end at once.
   */
  advanceTime(nowMs: number): void {
    // Time never goes backwards inside the core, whatever the clock did.
    if (nowMs > this.nowMs) this.nowMs = nowMs;
  }

  /** Advances time: replication timers, then (on a serving leader) session expiry and reaping. */
  tick(nowMs: number): void {
    this.advanceTime(nowMs);
    this.replicationOutputWaiting = true;
    this.carryOut(this.replication.tick(this.nowMs));
    if (!this.isLeading || !this.isServing) return;
    for (const sessionId of this.sessions.expire(this.nowMs)) {
      this.pipeline.submitCloseSession(sessionId, null);
    }
    if (this.nowMs >= this.nextReapMs) {
      this.nextReapMs = this.nowMs + this.options.containerCheckIntervalMs;
      const paths = this.currentTree.findReapable(this.nowMs, {
        maxNeverUsedIntervalMs: this.options.containerMaxNeverUsedIntervalMs,
      });
      for (const path of paths) this.pipeline.reapContainer(path);
    }
  }

  hasReady(): boolean {
    return !this.output.isEmpty || this.replicationOutputWaiting;
  }

  /** Takes the accumulated work; the loop performs it in the order of the Ready contract. */
  ready(): Ready {
    const ready = readyOf(this.replication.takeOutput(), this.output.pending);
    this.replicationOutputWaiting = false;
    if (ready !== idleReady) this.output.handedOver();
    return ready;
  }

  invariants(): void {
    this.replication.invariants();
    carrierInvariants(this.connections, this.connectionBySession);
  }

  /** The `crst` four-letter word: zero every connection's counters. */
  resetConnectionStats(): void {
    for (const connection of this.connections.values()) {
      const remote = { address: connection.remoteAddress, port: connection.remotePort };
      connection.stats = createConnectionState(connection.id, remote, this.nowMs).stats;
    }
  }

  // ---- ReplicatedState: what replication reads between steps ----

  lastAppliedZxid(): bigint {
    return this.currentTree.lastZxid;
  }

  /** The applied state, read while txns go on applying: a large tree is not copied at once. */
  streamSnapshot(): SnapshotStream {
    return streamOfWalk(this.currentTree.beginSnapshotWalk(), this.sessionList());
  }

  beginRestore(head: SnapshotHead): SnapshotRestore {
    return beginTreeRestore(head);
  }

  isLiveSession(sessionId: bigint): boolean {
    const session = this.sessions.get(sessionId);
    return session !== undefined && !session.isClosing;
  }

  private sessionList(): SnapshotSession[] {
    return [...this.sessions.sessions()].map((s) => ({
      sessionId: s.sessionId,
      timeoutMs: s.timeoutMs,
    }));
  }

  // ---- what replication decided, carried out after each of its calls ----

  private carryOut(effects: readonly ReplicationEffect[]): void {
    // By index: every write passes here, and a for-of over the shared frozen empty list of a
    // proposal (standalone-replication.ts) made an iterator result per call once deoptimised.
    for (let index = 0; index < effects.length; index++) {
      const effect = effects[index];
      if (effect !== undefined) this.carryOutOne(effect);
    }
    if (this.checkpoints.isDue()) {
      this.checkpoints.restart();
      // One at a time: while the last one is still being read, this one is skipped (ZooKeeper's
      // "too busy to snap"); the log keeps its txns until the next.
      if (!this.currentTree.isWalking) this.replication.checkpoint(this.streamSnapshot());
    }
  }

  private carryOutOne(effect: ReplicationEffect): void {
    switch (effect.type) {
      case 'apply':
        this.pipeline.applyCommitted(effect.txn);
        this.checkpoints.noteApplied();
        break;
      case 'restore':
        assert(effect.snapshot instanceof RestoredTree, 'a SNAP state this peer built');
        this.install(effect.snapshot.tree, effect.snapshot.sessions);
        this.checkpoints.restart();
        break;
      case 'roleChanged':
        this.roleChanged(effect.role, effect.isServing);
        break;
      case 'forwarded':
        this.pipeline.onForwarded(effect.message, effect.from);
        break;
      case 'syncDone':
        this.pipeline.syncDone(effect.origin);
        break;
      case 'sessionsTouched':
        this.sessions.touchAll(effect.sessionIds, this.nowMs, effect.revalidatedBy);
        break;
      case 'revalidated':
        this.pipeline.revalidated(effect);
        break;
      default:
        assertNever(effect, 'replication effect');
    }
  }

  /** The tree and sessions of a snapshot (recovered from disk, or built from a SNAP). */
  private install(tree: DataTree, sessions: readonly SnapshotSession[]): void {
    this.currentTree = tree;
    this.pending = new PendingChanges(this.currentTree);
    for (const session of [...this.sessions.sessions()]) this.sessions.remove(session.sessionId);
    for (const session of sessions)
      this.sessions.add(session.sessionId, session.timeoutMs, this.nowMs);
  }

  private roleChanged(role: ReplicationRole, isServing: boolean): void {
    this.pending.clear();
    // Found by the simulator: a deposed leader's closeSession proposals were truncated, and
    // the closing marks they left made it never expire those sessions once it led again.
    this.sessions.reopenClosing(this.nowMs);
    if (!isServing) {
      // ZooKeeper shuts its ZooKeeperServer down when it loses the quorum: every client
      // connection closes and the clients reconnect elsewhere (keeping their sessions).
      for (const connection of [...this.connections.values()]) {
        if (connection.phase !== 'closed')
          this.closeConnection(connection, 'server left the quorum');
      }
      this.pipeline.forgetOrigins();
      return;
    }
    if (role === 'leading') {
      // A new leader gives every session a full timeout from now (ZooKeeper: the leader's
      // session tracker starts from the sessions in its database).
      for (const session of [...this.sessions.sessions()]) {
        if (!session.isClosing) this.sessions.add(session.sessionId, session.timeoutMs, this.nowMs);
      }
    }
  }

  // ---- RequestContext: what the request pipeline is given ----

  nextZxid(): bigint {
    return this.replication.nextZxid();
  }

  /** Hands a txn to replication (the leader's proposal) and carries out what that decided. */
  propose(txn: Txn): void {
    this.carryOut(this.replication.propose(txn));
  }

  forward(message: LeaderBoundMessage): void {
    this.replication.forward(message);
  }

  /** A sync request: answered once everything committed before it has been applied here. */
  sync(origin: RequestOrigin, path: string): void {
    this.carryOut(this.replication.sync(origin, path));
  }

  /** A learner remembers which sessions its clients touched, to report them to the leader. */
  noteTouched(sessionId: bigint): void {
    this.replication.noteTouched(sessionId);
  }

  emit(message: ClientMessage): void {
    this.output.emit(message);
  }

  /** ZooKeeper counts a packet on its send path. */
  packetSent(connectionId: number): void {
    this.output.packetSent(connectionId);
  }

  reply(
    connection: ConnectionState,
    entry: AnsweredEntry,
    err: number,
    body: Response | null,
    zxid: bigint = this.lastZxid,
  ): void {
    this.output.reply(connection, entry, err, body, zxid, this.nowMs);
  }

  /** Closes a connection for good: what it had queued is dropped unanswered, as in ZooKeeper. */
  closeConnection(connection: ConnectionState, reason: string): void {
    connection.phase = 'closed';
    connection.queue.length = 0;
    connection.beforeEstablished.length = 0;
    this.emit({ kind: 'close', connectionId: connection.id, reason });
    this.detachConnection(connection);
  }

  /** Drops the connection's watches and its claim on its session; the session itself lives on. */
  private detachConnection(connection: ConnectionState): void {
    this.watches.removeConnection(connection.id);
    const sessionId = connection.sessionId;
    if (sessionId !== null && this.connectionBySession.get(sessionId) === connection.id) {
      this.connectionBySession.delete(sessionId);
    }
  }

  private onConnectionClosed(connectionId: number): void {
    const connection = this.connections.get(connectionId);
    if (connection === undefined) return;
    this.detachConnection(connection);
    this.connections.delete(connectionId);
  }
}
