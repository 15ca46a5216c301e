// The data-directory inspector's one read of a directory (zoo-data): every file named and read,
// every checksum and record checked, nothing written — not even the repairs recovery makes —
// and no lock taken, so it runs beside a live member. Problems are collected, not thrown. With
// zoo.cfg's dataLogDir the segments are read from there, snapshots and epochs from the dir.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Txn } from '../../core/tree/txn.js';
import { CorruptDataDirError } from './disk-errors.js';
import { nodeDiskFs } from './disk-fs.js';
import { lockFileName } from './data-dir-lock.js';
import { epochsFileName, isNotFound, readEpochs, type Epochs } from './epochs-file.js';
import { scanSegment, type SegmentScan } from './inspect-segment.js';
import { replayRecord } from './log-record.js';
import { segmentName, segmentSeqOf } from './segment-file.js';
import { readSnapshot, snapshotName, snapshotZxidOf, type SnapshotFile } from './snapshot-file.js';

export interface SegmentReport extends SegmentScan {
  file: string;
  seq: number;
  sizeBytes: number;
  /** The zxids of its first and last txn records (null: none). */
  firstZxid: bigint | null;
  lastZxid: bigint | null;
}

export interface SnapshotReport {
  file: string;
  zxid: bigint;
  sizeBytes: number;
  /** The decoded file, or null when it failed its checksum or validation (see `problems`). */
  content: SnapshotFile | null;
}

/** `corrupt`: recovery would refuse; `torn`: recovery would cut it off and go on. */
export interface Problem {
  severity: 'corrupt' | 'torn';
  file: string;
  message: string;
}

export interface DataDirReport {
  dir: string;
  /** Where the log segments were read (zoo.cfg's dataLogDir); `dir` when the same. */
  logDir: string;
  /** Null when the file is unreadable (see `problems`); zeros when there is none. */
  epochs: Epochs | null;
  /** The pid in the lock file, or null without one. */
  lockPid: number | null;
  /** Newest first. */
  snapshots: SnapshotReport[];
  /** In seq order. */
  segments: SegmentReport[];
  /** Files that are neither (a temp file a crash left, which recovery removes). */
  otherFiles: string[];
  problems: Problem[];
}

export async function inspectDataDir(dir: string, logDir = dir): Promise<DataDirReport> {
  const names = await readdir(dir);
  const logNames = logDir === dir ? names : await readdir(logDir);
  const problems: Problem[] = [];
  const snapshots = await inspectSnapshots(dir, names, problems);
  const segments = await inspectSegments(logDir, logNames, problems);
  checkLines(segments, problems);
  const known = new Set([...snapshots, ...segments].map((report) => report.file));
  known.add(epochsFileName).add(lockFileName);
  const others = new Set([...names, ...logNames].filter((name) => !known.has(name)));
  return {
    dir,
    logDir,
    epochs: await inspectEpochs(dir, problems),
    lockPid: await readLockPid(dir),
    snapshots,
    segments,
    otherFiles: [...others].sort(),
    problems,
  };
}

async function inspectSnapshots(
  dir: string,
  names: readonly string[],
  problems: Problem[],
): Promise<SnapshotReport[]> {
  const zxids = names.map(snapshotZxidOf).filter((zxid) => zxid !== null);
  zxids.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const reports: SnapshotReport[] = [];
  for (const zxid of zxids) {
    const file = snapshotName(zxid);
    let content: SnapshotFile | null = null;
    let sizeBytes: number;
    try {
      sizeBytes = (await stat(join(dir, file))).size;
      content = await readSnapshot(nodeDiskFs, dir, zxid);
    } catch (error) {
      if (isNotFound(error)) continue; // A live member's retention removed it meanwhile.
      if (!(error instanceof CorruptDataDirError)) throw error;
      problems.push({ severity: 'corrupt', file, message: error.message });
      sizeBytes = (await stat(join(dir, file))).size;
    }
    reports.push({ file, zxid, sizeBytes, content });
  }
  return reports;
}

async function inspectSegments(
  dir: string,
  names: readonly string[],
  problems: Problem[],
): Promise<SegmentReport[]> {
  const seqs = names.map(segmentSeqOf).filter((seq) => seq !== null);
  seqs.sort((a, b) => a - b);
  const reports: SegmentReport[] = [];
  for (const [index, seq] of seqs.entries()) {
    const file = segmentName(seq);
    const bytes = await readFile(join(dir, file)).catch((error: unknown) => {
      if (isNotFound(error)) return null; // A live member's retention removed it meanwhile.
      throw error;
    });
    if (bytes === null) continue;
    const scan = scanSegment(bytes, file, index === seqs.length - 1);
    const txnZxids = scan.records.flatMap(({ record }) =>
      record.type === 'txn' ? [record.txn.zxid] : [],
    );
    const report: SegmentReport = {
      ...scan,
      file,
      seq,
      sizeBytes: bytes.length,
      firstZxid: txnZxids[0] ?? null,
      lastZxid: txnZxids.at(-1) ?? null,
    };
    reports.push(report);
    if (scan.header !== null && scan.header.seq !== seq) {
      const message = `${file}: its header says seq ${scan.header.seq}`;
      problems.push({ severity: 'corrupt', file, message });
    }
    if (scan.end.type !== 'clean') {
      const { type: severity, offsetBytes, problem } = scan.end;
      problems.push({ severity, file, message: `${file} at byte ${offsetBytes}: ${problem}` });
    }
  }
  return reports;
}

/**
 * Across segments: no seq missing, and within each line of the log the txns replay in zxid
 * order (truncations applied), as recovery replays them.
 */
function checkLines(segments: readonly SegmentReport[], problems: Problem[]): void {
  let line: Txn[] = [];
  /** After a problem, the rest of its line proves nothing more: one report is enough. */
  let isLineBroken = false;
  for (const [index, segment] of segments.entries()) {
    const previous = segments[index - 1];
    if (previous !== undefined && segment.seq !== previous.seq + 1) {
      const file = segmentName(previous.seq + 1);
      problems.push({ severity: 'corrupt', file, message: `${file}: missing between segments` });
    }
    if (segment.header?.startsLine !== false) {
      line = [];
      isLineBroken = false;
    }
    for (const { offsetBytes, record } of isLineBroken ? [] : segment.records) {
      const problem = replayRecord(line, record);
      if (problem === null) continue;
      const message = `${segment.file} at byte ${offsetBytes}: ${problem}`;
      problems.push({ severity: 'corrupt', file: segment.file, message });
      isLineBroken = true;
      break;
    }
  }
}

async function inspectEpochs(dir: string, problems: Problem[]): Promise<Epochs | null> {
  try {
    return await readEpochs(nodeDiskFs, dir);
  } catch (error) {
    if (!(error instanceof CorruptDataDirError)) throw error;
    problems.push({ severity: 'corrupt', file: error.file, message: error.message });
    return null;
  }
}

async function readLockPid(dir: string): Promise<number | null> {
  const text = await readFile(join(dir, lockFileName), 'utf8').catch(() => null);
  const pid = Number.parseInt(text ?? '', 10);
  return Number.isSafeInteger(pid) ? pid : null;
}
