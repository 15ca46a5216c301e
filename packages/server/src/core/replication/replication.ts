// What the server core needs from replication, whichever kind runs: the ZAB ensemble member
// (zab/zab.ts) or the standalone server (standalone-replication.ts). The Peer prepares txns and
// applies commits; replication decides zxids, durability order and what is committed.

import type { Txn } from '../tree/txn.js';
import type { SnapshotNode, SnapshotSession, SnapshotStream } from '../tree/tree-snapshot.js';
import type {
  LeaderBoundMessage,
  OutgoingEnvelope,
  PeerMessage,
  RequestOrigin,
  RevalidatedMessage,
} from '../zab/messages.js';

export type ReplicationRole = 'looking' | 'leading' | 'following' | 'observing';

/** A durable write the loop must make before it sends `sendAfterPersist`. */
export type PersistOp =
  | { type: 'txns'; txns: Txn[] }
  | { type: 'truncate'; afterZxid: bigint }
  /** A SNAP's state, read from the new tree while it goes on applying (a walk of it). */
  | { type: 'snapshot'; snapshot: SnapshotStream }
  /**
   * A periodic snapshot of the applied state (ZooKeeper's takeSnapshot every snapCount txns).
   * Unlike a SNAP's 'snapshot' it keeps the history: `tail` is every txn logged after
   * `snapshot.zxid` (not yet applied), which the log must keep after the snapshot. Txns up to
   * the snapshot may then be dropped from memory and, once retention allows, from disk.
   */
  | { type: 'checkpoint'; snapshot: SnapshotStream; tail: readonly Txn[] }
  /** `isRejoining`: the member lost its data and must not vote until synced (zab/rejoin.ts). */
  | { type: 'epochs'; acceptedEpoch: number; currentEpoch: number; isRejoining?: boolean };

export interface ReplicationOutput {
  readonly send: readonly OutgoingEnvelope[];
  readonly persist: readonly PersistOp[];
  readonly sendAfterPersist: readonly OutgoingEnvelope[];
}

export type ForwardedRequestMessage = Extract<PeerMessage, { type: 'request' }>;

/**
 * What one step of replication decided, for the peer to carry out after the step, in order
 * (etcd-raft's `Ready.CommittedEntries`, in spirit): replication never calls back into the peer.
 */
export type ReplicationEffect =
  /** A committed txn, in zxid order, exactly once: apply it to the tree. */
  | { type: 'apply'; txn: Txn }
  /** A SNAP replaced the state: install this one, built from it (the log starts after it). */
  | { type: 'restore'; snapshot: RestoredState }
  | { type: 'roleChanged'; role: ReplicationRole; leader: number | null; isServing: boolean }
  /** Leader: a learner forwarded a client's request; prepare and propose it. */
  | { type: 'forwarded'; from: number; message: ForwardedRequestMessage }
  /** Everything committed before this sync has been applied here: answer it. */
  | { type: 'syncDone'; origin: RequestOrigin; path: string }
  /**
   * Leader: learners' clients touched these sessions; `revalidatedBy` names the learner a
   * client resumed its session on, which becomes the session's owner (ZooKeeper: setOwner).
   */
  | { type: 'sessionsTouched'; sessionIds: readonly bigint[]; revalidatedBy?: number }
  /** Learner: the leader's answer to a revalidation: finish that connection's handshake. */
  | RevalidatedMessage;

/**
 * What replication may read of the state it replicates, between steps (etcd-raft's Storage, in
 * spirit). Reads only: every change reaches the state as a ReplicationEffect.
 */
export interface ReplicatedState {
  lastAppliedZxid(): bigint;
  /**
   * The applied state as a stream, read a chunk at a time while txns go on applying (a SNAP to
   * a learner; nothing is copied at once). Its reader must read it to its end or abandon it.
   */
  streamSnapshot(): SnapshotStream;
  /**
   * A new state, built from a SNAP's nodes as they arrive. It does not touch this state: a
   * 'restore' effect installs what it finished.
   */
  beginRestore(head: SnapshotHead): SnapshotRestore;
  /** Leader: the session is tracked and not closing (a learner asks when a client resumes it). */
  isLiveSession(sessionId: bigint): boolean;
}

/** What a SNAP announces before its nodes: its zxid, how many nodes follow, the sessions. */
export interface SnapshotHead {
  zxid: bigint;
  nodeCount: number;
  sessions: readonly SnapshotSession[];
}

/** A state being built from a SNAP, a part at a time (ReplicatedState.beginRestore). */
export interface SnapshotRestore {
  /** Takes the next nodes in snapshot order: what is wrong with them (refuse it), or null. */
  add(nodes: readonly SnapshotNode[]): string | null;
  /** After the last node: the state to install, and its snapshot to make durable. */
  finish(): { state: RestoredState; snapshot: SnapshotStream };
}

/** A state built from a SNAP, opaque to replication; the host that built it installs it. */
export interface RestoredState {
  readonly zxid: bigint;
}

/** Every call that can decide something returns what the peer must carry out. */
export interface Replication {
  readonly role: ReplicationRole;
  readonly leader: number | null;
  readonly epoch: number;
  readonly isServing: boolean;
  start(nowMs: number): ReplicationEffect[];
  step(from: number, message: PeerMessage, nowMs: number): ReplicationEffect[];
  tick(nowMs: number): ReplicationEffect[];
  peerConnected(id: number, nowMs: number): ReplicationEffect[];
  peerDisconnected(id: number, nowMs: number): ReplicationEffect[];
  nextZxid(): bigint;
  propose(txn: Txn): readonly ReplicationEffect[];
  /** Learner: a client's write or session txn, or a revalidation of a resumed session. */
  forward(message: LeaderBoundMessage): void;
  sync(origin: RequestOrigin, path: string): ReplicationEffect[];
  /**
   * Queues a checkpoint of `snapshot`, the state as last applied: a persist op carrying it and
   * the txns logged after it. Called by the peer between steps.
   */
  checkpoint(snapshot: SnapshotStream): void;
  /** A learner's client touched its session: the next pong reports it to the leader. */
  noteTouched(sessionId: bigint): void;
  takeOutput(): ReplicationOutput;
  persisted(upToZxid: bigint): ReplicationEffect[];
  invariants(): void;
  describe(): string;
}
