// The in-memory "disk" of an embedded server with no data directory: every write is durable at
// once. It keeps what a disk would (epochs, the txn log, the last snapshot), so an embedded
// cluster can restart a member in-process from the state it had persisted. Checkpoints bound
// it: each replaces the snapshot and drops the txns it covers, as a purge would on disk.

import { drainSnapshot } from '../core/tree/tree-snapshot.js';
import { assert, assertNever } from '@zoo/client/protocol';
import type { Txn } from '../core/tree/txn.js';
import type { PersistOp } from '../core/replication/replication.js';
import type { TreeSnapshot } from '../core/tree/tree-snapshot.js';
import type { TxnLog } from './env.js';

export class MemoryTxnLog implements TxnLog {
  acceptedEpoch = 0;
  currentEpoch = 0;
  snapshot: TreeSnapshot | null = null;
  private readonly txns: Txn[] = [];

  /** The logged txns, oldest first. */
  get log(): readonly Txn[] {
    return this.txns;
  }

  write(ops: readonly PersistOp[], done: (lastTxnZxid: bigint | null) => void): void {
    let lastTxnZxid: bigint | null = null;
    for (const op of ops) {
      switch (op.type) {
        case 'txns':
          for (const txn of op.txns) {
            const last = this.txns.at(-1);
            assert(
              last === undefined || txn.zxid > last.zxid,
              () => `txn 0x${txn.zxid.toString(16)} logged out of order`,
            );
            this.txns.push(txn);
            lastTxnZxid = txn.zxid;
          }
          break;
        case 'truncate': {
          const keep = this.txns.findIndex((txn) => txn.zxid > op.afterZxid);
          if (keep >= 0) this.txns.length = keep;
          break;
        }
        case 'snapshot':
          // A snapshot replaces the history it covers (SNAP sync): older txns are not needed.
          this.snapshot = drainSnapshot(op.snapshot);
          this.txns.length = 0;
          break;
        case 'checkpoint': {
          // The snapshot covers every txn up to its zxid; those after it stay (the op's tail).
          this.snapshot = drainSnapshot(op.snapshot);
          const firstAfter = this.txns.findIndex((txn) => txn.zxid > op.snapshot.zxid);
          this.txns.splice(0, firstAfter < 0 ? this.txns.length : firstAfter);
          break;
        }
        case 'epochs':
          this.acceptedEpoch = op.acceptedEpoch;
          this.currentEpoch = op.currentEpoch;
          break;
        default:
          assertNever(op, 'persist op');
      }
    }
    done(lastTxnZxid);
  }

  async close(): Promise<void> {}
}
