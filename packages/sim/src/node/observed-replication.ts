// The simulator's window onto a server's replication, without touching its logic: the host the
// Zab drives is wrapped to see every delivered txn and every established leadership, and the Zab
// is wrapped to see every proposal. What they see becomes the history's server events.

import { describeTxn } from '@zoo/server/internals';
import type {
  PeerMessage,
  Replication,
  ReplicationHost,
  ReplicationOutput,
  ReplicationRole,
  TreeSnapshot,
  Txn,
  TxnBody,
  Zab,
} from '@zoo/server/internals';

export interface ReplicationObserver {
  /** A SNAP replaced the tree: what it delivered before no longer counts. */
  snapshotInstalled(zxid: bigint): void;
  delivered(txn: Txn, fingerprint: string): void;
  proposed(txn: Txn, fingerprint: string): void;
  roleChanged(role: ReplicationRole, leader: number | null, isServing: boolean): void;
}

/** A txn's identity and content as one string: equal strings, equal txns. */
export function txnFingerprint(txn: Txn): string {
  const data: string[] = [];
  collectData(txn.body, data);
  return `${describeTxn(txn)} ${data.join(',')}`;
}

function collectData(body: TxnBody, into: string[]): void {
  if (body.type === 'multi') for (const op of body.ops) collectData(op, into);
  else if (body.type === 'create' || body.type === 'setData') {
    into.push(body.data === null ? '-' : body.data.toString('base64'));
  }
}

/** Wraps the Peer as the Zab sees it. */
export function observedHost(
  host: ReplicationHost,
  observer: ReplicationObserver,
): ReplicationHost {
  return {
    lastAppliedZxid: () => host.lastAppliedZxid(),
    apply: (txn: Txn) => {
      observer.delivered(txn, txnFingerprint(txn));
      host.apply(txn);
    },
    takeSnapshot: () => host.takeSnapshot(),
    restoreSnapshot: (snapshot: TreeSnapshot) => {
      observer.snapshotInstalled(snapshot.zxid);
      host.restoreSnapshot(snapshot);
    },
    roleChanged: (role, leader, isServing) => {
      observer.roleChanged(role, leader, isServing);
      host.roleChanged(role, leader, isServing);
    },
    forwardedRequest: (from, message) => host.forwardedRequest(from, message),
    syncDone: (origin, path) => host.syncDone(origin, path),
    takeTouchedSessions: () => host.takeTouchedSessions(),
    sessionsTouched: (ids) => host.sessionsTouched(ids),
  };
}

/** Wraps the Zab as the Peer sees it: everything passes through; proposals are noted. */
export class ObservedReplication implements Replication {
  constructor(
    readonly zab: Zab,
    private readonly observer: ReplicationObserver,
  ) {}

  get role(): ReplicationRole {
    return this.zab.role;
  }
  get leader(): number | null {
    return this.zab.leader;
  }
  get epoch(): number {
    return this.zab.epoch;
  }
  get isServing(): boolean {
    return this.zab.isServing;
  }
  start(nowMs: number): void {
    this.zab.start(nowMs);
  }
  step(from: number, message: PeerMessage, nowMs: number): void {
    this.zab.step(from, message, nowMs);
  }
  tick(nowMs: number): void {
    this.zab.tick(nowMs);
  }
  peerConnected(id: number, nowMs: number): void {
    this.zab.peerConnected(id, nowMs);
  }
  peerDisconnected(id: number, nowMs: number): void {
    this.zab.peerDisconnected(id, nowMs);
  }
  nextZxid(): bigint {
    return this.zab.nextZxid();
  }
  propose(txn: Txn): void {
    this.observer.proposed(txn, txnFingerprint(txn));
    this.zab.propose(txn);
  }
  forward(message: Parameters<Replication['forward']>[0]): void {
    this.zab.forward(message);
  }
  sync(origin: Parameters<Replication['sync']>[0], path: string): void {
    this.zab.sync(origin, path);
  }
  takeOutput(): ReplicationOutput {
    return this.zab.takeOutput();
  }
  persisted(upToZxid: bigint): void {
    this.zab.persisted(upToZxid);
  }
  invariants(): void {
    this.zab.invariants();
  }
  describe(): string {
    return this.zab.describe();
  }
}
