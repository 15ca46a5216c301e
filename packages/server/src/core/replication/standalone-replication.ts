// Replication for a standalone server (ZooKeeper's standalone mode: epoch 0, zxids 1, 2, 3…):
// a quorum of one. A proposal is committed once the local log says it is durable.

import { AssertionError, assert } from '@zoo/client/protocol';
import type { Txn } from '../tree/txn.js';
import type { SnapshotStream } from '../tree/tree-snapshot.js';
import type {
  PersistOp,
  ReplicatedState,
  Replication,
  ReplicationEffect,
  ReplicationOutput,
  ReplicationRole,
} from './replication.js';

/**
 * What a proposal decides at once here: nothing (it commits when durable). One frozen list, not a
 * new empty one per write; the peer only reads it.
 */
const noEffects: readonly ReplicationEffect[] = Object.freeze([]);

export class StandaloneReplication implements Replication {
  readonly role: ReplicationRole = 'leading';
  readonly leader: number;
  readonly epoch = 0;
  private readonly uncommitted: Txn[] = [];
  private head = 0;
  private lastProposedZxid: bigint;
  /** lastProposedZxid + 1, made once per proposal: prep asks for it and propose checks it. */
  private nextProposedZxid: bigint;
  private persist: PersistOp[] = [];
  private isStarted = false;
  /** The last txn handed out to be applied (the state catches up when the peer applies it). */
  private lastAppliedZxid: bigint;

  /**
   * `recoveredLog`: the txns a restarted server found logged after its snapshot. Each was durable,
   * which with a quorum of one commits it, so start() applies them all (as ZooKeeper's standalone
   * server replays its log on load) whether or not its client heard back.
   */
  constructor(
    serverId: number,
    private readonly state: ReplicatedState,
    private recoveredLog: readonly Txn[] = [],
  ) {
    this.leader = serverId;
    this.lastAppliedZxid = state.lastAppliedZxid();
    let previous = this.lastAppliedZxid;
    for (const txn of recoveredLog) {
      assert(txn.zxid > previous, () => `recovered log out of order at ${txn.zxid}`);
      previous = txn.zxid;
    }
    this.lastProposedZxid = previous;
    this.nextProposedZxid = previous + 1n;
  }

  get isServing(): boolean {
    return this.isStarted;
  }

  start(): ReplicationEffect[] {
    this.isStarted = true;
    const effects: ReplicationEffect[] = this.recoveredLog.map((txn) => ({ type: 'apply', txn }));
    this.lastAppliedZxid = this.lastProposedZxid;
    this.recoveredLog = [];
    effects.push({ type: 'roleChanged', role: 'leading', leader: this.leader, isServing: true });
    return effects;
  }

  step(from: number): ReplicationEffect[] {
    throw new AssertionError(`a standalone server got a peer message from ${from}`);
  }

  tick(): ReplicationEffect[] {
    return [];
  }
  peerConnected(): ReplicationEffect[] {
    return [];
  }
  peerDisconnected(): ReplicationEffect[] {
    return [];
  }
  /** Its clients' sessions are touched where they expire: here. */
  noteTouched(): void {}

  nextZxid(): bigint {
    return this.nextProposedZxid;
  }

  propose(txn: Txn): readonly ReplicationEffect[] {
    // Checked before the message is built: a closure per proposal would be garbage per write.
    if (txn.zxid !== this.nextProposedZxid) {
      assert(false, `proposal 0x${txn.zxid.toString(16)} out of order`);
    }
    this.lastProposedZxid = txn.zxid;
    this.nextProposedZxid = txn.zxid + 1n;
    this.uncommitted.push(txn);
    const last = this.persist.at(-1);
    if (last?.type === 'txns') last.txns.push(txn);
    else this.persist.push({ type: 'txns', txns: [txn] });
    return noEffects;
  }

  checkpoint(snapshot: SnapshotStream): void {
    assert(snapshot.zxid === this.lastAppliedZxid, 'a checkpoint of the applied state');
    this.persist.push({ type: 'checkpoint', snapshot, tail: this.uncommitted.slice(this.head) });
  }

  forward(): void {
    throw new AssertionError('a standalone server never forwards requests');
  }

  sync(origin: { sessionId: bigint; cxid: number }, path: string): ReplicationEffect[] {
    return [{ type: 'syncDone', origin, path }];
  }

  takeOutput(): ReplicationOutput {
    const output = { send: [], persist: this.persist, sendAfterPersist: [] };
    this.persist = [];
    return output;
  }

  /** Durable up to `upToZxid`: with a quorum of one, that commits it. */
  persisted(upToZxid: bigint): ReplicationEffect[] {
    const effects: ReplicationEffect[] = [];
    while (this.head < this.uncommitted.length) {
      const txn = this.uncommitted[this.head];
      assert(txn !== undefined, 'uncommitted slot');
      if (txn.zxid > upToZxid) break;
      this.head += 1;
      this.lastAppliedZxid = txn.zxid;
      effects.push({ type: 'apply', txn });
    }
    if (this.head > 1024 && this.head * 2 > this.uncommitted.length) {
      this.uncommitted.splice(0, this.head);
      this.head = 0;
    }
    return effects;
  }

  invariants(): void {
    const applied = this.state.lastAppliedZxid();
    assert(applied === this.lastAppliedZxid, () => `state applied ${applied}, handed out more`);
    let previous = applied;
    for (let i = this.head; i < this.uncommitted.length; i += 1) {
      const txn = this.uncommitted[i];
      assert(txn !== undefined, 'uncommitted slot');
      assert(txn.zxid === previous + 1n, 'uncommitted txns follow the applied ones without a gap');
      previous = txn.zxid;
    }
    assert(previous === this.lastProposedZxid, 'last proposed zxid matches the queue');
  }

  describe(): string {
    const applied = this.state.lastAppliedZxid().toString(16);
    return `standalone applied=0x${applied} proposed=0x${this.lastProposedZxid.toString(16)}`;
  }
}
