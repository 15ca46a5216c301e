// What of a leader's own writes the loop has made durable: its currentEpoch (its own NEWLEADER
// ACK) and its proposals (its own ACKs). ZooKeeper: the leader's SyncRequestProcessor feeding
// AckRequestProcessor, and setCurrentEpoch before waitForNewLeaderAck.

import { assert } from '@zoo/client/protocol';
import { hexZxid } from './zxid.js';

export class LeaderDurability {
  private epochPersistNumber: number | null = null;
  private initialHistoryZxid = 0n;
  private isEpochDurable = false;
  /** Own proposals waiting for their write, oldest first. */
  private readonly pending: { zxid: bigint; persistNumber: number }[] = [];
  private acked = 0n;

  /** The new currentEpoch (and so everything written before it) is durable. */
  get isSynced(): boolean {
    return this.isEpochDurable;
  }

  /** The leader's own ACK: its log is durable up to here. */
  get ackedZxid(): bigint {
    return this.acked;
  }

  /** The new currentEpoch was queued as PersistOp `persistNumber`, after the whole history. */
  awaitEpoch(persistNumber: number, initialHistoryZxid: bigint): void {
    assert(this.epochPersistNumber === null, 'the leader writes its currentEpoch once');
    assert(this.pending.length === 0, 'no proposal before the new epoch');
    this.epochPersistNumber = persistNumber;
    this.initialHistoryZxid = initialHistoryZxid;
  }

  awaitProposal(zxid: bigint, persistNumber: number): void {
    const last = this.pending.at(-1);
    assert(last === undefined || last.zxid < zxid, () => `own proposal ${hexZxid(zxid)} order`);
    this.pending.push({ zxid, persistNumber });
  }

  /** Every PersistOp numbered up to `durableNumber` is durable (the loop's persisted()). */
  confirm(durableNumber: number): void {
    if (this.epochPersistNumber !== null && durableNumber >= this.epochPersistNumber) {
      // The initial history was written before the epoch: it is durable too.
      this.isEpochDurable = true;
      if (this.initialHistoryZxid > this.acked) this.acked = this.initialHistoryZxid;
    }
    let confirmed = 0;
    for (const entry of this.pending) {
      if (entry.persistNumber > durableNumber) break;
      this.acked = entry.zxid;
      confirmed += 1;
    }
    this.pending.splice(0, confirmed);
  }

  invariants(lastLoggedZxid: bigint): void {
    assert(this.acked <= lastLoggedZxid, 'self-ACK beyond the log');
    const first = this.pending[0];
    if (first !== undefined) assert(first.zxid > this.acked, 'pending proposals follow the ACK');
  }
}
