// Test support: the simplest ZabHost — its replicated "state" is the list of txns applied, a
// snapshot is a copy of that list, and it records every call Zab makes so tests can check them.

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../txn.js';
import type { TreeSnapshot } from '../tree/tree-snapshot.js';
import type { PeerMessage, RequestOrigin } from './messages.js';
import type { ZabHost, ZabRole } from './zab-types.js';
import { hexZxid } from './zxid.js';

/** A snapshot's contents, by identity: the fake state travels inside the opaque TreeSnapshot. */
const snapshotContents = new WeakMap<TreeSnapshot, readonly Txn[]>();

export function snapshotOf(txns: readonly Txn[]): TreeSnapshot {
  const snapshot: TreeSnapshot = { zxid: txns.at(-1)?.zxid ?? 0n, nodes: [], sessions: [] };
  snapshotContents.set(snapshot, [...txns]);
  return snapshot;
}

export function contentsOf(snapshot: TreeSnapshot): readonly Txn[] {
  const txns = snapshotContents.get(snapshot);
  assert(txns !== undefined, 'a snapshot made by a fake host');
  return txns;
}

/** Called on every apply with the txn's position in the applied sequence. */
export type ApplyListener = (index: number, txn: Txn) => void;

export class FakeHost implements ZabHost {
  /** The replicated state: every txn applied, in order. */
  state: Txn[];
  readonly roleChanges: { role: ZabRole; leader: number | null; isServing: boolean }[] = [];
  readonly forwarded: { from: number; message: Extract<PeerMessage, { type: 'request' }> }[] = [];
  readonly syncsDone: { origin: RequestOrigin; path: string }[] = [];
  readonly sessionsReported: bigint[] = [];
  /** What the next pong reports (then forgotten, as the brief's host does). */
  touched: bigint[] = [];
  restores = 0;

  constructor(
    initial: readonly Txn[] = [],
    private readonly onApply: ApplyListener = () => {},
  ) {
    this.state = [...initial];
  }

  lastAppliedZxid(): bigint {
    return this.state.at(-1)?.zxid ?? 0n;
  }

  apply(txn: Txn): void {
    const last = this.lastAppliedZxid();
    assert(txn.zxid > last, () => `applied ${hexZxid(txn.zxid)} after ${hexZxid(last)}`);
    this.onApply(this.state.length, txn);
    this.state.push(txn);
  }

  takeSnapshot(): TreeSnapshot {
    return snapshotOf(this.state);
  }

  restoreSnapshot(snapshot: TreeSnapshot): void {
    this.state = [...contentsOf(snapshot)];
    this.restores += 1;
  }

  roleChanged(role: ZabRole, leader: number | null, isServing: boolean): void {
    this.roleChanges.push({ role, leader, isServing });
  }

  forwardedRequest(from: number, message: Extract<PeerMessage, { type: 'request' }>): void {
    this.forwarded.push({ from, message });
  }

  syncDone(origin: RequestOrigin, path: string): void {
    this.syncsDone.push({ origin, path });
  }

  takeTouchedSessions(): bigint[] {
    const touched = this.touched;
    this.touched = [];
    return touched;
  }

  sessionsTouched(ids: readonly bigint[]): void {
    this.sessionsReported.push(...ids);
  }
}
