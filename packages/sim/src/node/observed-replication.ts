// The simulator's window onto a server's replication, without touching its logic: the Zab is
// wrapped to see every proposal going in and every effect coming out (delivered txns, installed
// snapshots, role changes). What it sees becomes the history's server events.

import { describeTxn } from '@zoo/server/internals';
import type { PlantedOutput } from './planted-forward-behind-ack.js';
import type {
  PeerMessage,
  Replication,
  ReplicationEffect,
  ReplicationOutput,
  ReplicationRole,
  SnapshotStream,
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

/**
 * One string per distinct txn content for a whole run. Every member delivers each txn and the
 * leader also proposes it, so without this a run keeps about six equal fingerprints per txn, each
 * a tree of a dozen concatenated pieces: a third of a run's live heap, copied by every scavenge
 * until promoted, and flattened again by each checker that compares them (issue #16).
 */
export class FingerprintTable {
  private readonly known = new Map<string, string>();

  intern(fingerprint: string): string {
    const known = this.known.get(fingerprint);
    if (known !== undefined) return known;
    this.known.set(fingerprint, fingerprint);
    return fingerprint;
  }
}

function collectData(body: TxnBody, into: string[]): void {
  if (body.type === 'multi') for (const op of body.ops) collectData(op, into);
  else if (body.type === 'create' || body.type === 'setData') {
    into.push(body.data === null ? '-' : body.data.toString('base64'));
  }
}

/** Wraps the Zab as the Peer sees it: all passes through; proposals and effects are noted. */
export class ObservedReplication implements Replication {
  constructor(
    readonly zab: Zab,
    private readonly observer: ReplicationObserver,
    /**
     * A planted bug's rewrite of the output the loop is handed (ACKs sent before their write,
     * forwards held behind ACKs), or null.
     */
    private readonly plantedOutput: PlantedOutput | null,
    /** A planted bug's txn to propose right after one the leader proposed (or null). */
    private readonly plantedFollowUp?: (txn: Txn, nextZxid: () => bigint) => Txn | null,
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
  start(nowMs: number): ReplicationEffect[] {
    return this.observe(this.zab.start(nowMs));
  }
  step(from: number, message: PeerMessage, nowMs: number): ReplicationEffect[] {
    return this.observe(this.zab.step(from, message, nowMs));
  }
  tick(nowMs: number): ReplicationEffect[] {
    return this.observe(this.zab.tick(nowMs));
  }
  peerConnected(id: number, nowMs: number): ReplicationEffect[] {
    return this.observe(this.zab.peerConnected(id, nowMs));
  }
  peerDisconnected(id: number, nowMs: number): ReplicationEffect[] {
    return this.observe(this.zab.peerDisconnected(id, nowMs));
  }
  nextZxid(): bigint {
    return this.zab.nextZxid();
  }
  checkpoint(snapshot: SnapshotStream): void {
    this.zab.checkpoint(snapshot);
  }
  propose(txn: Txn): ReplicationEffect[] {
    this.observer.proposed(txn, txnFingerprint(txn));
    const effects = this.observe(this.zab.propose(txn));
    const isLeading = this.zab.role === 'leading' && this.zab.isServing;
    const next = isLeading
      ? (this.plantedFollowUp?.(txn, () => this.zab.nextZxid()) ?? null)
      : null;
    return next === null ? effects : [...effects, ...this.propose(next)];
  }
  forward(message: Parameters<Replication['forward']>[0]): void {
    this.zab.forward(message);
  }
  sync(origin: Parameters<Replication['sync']>[0], path: string): ReplicationEffect[] {
    return this.observe(this.zab.sync(origin, path));
  }
  noteTouched(sessionId: bigint): void {
    this.zab.noteTouched(sessionId);
  }
  takeOutput(): ReplicationOutput {
    const output = this.zab.takeOutput();
    return this.plantedOutput === null ? output : this.plantedOutput.rewrite(output);
  }
  persisted(upToZxid: bigint): ReplicationEffect[] {
    this.plantedOutput?.persisted();
    return this.observe(this.zab.persisted(upToZxid));
  }
  invariants(): void {
    this.zab.invariants();
  }
  describe(): string {
    return this.zab.describe();
  }

  /** The peer carries these out in order right after the call: the history sees the same order. */
  private observe(effects: ReplicationEffect[]): ReplicationEffect[] {
    for (const effect of effects) {
      if (effect.type === 'apply') this.observer.delivered(effect.txn, txnFingerprint(effect.txn));
      else if (effect.type === 'restore') this.observer.snapshotInstalled(effect.snapshot.zxid);
      else if (effect.type === 'roleChanged')
        this.observer.roleChanged(effect.role, effect.leader, effect.isServing);
    }
    return effects;
  }
}
