// The in-memory txn log of an embedded server with no data directory: every append is
// "durable" at once, so the core's self-ACK follows in the same loop turn.

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../core/txn.js';
import type { TxnLog } from './env.js';

export class MemoryTxnLog implements TxnLog {
  private lastZxid = 0n;

  append(txns: readonly Txn[], done: (upTo: bigint) => void): void {
    for (const txn of txns) {
      assert(
        txn.zxid > this.lastZxid,
        () => `txn 0x${txn.zxid.toString(16)} appended out of order`,
      );
      this.lastZxid = txn.zxid;
    }
    done(this.lastZxid);
  }

  async close(): Promise<void> {}
}
