// A member's data directory opened for use, in the one safe order: lock it, recover what it
// holds, then open the txn log after it. What startServer / startCluster will call to boot a
// member from disk (DurableState and the Peer's recovered snapshot come from `recovered`).

import type { Logger } from '../../runtime/env.js';
import { lockDataDir, type LockOptions } from './data-dir-lock.js';
import type { DiskFs } from './disk-fs.js';
import { DiskTxnLog } from './disk-txn-log.js';
import { purge } from './purge.js';
import { recover, type RecoveredState } from './recover.js';

export interface OpenDataDirOptions {
  logger: Logger;
  /** A write or fsync failed: stop acknowledging (see DiskTxnLogOptions.onFatal). */
  onFatal: (error: Error) => void;
  fs?: DiskFs;
  segmentBytes?: number;
  lock?: LockOptions;
  /** See DiskTxnLogOptions.afterSnapshot. */
  afterSnapshot?: () => Promise<void>;
}

export interface OpenDataDir {
  recovered: RecoveredState;
  txnLog: DiskTxnLog;
  /** Keeps the newest `retainCount` snapshots and the log they need. */
  purge(retainCount: number): Promise<string[]>;
  /** Closes the log (after the batches already written) and releases the lock. */
  close(): Promise<void>;
}

export async function openDataDir(
  dataDir: string,
  options: OpenDataDirOptions,
): Promise<OpenDataDir> {
  const { logger, fs } = options;
  const disk = fs === undefined ? {} : { fs };
  const lock = await lockDataDir(dataDir, options.lock);
  try {
    const recovered = await recover(dataDir, { logger, ...disk });
    const txnLog = await DiskTxnLog.open({
      dataDir,
      resume: recovered.resume,
      onFatal: options.onFatal,
      logger,
      ...disk,
      ...(options.segmentBytes === undefined ? {} : { segmentBytes: options.segmentBytes }),
      ...(options.afterSnapshot === undefined ? {} : { afterSnapshot: options.afterSnapshot }),
    });
    return {
      recovered,
      txnLog,
      purge: (retainCount) => purge(dataDir, retainCount, { logger, ...disk }),
      async close() {
        try {
          await txnLog.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
