// Retention: keeps the newest `retainCount` snapshots and the log segments recovery needs from
// the oldest of them on (from its fromSeq); older snapshots and segments are removed, oldest
// segment first, so a crash midway leaves the remaining segments contiguous. Safe beside a
// running member's log: it never touches the segment being written. ZooKeeper: PurgeTxnLog.

import { join } from 'node:path';
import type { Logger } from '../../runtime/env.js';
import { listDataDir, oneDataDir, type DataDirs } from './data-dir-listing.js';
import { fsyncDirectory, nodeDiskFs, type DiskFs } from './disk-fs.js';
import { segmentName } from './segment-file.js';
import { readSnapshotFromSeq, snapshotName } from './snapshot-file.js';

export interface PurgeOptions {
  logger: Logger;
  fs?: DiskFs;
}

/**
 * Returns the names of the files removed: snapshots from dataDir, segments from the log's
 * directory (dataLogDir). Run it holding the directories' locks.
 */
export async function purge(
  where: string | DataDirs,
  retainCount: number,
  options: PurgeOptions,
): Promise<string[]> {
  const dirs = typeof where === 'string' ? oneDataDir(where) : where;
  const { dataDir, logDir } = dirs;
  if (!Number.isSafeInteger(retainCount) || retainCount < 1) {
    throw new RangeError(`retainCount must be at least 1, got ${retainCount}`);
  }
  const disk = options.fs ?? nodeDiskFs;
  const listing = await listDataDir(disk, dirs, { logger: options.logger, isLive: true });
  const { snapshotZxids, segments } = listing;
  const oldestKept = snapshotZxids[retainCount - 1];
  // Fewer snapshots than retained: the log from the empty tree is a fallback too, keep it all.
  if (oldestKept === undefined) return [];
  // A head that does not check cannot say which segments it needs: keep them all.
  const fromSeq = await readSnapshotFromSeq(disk, dataDir, oldestKept);
  const removedSegments =
    fromSeq === null ? [] : segments.filter((s) => s.seq < fromSeq).map((s) => segmentName(s.seq));
  const removedSnapshots = snapshotZxids.slice(retainCount).map(snapshotName);
  for (const name of removedSegments) await disk.unlink(join(logDir, name));
  for (const name of removedSnapshots) await disk.unlink(join(dataDir, name));
  const changed = new Set<string>();
  if (removedSegments.length > 0) changed.add(logDir);
  if (removedSnapshots.length > 0) changed.add(dataDir);
  for (const dir of changed) await fsyncDirectory(disk, dir);
  const removed = [...removedSegments, ...removedSnapshots];
  if (removed.length > 0) {
    options.logger.info(`data dir ${dataDir}: purged ${removed.join(', ')}`);
  }
  return removed;
}
