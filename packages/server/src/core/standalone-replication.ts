// Replication for a standalone server (ZooKeeper's standalone mode: epoch 0, zxids 1, 2, 3…):
// a quorum of one. A proposal is committed once the local log says it is durable.

import { AssertionError, assert } from '@zoo/client/protocol';
import type { Txn } from './txn.js';
import type {
  PersistOp,
  Replication,
  ReplicationHost,
  ReplicationOutput,
  ReplicationRole,
} from './replication.js';

export class StandaloneReplication implements Replication {
  readonly role: ReplicationRole = 'leading';
  readonly leader: number;
  readonly epoch = 0;
  private readonly uncommitted: Txn[] = [];
  private head = 0;
  private lastProposedZxid: bigint;
  private persist: PersistOp[] = [];
  private isStarted = false;

  constructor(
    serverId: number,
    private readonly host: ReplicationHost,
  ) {
    this.leader = serverId;
    this.lastProposedZxid = host.lastAppliedZxid();
  }

  get isServing(): boolean {
    return this.isStarted;
  }

  start(): void {
    this.isStarted = true;
    this.host.roleChanged('leading', this.leader, true);
  }

  step(from: number): void {
    throw new AssertionError(`a standalone server got a peer message from ${from}`);
  }

  tick(): void {}
  peerConnected(): void {}
  peerDisconnected(): void {}

  nextZxid(): bigint {
    return this.lastProposedZxid + 1n;
  }

  propose(txn: Txn): void {
    assert(txn.zxid === this.nextZxid(), () => `proposal 0x${txn.zxid.toString(16)} out of order`);
    this.lastProposedZxid = txn.zxid;
    this.uncommitted.push(txn);
    const last = this.persist.at(-1);
    if (last?.type === 'txns') last.txns.push(txn);
    else this.persist.push({ type: 'txns', txns: [txn] });
  }

  forward(): void {
    throw new AssertionError('a standalone server never forwards requests');
  }

  sync(origin: { sessionId: bigint; cxid: number }, path: string): void {
    this.host.syncDone(origin, path);
  }

  takeOutput(): ReplicationOutput {
    const output = { send: [], persist: this.persist, sendAfterPersist: [] };
    this.persist = [];
    return output;
  }

  /** Durable up to `upToZxid`: with a quorum of one, that commits it. */
  persisted(upToZxid: bigint): void {
    while (this.head < this.uncommitted.length) {
      const txn = this.uncommitted[this.head];
      assert(txn !== undefined, 'uncommitted slot');
      if (txn.zxid > upToZxid) break;
      this.head += 1;
      this.host.apply(txn);
    }
    if (this.head > 1024 && this.head * 2 > this.uncommitted.length) {
      this.uncommitted.splice(0, this.head);
      this.head = 0;
    }
  }

  invariants(): void {
    let previous = this.host.lastAppliedZxid();
    for (let i = this.head; i < this.uncommitted.length; i += 1) {
      const txn = this.uncommitted[i];
      assert(txn !== undefined, 'uncommitted slot');
      assert(txn.zxid === previous + 1n, 'uncommitted txns follow the applied ones without a gap');
      previous = txn.zxid;
    }
    assert(previous === this.lastProposedZxid, 'last proposed zxid matches the queue');
  }

  describe(): string {
    const applied = this.host.lastAppliedZxid().toString(16);
    return `standalone applied=0x${applied} proposed=0x${this.lastProposedZxid.toString(16)}`;
  }
}
