// Reads one segment's records onto the recovering log, telling a torn tail (a bad record that
// only zeros or garbage follow, in the last segment: a write a crash cut short) from corruption
// (a bad record with valid records after it, or anywhere but the end): the first is cut off,
// the second refused.

import type { Txn } from '../../core/tree/txn.js';
import { CorruptDataDirError } from './disk-errors.js';
import { decodeLogRecord, isTxnRecord, replayRecord } from './log-record.js';
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
  const skip = skipBoundOf(options.skipThrough);
  for (;;) {
    const frame = frameAt(bytes, offset);
    if (frame.type === 'record') {
      // The place goes in as arguments: spreading `options` into a new object per record cost
      // more than the rest of the loop together (a CPU profile of a 1M-znode recovery).
      replayPayload(frame.payload, options, skip, file, offset);
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

/**
 * skipThrough as the two 32-bit halves a record's big-endian zxid is compared by: a segment
 * mostly holds txns a snapshot already has, and a BigInt (and an object) per record passed over
 * cost more than its checksum.
 */
export interface SkipBound {
  zxid: bigint;
  high: number;
  low: number;
}

export function skipBoundOf(zxid: bigint | null | undefined): SkipBound | null {
  if (zxid === null || zxid === undefined) return null;
  const high = Number(BigInt.asIntN(32, zxid >> 32n));
  return { zxid, high, low: Number(BigInt.asUintN(32, zxid)) };
}

/**
 * Replays the record whose payload is `payload`, at `offset` of `file` (for the message when it
 * is refused). Arguments, not an object: the loop runs once per record of the log.
 */
export function replayPayload(
  payload: Buffer,
  where: ReplayOptions,
  skip: SkipBound | null,
  file: string,
  offset: number,
): void {
  let problem: string | null;
  try {
    if (isTxnRecord(payload)) {
      const seen = where.seen;
      if (seen !== undefined && seen.firstZxid === null) seen.firstZxid = payload.readBigInt64BE(1);
      const order = skip === null ? 1 : compareZxidTo(payload, skip);
      if (order <= 0) {
        if (order === 0 && seen !== undefined) seen.reachedSkipEnd = true;
        return;
      }
    }
    problem = replayRecord(where.log, decodeLogRecord(payload));
  } catch (error) {
    // The checksum matched, so these bytes were written as they are: a bug or a newer format.
    problem = `a record that checks but does not decode: ${String(error)}`;
  }
  if (problem !== null) throw new CorruptDataDirError(file, problem, offset);
}

/** The sign of (the txn record's zxid − skip's zxid). */
function compareZxidTo(payload: Buffer, skip: SkipBound): number {
  const high = payload.readInt32BE(1);
  if (high !== skip.high) return high < skip.high ? -1 : 1;
  const low = payload.readUInt32BE(5);
  return low === skip.low ? 0 : low < skip.low ? -1 : 1;
}
