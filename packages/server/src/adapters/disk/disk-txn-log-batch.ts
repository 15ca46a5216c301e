// The batches DiskTxnLog is handed (one per loop turn's persist), as they wait, are grouped into
// a write, and are answered once that write is durable.

import type { PersistOp } from '../../core/replication/replication.js';
import type { RecordBatch } from './record-batch.js';
import type { SnapshotFileSource } from './snapshot-file.js';

export type Done = (lastTxnZxid: bigint | null) => void;

export interface WaitingBatch {
  ops: readonly PersistOp[];
  done: Done;
  /** Written on its own once everything before it is durable (see DiskTxnLog.writeAlone). */
  isAlone: boolean;
}

/** A batch whose records are in a group written or being written. */
export interface GroupedBatch {
  done: Done;
  lastTxnZxid: bigint | null;
  checkpoints: SnapshotFileSource[];
}

/** Ops a group may hold: records, and checkpoints written once the group is durable. */
export function isGroupable(op: PersistOp): boolean {
  return op.type === 'txns' || op.type === 'truncate' || op.type === 'checkpoint';
}

/** Frames the records of a groupable batch's ops; the zxids of the first and last txn. */
export function frameRecords(
  ops: readonly PersistOp[],
  records: RecordBatch,
): { firstTxnZxid: bigint | null; lastTxnZxid: bigint | null } {
  let firstTxnZxid: bigint | null = null;
  let lastTxnZxid: bigint | null = null;
  for (const op of ops) {
    if (op.type === 'txns') {
      for (const txn of op.txns) records.appendTxn(txn);
      firstTxnZxid ??= op.txns[0]?.zxid ?? null;
      lastTxnZxid = op.txns.at(-1)?.zxid ?? lastTxnZxid;
    } else if (op.type === 'truncate') {
      records.append({ type: 'truncate', afterZxid: op.afterZxid });
    }
  }
  return { firstTxnZxid, lastTxnZxid };
}

/**
 * Runs a callback now; if it throws (the caller's bug), the error surfaces as an uncaught
 * exception, as it would from any I/O callback, instead of stopping the queue of batches.
 */
export function callGuarded(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    setImmediate(() => {
      throw error;
    });
  }
}
