// Where a member keeps what it acknowledged: a data directory on disk (locked, recovered, then
// logged to with group commit, snapshots and retention), or memory when none is given (the
// embedded default for tests). Either way the member boots from what it finds: the snapshot,
// the epochs and the txns logged after the snapshot.

import type { Logger, TxnLog } from './runtime/env.js';
import { VolatileTxnLog } from './runtime/volatile-txn-log.js';
import type { RestorableSnapshot } from './core/tree/tree-snapshot.js';
import type { DurableState } from './core/zab/zab-types.js';
import { openDataDir } from './adapters/disk/data-dir.js';
import type { DiskFs } from './adapters/disk/disk-fs.js';

/** ZooKeeper's autopurge.snapRetainCount default (and its minimum). */
export const snapRetainCountDefault = 3;

export interface StorageOptions {
  /** The member's data directory; null keeps its state in memory. */
  dataDir: string | null;
  /** zoo.cfg's dataLogDir: the log segments go there, snapshots and epochs stay in dataDir. */
  dataLogDir?: string | null | undefined;
  /** Snapshots kept (with the log they need) after each new one; unset: 3. */
  snapRetainCount?: number | null | undefined;
  logger: Logger;
  /** The disk failed: the member must stop (it acknowledges nothing more). */
  onFatal: (error: Error) => void;
  /** The file system (tests inject failures); node:fs by default. */
  fs?: DiskFs;
}

export interface MemberStorage {
  txnLog: TxnLog;
  /** What replication boots from. */
  durable: DurableState;
  /** The state to install before replication starts (null: the empty tree). */
  recovered: RestorableSnapshot | null;
  /** Where the data lives, for logs and the `dirs`/`conf` words ('' in memory). */
  dataDir: string;
  /** Where the log segments are: dataLogDir, or dataDir ('' in memory). */
  dataLogDir: string;
  close(): Promise<void>;
}

/** Opens the member's storage: without a data directory it starts empty and keeps nothing. */
export async function openMemberStorage(options: StorageOptions): Promise<MemberStorage> {
  if (options.dataDir === null) {
    const volatile = new VolatileTxnLog();
    return {
      txnLog: volatile,
      durable: { acceptedEpoch: 0, currentEpoch: 0, log: [] },
      recovered: null,
      dataDir: '',
      dataLogDir: '',
      close: () => volatile.close(),
    };
  }
  const retainCount = options.snapRetainCount ?? snapRetainCountDefault;
  if (!Number.isSafeInteger(retainCount) || retainCount < 1) {
    throw new RangeError(`snapRetainCount must be at least 1, got ${retainCount}`);
  }
  const { logger } = options;
  let purge: ((count: number) => Promise<string[]>) | null = null;
  const opened = await openDataDir(options.dataDir, {
    logger,
    onFatal: options.onFatal,
    ...(options.dataLogDir == null ? {} : { logDir: options.dataLogDir }),
    ...(options.fs === undefined ? {} : { fs: options.fs }),
    afterSnapshot: async () => {
      await purge?.(retainCount);
    },
  });
  purge = opened.purge;
  const { recovered } = opened;
  return {
    txnLog: opened.txnLog,
    durable: {
      acceptedEpoch: recovered.acceptedEpoch,
      currentEpoch: recovered.currentEpoch,
      log: recovered.log,
      ...(recovered.isRejoining === true ? { isRejoining: true } : {}),
    },
    recovered: recovered.snapshot,
    dataDir: options.dataDir,
    dataLogDir: options.dataLogDir ?? options.dataDir,
    close: () => opened.close(),
  };
}
