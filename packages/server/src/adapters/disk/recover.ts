// Recovery of a member's durable state from its data directory: the epochs, the newest snapshot
// that passes its checksum, and the txn log after it. A torn tail is cut off and reported; a
// state the files cannot prove (corruption inside the log, no readable snapshot with a complete
// log after it) throws CorruptDataDirError. Call it holding the directory's lock.

import { join } from 'node:path';
import type { RestorableSnapshot } from '../../core/tree/tree-snapshot.js';
import type { Txn } from '../../core/tree/txn.js';
import type { Logger } from '../../runtime/env.js';
import { listDataDir, lineStartOf, type DataDirListing } from './data-dir-listing.js';
import { CorruptDataDirError } from './disk-errors.js';
import { nodeDiskFs, type DiskFs } from './disk-fs.js';
import { readEpochs, type Epochs } from './epochs-file.js';
import { FileWindow } from './file-window.js';
import { replayStreamed } from './replay-segment-stream.js';
import {
  replaySegment,
  type ReplayOptions,
  type ReplaySeen,
  type SegmentEnd,
} from './replay-segment.js';
import { segmentName, segmentPath, type SegmentHeader } from './segment-file.js';
import { snapshotName } from './snapshot-file.js';
import { restoreSnapshotFile } from './snapshot-file-stream.js';

/** Where DiskTxnLog goes on writing: its next segment's seq and the line that segment is in. */
export interface LogResume {
  nextSeq: number;
  baseZxid: bigint | null;
  /** True when the next segment starts the line (no segment of it exists yet). */
  startsLine: boolean;
  /**
   * The current line's segments read by recovery, oldest first, each with the zxid of the first
   * txn written into it (null: none): where a later checkpoint finds the segment holding a txn.
   */
  lineSegments: LineSegment[];
}

export interface LineSegment {
  seq: number;
  firstZxid: bigint | null;
}

/** What a member boots from (zab-types.ts DurableState plus the Peer's recovered snapshot). */
export interface RecoveredState extends Epochs {
  snapshot: RestorableSnapshot | null;
  /** The txns logged after the snapshot, oldest first. */
  log: Txn[];
  resume: LogResume;
  /** Every repair made and every fallback taken, as also logged. */
  repairs: string[];
}

export interface RecoverOptions {
  logger: Logger;
  fs?: DiskFs;
  /** Where the log segments are (zoo.cfg's dataLogDir); dataDir when unset. */
  logDir?: string;
}

export async function recover(dataDir: string, options: RecoverOptions): Promise<RecoveredState> {
  const disk = options.fs ?? nodeDiskFs;
  const { logger } = options;
  const repairs: string[] = [];
  const report = (message: string): void => {
    logger.warn(`data dir ${dataDir}: ${message}`);
    repairs.push(message);
  };
  const logDir = options.logDir ?? dataDir;
  await disk.mkdir(dataDir);
  if (logDir !== dataDir) await disk.mkdir(logDir);
  for (const name of await disk.readdir(dataDir)) {
    // A snapshot or epochs file whose write a crash interrupted before its rename.
    if (/^(snapshot\.[0-9a-f]{16}|epochs)\.tmp$/.test(name)) {
      await disk.unlink(join(dataDir, name));
    }
  }
  const epochs = await readEpochs(disk, dataDir);
  const listing = await listDataDir(disk, { dataDir, logDir }, { logger });
  const window = new FileWindow(disk);
  const base = await newestReadableSnapshot({ disk, dataDir, listing, window }, report);
  const context = { disk, dataDir, logDir, listing, report, window };
  const { log, resume } = await replayLog(context, base);
  const baseText = base.snapshot === null ? 'the empty tree' : snapshotName(base.snapshot.zxid);
  logger.info(`data dir ${dataDir}: recovered ${baseText} and ${log.length} txns after it`);
  return { ...epochs, snapshot: base.snapshot, log, resume, repairs };
}

interface Base {
  snapshot: RestorableSnapshot | null;
  /** The snapshot file's fromSeq (null without a snapshot). */
  fromSeq: number | null;
  /** True when a newer snapshot file exists but failed its checksum or validation. */
  isFallback: boolean;
}

interface ReplayContext {
  disk: DiskFs;
  dataDir: string;
  logDir: string;
  listing: DataDirListing;
  report: (message: string) => void;
  /** The one buffer every segment is read through. */
  window: FileWindow;
}

async function newestReadableSnapshot(
  context: Omit<ReplayContext, 'report' | 'logDir'>,
  report: (message: string) => void,
): Promise<Base> {
  const { snapshotZxids } = context.listing;
  for (const [index, zxid] of snapshotZxids.entries()) {
    try {
      const { snapshot, fromSeq } = await restoreSnapshotFile(context, zxid);
      return { snapshot, fromSeq, isFallback: index > 0 };
    } catch (error) {
      if (!(error instanceof CorruptDataDirError)) throw error;
      report(`${error.message}; trying an older snapshot`);
    }
  }
  return { snapshot: null, fromSeq: null, isFallback: snapshotZxids.length > 0 };
}

async function replayLog(
  context: ReplayContext,
  base: Base,
): Promise<{ log: Txn[]; resume: LogResume }> {
  const { segments } = context.listing;
  const baseZxid = base.snapshot?.zxid ?? null;
  const start = startOf(segments, base);
  const last = segments.at(-1);
  const nextSeq = last === undefined ? 0 : last.seq + 1;
  if (start === null) {
    // The newest snapshot whose log never started (a crash between the two), or a new directory.
    const neverStarted = baseZxid === null ? segments.length === 0 : base.fromSeq === nextSeq;
    if (!base.isFallback && neverStarted) {
      return { log: [], resume: { nextSeq, baseZxid, startsLine: true, lineSegments: [] } };
    }
    const name = baseZxid === null ? 'the empty tree' : snapshotName(baseZxid);
    throw new CorruptDataDirError(
      baseZxid === null ? segmentName(0) : snapshotName(baseZxid),
      `no readable snapshot has its log: the log from ${name} is gone`,
    );
  }
  const log: Txn[] = [];
  let lineSegments: LineSegment[] = [];
  const first = segments[start];
  // Replay from inside a line (a checkpoint's fromSeq) passes over the snapshot's own txns.
  const startsAtSnapshot = first?.startsLine === true && first.baseZxid === baseZxid;
  const skipThrough = startsAtSnapshot ? null : baseZxid;
  let reachesSnapshot = startsAtSnapshot;
  for (let index = start; index < segments.length; index++) {
    const header = segments[index];
    if (header === undefined) continue;
    if (index > start && header.startsLine) {
      crossLineStart(header, log, baseZxid, context);
      lineSegments = [];
    }
    const seen: ReplaySeen = { firstZxid: null, reachedSkipEnd: false };
    const isLast = index === segments.length - 1;
    await replayOne(context, header, { log, isLast, seen, skipThrough });
    reachesSnapshot ||= seen.reachedSkipEnd;
    lineSegments.push({ seq: header.seq, firstZxid: seen.firstZxid });
  }
  if (baseZxid !== null) checkAfterSnapshot(log, baseZxid, { first, reachesSnapshot });
  const resumeZxid = last?.baseZxid ?? null;
  return { log, resume: { nextSeq, baseZxid: resumeZxid, startsLine: false, lineSegments } };
}

/** Where replay starts: the snapshot's fromSeq, or the line from the empty tree. */
function startOf(segments: readonly SegmentHeader[], base: Base): number | null {
  if (base.snapshot === null) return lineStartOf(segments, null);
  const index = segments.findIndex((header) => header.seq === base.fromSeq);
  return index < 0 ? null : index;
}

/**
 * The log must continue the snapshot: a line that starts at it holds nothing from before it,
 * and replay from inside a line must have passed the snapshot's own zxid on its way.
 */
function checkAfterSnapshot(
  log: readonly Txn[],
  zxid: bigint,
  replay: { first: SegmentHeader | undefined; reachesSnapshot: boolean },
): void {
  const before = log[0] !== undefined && log[0].zxid <= zxid;
  if (replay.reachesSnapshot && !before) return;
  throw new CorruptDataDirError(
    segmentName(replay.first?.seq ?? 0),
    before
      ? 'txns from before its snapshot'
      : `does not reach ${snapshotName(zxid)}, which names it as its log`,
  );
}

/**
 * A later line starts here: its snapshot is unreadable (else recovery would start from it). A
 * snapshot restarts the log, and the txns before it may be an abandoned branch, so replaying
 * through it proves the state only when the log so far ends exactly at the snapshot's zxid (a
 * zxid names one proposal of one epoch's one leader).
 */
function crossLineStart(
  header: SegmentHeader,
  log: readonly Txn[],
  baseZxid: bigint | null,
  context: ReplayContext,
): void {
  const reached = log.at(-1)?.zxid ?? baseZxid ?? 0n;
  const file = segmentName(header.seq);
  const snapshot = header.baseZxid === null ? 'the empty tree' : snapshotName(header.baseZxid);
  if (reached !== header.baseZxid) {
    throw new CorruptDataDirError(
      file,
      `starts after ${snapshot}, which is unreadable, and the log before it ends at ` +
        `0x${reached.toString(16)}: no readable snapshot has a complete log`,
    );
  }
  context.report(`replayed the log through ${snapshot}, which it reaches exactly`);
}

async function replayOne(
  context: ReplayContext,
  header: SegmentHeader,
  options: ReplayOptions,
): Promise<void> {
  const path = segmentPath(context.logDir, header.seq);
  const file = segmentName(header.seq);
  const end = await replayUsedPart(context, { path, file }, options);
  if (end.tornBy === null) return;
  // Cut the torn record off, so that the next segment does not follow a bad record.
  const fd = await context.disk.open(path, 'r+');
  try {
    await context.disk.ftruncate(fd, end.offsetBytes);
    await context.disk.fdatasync(fd);
  } finally {
    await context.disk.close(fd);
  }
  context.report(`cut a torn tail off ${file} at byte ${end.offsetBytes} (${end.tornBy})`);
}

/**
 * replaySegment streamed through the context's window (replay-segment-stream.ts); when the
 * stream cannot judge the segment's end, the log as it was before and replaySegment on the whole
 * file, which judges a torn tail or corruption exactly.
 */
async function replayUsedPart(
  context: ReplayContext,
  segment: { path: string; file: string },
  options: ReplayOptions,
): Promise<SegmentEnd> {
  const { disk, window } = context;
  const logBefore = options.log.slice();
  const seenBefore = options.seen === undefined ? undefined : { ...options.seen };
  const fd = await disk.open(segment.path, 'r');
  let end: SegmentEnd | null;
  try {
    window.reset(fd);
    end = await replayStreamed(window, segment.file, options);
  } finally {
    await disk.close(fd);
  }
  if (end !== null) return end;
  options.log.length = 0;
  for (const txn of logBefore) options.log.push(txn);
  if (options.seen !== undefined && seenBefore !== undefined) {
    Object.assign(options.seen, seenBefore);
  }
  return replaySegment(await disk.readFile(segment.path), segment.file, options);
}
