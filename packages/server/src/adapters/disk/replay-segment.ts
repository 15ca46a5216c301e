// Reads one segment's records onto the recovering log, telling a torn tail (a bad record that
// only zeros or garbage follow, in the last segment: a write a crash cut short) from corruption
// (a bad record with valid records after it, or anywhere but the end): the first is cut off,
// the second refused.

import type { Txn } from '../../core/tree/txn.js';
import { CorruptDataDirError } from './disk-errors.js';
import { decodeLogRecord, peekLogRecord, replayRecord } from './log-record.js';
import { findFrameAfter, frameAt } from './record-frame.js';
import { decodeSegmentHeader } from './segment-file.js';

/** Where a segment's records end, and why (null: only zeros follow, or the file ends). */
export interface SegmentEnd {
  offsetBytes: number;
  /** What is wrong with the bytes there (a torn tail, to cut off), or null. */
  tornBy: string | null;
}

export interface ReplayOptions {
  log: Txn[];
  isLast: boolean;
  /** Filled in as the segment is read. */
  seen?: ReplaySeen;
  /**
   * Txns up to this zxid (a snapshot's) are passed over undecoded: the snapshot holds them.
   * Truncations still apply to what was kept, which gives what replaying all of them would.
   */
  skipThrough?: bigint | null;
}

/**
 * Appends the segment's txns to `log` (and applies its truncations). Returns where the records
 * end, with the torn tail to cut off there, if any.
 */
export function replaySegment(bytes: Buffer, file: string, options: ReplayOptions): SegmentEnd {
  let offset = decodeSegmentHeader(bytes, file).recordsOffset;
  for (;;) {
    const frame = frameAt(bytes, offset);
    if (frame.type === 'record') {
      // The place goes in as arguments: spreading `options` into a new object per record cost
      // more than the rest of the loop together (a CPU profile of a 1M-znode recovery).
      replayPayload(frame.payload, options, file, offset);
      offset = frame.nextOffset;
      continue;
    }
    const validAfter = findFrameAfter(bytes, offset);
    if (validAfter !== null) {
      const problem = frame.type === 'end' ? 'zeros' : frame.problem;
      throw new CorruptDataDirError(
        file,
        `${problem}, followed by a valid record at byte ${validAfter}`,
        offset,
      );
    }
    if (frame.type === 'end') return { offsetBytes: offset, tornBy: null };
    if (!options.isLast) {
      throw new CorruptDataDirError(file, `${frame.problem} in a segment before the last`, offset);
    }
    return { offsetBytes: offset, tornBy: frame.problem };
  }
}

/** Filled in with the zxid of the first txn record a segment holds. */
export interface ReplaySeen {
  /** The zxid of the segment's first txn record, or null. */
  firstZxid: bigint | null;
  /** A txn passed over had exactly the skipThrough zxid: the log reaches the snapshot. */
  reachedSkipEnd: boolean;
}

/** Replays the record whose payload starts at `offset` of `file` (for the error message). */
function replayPayload(payload: Buffer, where: ReplayOptions, file: string, offset: number): void {
  let problem: string | null;
  try {
    const { type, zxid } = peekLogRecord(payload);
    const seen = where.seen;
    if (type === 'txn' && seen !== undefined) seen.firstZxid ??= zxid;
    const skipThrough = where.skipThrough ?? null;
    if (type === 'txn' && skipThrough !== null && zxid <= skipThrough) {
      if (zxid === skipThrough && seen !== undefined) seen.reachedSkipEnd = true;
      return;
    }
    problem = replayRecord(where.log, decodeLogRecord(payload));
  } catch (error) {
    // The checksum matched, so these bytes were written as they are: a bug or a newer format.
    problem = `a record that checks but does not decode: ${String(error)}`;
  }
  if (problem !== null) throw new CorruptDataDirError(file, problem, offset);
}
