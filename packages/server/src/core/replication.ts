// What the server core needs from replication, whichever kind runs: the ZAB ensemble member
// (zab/zab.ts) or the standalone server (standalone-replication.ts). The Peer prepares txns and
// applies commits; replication decides zxids, durability order and what is committed.

import type { Txn } from './txn.js';
import type { TreeSnapshot } from './tree/tree-snapshot.js';
import type { PeerEnvelope, PeerMessage, RequestOrigin } from './zab/messages.js';

export type ReplicationRole = 'looking' | 'leading' | 'following' | 'observing';

/** A durable write the loop must make before it sends `sendAfterPersist`. */
export type PersistOp =
  | { type: 'txns'; txns: Txn[] }
  | { type: 'truncate'; afterZxid: bigint }
  | { type: 'snapshot'; snapshot: TreeSnapshot }
  | { type: 'epochs'; acceptedEpoch: number; currentEpoch: number };

export interface ReplicationOutput {
  send: PeerEnvelope[];
  persist: PersistOp[];
  sendAfterPersist: PeerEnvelope[];
}

export type ForwardedRequestMessage = Extract<PeerMessage, { type: 'request' }>;

/** The server state replication drives (implemented by the Peer). */
export interface ReplicationHost {
  lastAppliedZxid(): bigint;
  /** A committed txn, in zxid order, exactly once. */
  apply(txn: Txn): void;
  takeSnapshot(): TreeSnapshot;
  restoreSnapshot(snapshot: TreeSnapshot): void;
  roleChanged(role: ReplicationRole, leader: number | null, isServing: boolean): void;
  forwardedRequest(from: number, message: ForwardedRequestMessage): void;
  syncDone(origin: RequestOrigin, path: string): void;
  takeTouchedSessions(): bigint[];
  sessionsTouched(ids: readonly bigint[]): void;
}

export interface Replication {
  readonly role: ReplicationRole;
  readonly leader: number | null;
  readonly epoch: number;
  readonly isServing: boolean;
  start(nowMs: number): void;
  step(from: number, message: PeerMessage, nowMs: number): void;
  tick(nowMs: number): void;
  peerConnected(id: number, nowMs: number): void;
  peerDisconnected(id: number, nowMs: number): void;
  nextZxid(): bigint;
  propose(txn: Txn): void;
  forward(message: ForwardedRequestMessage): void;
  sync(origin: RequestOrigin, path: string): void;
  takeOutput(): ReplicationOutput;
  persisted(upToZxid: bigint): void;
  invariants(): void;
  describe(): string;
}
