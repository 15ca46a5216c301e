// Test support: the simplest replicated state — the list of txns applied; a snapshot is a copy of
// that list. It carries out the effects Zab hands out and records each, so tests can check them.

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../../tree/txn.js';
import type { TreeSnapshot } from '../../tree/tree-snapshot.js';
import type { PeerMessage, RequestOrigin } from '../messages.js';
import type { ReplicatedState, ReplicationEffect } from '../../replication/replication.js';
import type { ReplicationRole } from '../../replication/replication.js';
import { hexZxid } from '../zxid.js';

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

export class FakeHost implements ReplicatedState {
  /** The replicated state: every txn applied, in order. */
  state: Txn[];
  readonly roleChanges: { role: ReplicationRole; leader: number | null; isServing: boolean }[] = [];
  readonly forwarded: { from: number; message: Extract<PeerMessage, { type: 'request' }> }[] = [];
  readonly syncsDone: { origin: RequestOrigin; path: string }[] = [];
  readonly sessionsReported: bigint[] = [];
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

  /** Carries out what one Zab call handed out, in order; returns them for tests to inspect. */
  carryOut(effects: readonly ReplicationEffect[]): readonly ReplicationEffect[] {
    for (const effect of effects) {
      switch (effect.type) {
        case 'apply':
          this.apply(effect.txn);
          break;
        case 'restore':
          this.state = [...contentsOf(effect.snapshot)];
          this.restores += 1;
          break;
        case 'roleChanged':
          this.roleChanges.push({
            role: effect.role,
            leader: effect.leader,
            isServing: effect.isServing,
          });
          break;
        case 'forwarded':
          this.forwarded.push({ from: effect.from, message: effect.message });
          break;
        case 'syncDone':
          this.syncsDone.push({ origin: effect.origin, path: effect.path });
          break;
        case 'sessionsTouched':
          this.sessionsReported.push(...effect.sessionIds);
          break;
      }
    }
    return effects;
  }

  private apply(txn: Txn): void {
    const last = this.lastAppliedZxid();
    assert(txn.zxid > last, () => `applied ${hexZxid(txn.zxid)} after ${hexZxid(last)}`);
    this.onApply(this.state.length, txn);
    this.state.push(txn);
  }

  takeSnapshot(): TreeSnapshot {
    return snapshotOf(this.state);
  }
}
