// Test support: a node's disk as the loop would keep it — epochs, the last snapshot and the
// txns logged after it — written one PersistOp at a time, in order.

import { drainSnapshot } from '../../tree/tree-snapshot.js';
import { assert } from '@zoo/client/protocol';
import type { Txn } from '../../tree/txn.js';
import type { TreeSnapshot } from '../../tree/tree-snapshot.js';
import type { PersistOp } from '../zab-types.js';

/** What one node wrote durably: epochs, the last snapshot and the log after it. */
export class FakeDisk {
  acceptedEpoch = 0;
  currentEpoch = 0;
  snapshot: TreeSnapshot | null = null;
  log: Txn[] = [];

  isRejoining = false;

  /** The data was lost; `zoo-data reset` emptied the directory and marked it (`mark`). */
  wipe(options: { mark: boolean }): void {
    this.acceptedEpoch = 0;
    this.currentEpoch = 0;
    this.isRejoining = options.mark;
    this.snapshot = null;
    this.log = [];
  }

  write(op: PersistOp): void {
    switch (op.type) {
      case 'txns':
        for (const txn of op.txns) {
          assert((this.log.at(-1)?.zxid ?? -1n) < txn.zxid, 'disk log appends in zxid order');
          this.log.push(txn);
        }
        return;
      case 'truncate':
        this.log = this.log.filter((txn) => txn.zxid <= op.afterZxid);
        return;
      case 'snapshot':
        this.snapshot = drainSnapshot(op.snapshot);
        this.log = [];
        return;
      case 'checkpoint':
        this.snapshot = drainSnapshot(op.snapshot);
        this.log = this.log.filter((txn) => txn.zxid > op.snapshot.zxid);
        return;
      case 'epochs':
        this.acceptedEpoch = op.acceptedEpoch;
        this.currentEpoch = op.currentEpoch;
        this.isRejoining = op.isRejoining === true;
        return;
    }
  }
}
