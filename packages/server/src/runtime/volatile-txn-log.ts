// The txn log of a member that keeps its state in memory only (no data directory): a write is
// "durable" at once and nothing is kept, because nothing will ever read it back — such a member
// restarts empty, as if its disk were lost, and catches up from its leader. Keeping the txns
// would only grow the heap (a MemoryTxnLog is for tests and the simulator, whose restarts do
// read their in-memory "disk").

import type { PersistOp } from '../core/replication/replication.js';
import type { TxnLog } from './env.js';

export class VolatileTxnLog implements TxnLog {
  write(ops: readonly PersistOp[], done: (lastTxnZxid: bigint | null) => void): void {
    let lastTxnZxid: bigint | null = null;
    for (const op of ops) {
      if (op.type === 'txns') lastTxnZxid = op.txns.at(-1)?.zxid ?? lastTxnZxid;
      // Nothing reads a snapshot back: let the tree stop keeping copies for it.
      if (op.type === 'checkpoint' || op.type === 'snapshot') op.snapshot.abandon();
    }
    done(lastTxnZxid);
  }

  async close(): Promise<void> {}
}
