// What a data directory holds, by name and header only (no records read): its snapshots, newest
// first, and its log segments in seq order — in zoo.cfg's dataLogDir when one is given, as
// ZooKeeper keeps its txn log there and its snapshots in dataDir. Recovery and purge start here.

import { basename, join } from 'node:path';
import type { Logger } from '../../runtime/env.js';
import { CorruptDataDirError } from './disk-errors.js';
import type { DiskFs } from './disk-fs.js';
import { findFrameAfter } from './record-frame.js';
import {
  decodeSegmentHeader,
  segmentHeaderBytesMax,
  segmentName,
  segmentSeqOf,
  type SegmentHeader,
} from './segment-file.js';
import { snapshotZxidOf } from './snapshot-file.js';

/** Where a member's files live: snapshots and epochs in `dataDir`, log segments in `logDir`. */
export interface DataDirs {
  dataDir: string;
  /** zoo.cfg's dataLogDir; the same as dataDir when none is given. */
  logDir: string;
}

/** The directories of a member that keeps everything in one. */
export function oneDataDir(dataDir: string): DataDirs {
  return { dataDir, logDir: dataDir };
}

export interface DataDirListing {
  /** Newest first. */
  snapshotZxids: bigint[];
  /** In seq order, contiguous. */
  segments: SegmentHeader[];
}

/**
 * Lists the directory. A last segment whose header a crash cut short is removed (it holds no
 * record); a bad header elsewhere, or a gap in the seqs, is corruption. With `isLive` (a running
 * member's log may be creating that segment right now) such a segment is only left out.
 */
export async function listDataDir(
  disk: DiskFs,
  dirs: DataDirs,
  options: { logger: Logger; isLive?: boolean },
): Promise<DataDirListing> {
  const { logger, isLive = false } = options;
  const names = await disk.readdir(dirs.dataDir);
  const logNames = dirs.logDir === dirs.dataDir ? names : await disk.readdir(dirs.logDir);
  const logDir = dirs.logDir;
  const snapshotZxids = names
    .map(snapshotZxidOf)
    .filter((zxid) => zxid !== null)
    .sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const seqs = logNames
    .map(segmentSeqOf)
    .filter((seq) => seq !== null)
    .sort((a, b) => a - b);
  const segments: SegmentHeader[] = [];
  for (const [index, seq] of seqs.entries()) {
    const header = await readHeader(disk, logDir, seq);
    if (header !== null) {
      segments.push(header);
      continue;
    }
    if (index !== seqs.length - 1) {
      throw new CorruptDataDirError(segmentName(seq), 'unreadable header before other segments');
    }
    if (isLive) continue;
    await removeTornSegment(disk, join(logDir, segmentName(seq)), logger);
  }
  segments.forEach((header, index) => {
    const previous = segments[index - 1];
    if (previous !== undefined && header.seq !== previous.seq + 1) {
      throw new CorruptDataDirError(segmentName(previous.seq + 1), 'missing between segments');
    }
  });
  return { snapshotZxids, segments };
}

/**
 * The last segment's header is bad. A crash while creating it leaves no record behind it (the
 * header is made durable before any record is written): remove it. A valid record behind a bad
 * header is a corrupt header instead, and refused.
 */
async function removeTornSegment(disk: DiskFs, path: string, logger: Logger): Promise<void> {
  const file = basename(path);
  const found = findFrameAfter(await disk.readFile(path), 0);
  if (found !== null) {
    throw new CorruptDataDirError(file, 'a bad header before valid records', found);
  }
  logger.warn(`data dir: removing ${file}, whose creation a crash interrupted`);
  await disk.unlink(path);
}

async function readHeader(
  disk: DiskFs,
  logDir: string,
  seq: number,
): Promise<SegmentHeader | null> {
  const file = segmentName(seq);
  const fd = await disk.open(join(logDir, file), 'r');
  let bytes: Buffer;
  try {
    bytes = await disk.read(fd, segmentHeaderBytesMax, 0);
  } finally {
    await disk.close(fd);
  }
  let header: SegmentHeader;
  try {
    header = decodeSegmentHeader(bytes, file).header;
  } catch (error) {
    if (error instanceof CorruptDataDirError) return null;
    throw error;
  }
  if (header.seq !== seq) throw new CorruptDataDirError(file, `header says seq ${header.seq}`);
  return header;
}

/** The index of the segment that starts the line following snapshot `baseZxid`, or null. */
export function lineStartOf(
  segments: readonly SegmentHeader[],
  baseZxid: bigint | null,
): number | null {
  for (let index = segments.length - 1; index >= 0; index--) {
    const header = segments[index];
    if (header?.startsLine === true && header.baseZxid === baseZxid) return index;
  }
  return null;
}
