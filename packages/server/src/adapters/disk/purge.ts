// Retention: keeps the newest `retainCount` snapshots and the log segments recovery needs from
// the oldest of them on; older snapshots and segments are removed, oldest segment first, so a
// crash midway leaves the remaining segments contiguous. ZooKeeper: PurgeTxnLog.purge.

import { join } from 'node:path';
import type { Logger } from '../../runtime/env.js';
import { lineStartOf, listDataDir } from './data-dir-listing.js';
import { fsyncDirectory, nodeDiskFs, type DiskFs } from './disk-fs.js';
import { segmentName } from './segment-file.js';
import { snapshotName } from './snapshot-file.js';

export interface PurgeOptions {
  logger: Logger;
  fs?: DiskFs;
}

/** Returns the names of the files removed. Run it holding the directory's lock. */
export async function purge(
  dataDir: string,
  retainCount: number,
  options: PurgeOptions,
): Promise<string[]> {
  if (!Number.isSafeInteger(retainCount) || retainCount < 1) {
    throw new RangeError(`retainCount must be at least 1, got ${retainCount}`);
  }
  const disk = options.fs ?? nodeDiskFs;
  const { snapshotZxids, segments } = await listDataDir(disk, dataDir, options.logger);
  const oldestKept = snapshotZxids[retainCount - 1];
  // Fewer snapshots than retained: the log from the empty tree is a fallback too, keep it all.
  if (oldestKept === undefined) return [];
  const lineStart = lineStartOf(segments, oldestKept);
  // Without its line the oldest kept snapshot was the newest when written and its log never
  // started: every segment is older than it, yet a newer corrupt snapshot may need them.
  const removedSegments =
    lineStart === null ? [] : segments.slice(0, lineStart).map((s) => segmentName(s.seq));
  const removedSnapshots = snapshotZxids.slice(retainCount).map(snapshotName);
  const removed = [...removedSegments, ...removedSnapshots];
  for (const name of removed) await disk.unlink(join(dataDir, name));
  if (removed.length > 0) {
    await fsyncDirectory(disk, dataDir);
    options.logger.info(`data dir ${dataDir}: purged ${removed.join(', ')}`);
  }
  return removed;
}
