// Writes a data directory through the real DiskTxnLog for recovery's tests: open (after
// recover, as a member does), persist batches, close.

import type { PersistOp } from '../../../core/replication/replication.js';
import { DiskTxnLog, type DiskTxnLogOptions } from '../disk-txn-log.js';
import { recover } from '../recover.js';
import { recordingLogger } from './disk-fixtures.js';

export async function openDiskLog(
  dataDir: string,
  options: Partial<Omit<DiskTxnLogOptions, 'dataDir' | 'resume'>> = {},
): Promise<DiskTxnLog> {
  const logger = options.logger ?? recordingLogger();
  const logDir = options.logDir === undefined ? {} : { logDir: options.logDir };
  const recovered = await recover(dataDir, { logger, ...logDir });
  return DiskTxnLog.open({
    dataDir,
    resume: recovered.resume,
    logger,
    onFatal: (error) => {
      throw error;
    },
    segmentBytes: 64 * 1024,
    ...options,
  });
}

export function persist(log: DiskTxnLog, ops: PersistOp[]): Promise<bigint | null> {
  return new Promise((resolve) => log.write(ops, resolve));
}

/** Opens the directory's log, persists each batch, and closes it. */
export async function writeDataDir(
  dataDir: string,
  batches: PersistOp[][],
  options: Partial<Omit<DiskTxnLogOptions, 'dataDir' | 'resume'>> = {},
): Promise<void> {
  const log = await openDiskLog(dataDir, options);
  for (const ops of batches) await persist(log, ops);
  await log.close();
}
