// A member's data directory opened for use, in the one safe order: lock it, recover what it
// holds, then open the txn log after it. What startServer / startCluster will call to boot a
// member from disk (DurableState and the Peer's recovered snapshot come from `recovered`).
// With zoo.cfg's dataLogDir the log segments live there, and that directory is locked too.

import type { Logger } from '../../runtime/env.js';
import { lockDataDir, type DataDirLock, type LockOptions } from './data-dir-lock.js';
import type { DataDirs } from './data-dir-listing.js';
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
  /** zoo.cfg's dataLogDir: where the log segments go (dataDir when unset). */
  logDir?: string;
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
  const dirs: DataDirs = { dataDir, logDir: options.logDir ?? dataDir };
  const lock = await lockDirs(dirs, options.lock);
  try {
    const recovered = await recover(dataDir, { logger, logDir: dirs.logDir, ...disk });
    const txnLog = await DiskTxnLog.open({
      dataDir,
      logDir: dirs.logDir,
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
      purge: (retainCount) => purge(dirs, retainCount, { logger, ...disk }),
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

/** Locks dataDir, and the log's directory when it is another one (both, or neither). */
async function lockDirs(dirs: DataDirs, options: LockOptions | undefined): Promise<DataDirLock> {
  const dataLock = await lockDataDir(dirs.dataDir, options);
  if (dirs.logDir === dirs.dataDir) return dataLock;
  let logLock: DataDirLock;
  try {
    logLock = await lockDataDir(dirs.logDir, options);
  } catch (error) {
    await dataLock.release();
    throw error;
  }
  return {
    dataDir: dirs.dataDir,
    async release() {
      try {
        await logLock.release();
      } finally {
        await dataLock.release();
      }
    },
  };
}
