// Reads one segment's records onto the recovering log, telling a torn tail (a bad record that
// only zeros or garbage follow, in the last segment: a write a crash cut short) from corruption
// (a bad record with valid records after it, or anywhere but the end): the first is cut off,
// the second refused.

import type { Txn } from '../../core/tree/txn.js';
import { CorruptDataDirError } from './disk-errors.js';
import { decodeLogRecord, replayRecord } from './log-record.js';
import { findFrameAfter, frameAt } from './record-frame.js';
import { decodeSegmentHeader } from './segment-file.js';

export interface TornTail {
  offsetBytes: number;
  problem: string;
}

/**
 * Appends the segment's txns to `log` (and applies its truncations). Returns the torn tail to
 * cut off, or null when the records end cleanly.
 */
export function replaySegment(
  bytes: Buffer,
  file: string,
  options: { log: Txn[]; isLast: boolean; seen?: FirstTxn },
): TornTail | null {
  let offset = decodeSegmentHeader(bytes, file).recordsOffset;
  for (;;) {
    const frame = frameAt(bytes, offset);
    if (frame.type === 'record') {
      replayPayload(frame.payload, { file, offset, log: options.log, seen: options.seen });
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
    if (frame.type === 'end') return null;
    if (!options.isLast) {
      throw new CorruptDataDirError(file, `${frame.problem} in a segment before the last`, offset);
    }
    return { offsetBytes: offset, problem: frame.problem };
  }
}

/** Filled in with the zxid of the first txn record a segment holds. */
export interface FirstTxn {
  zxid: bigint | null;
}

interface ReplayWhere {
  file: string;
  offset: number;
  log: Txn[];
  seen: FirstTxn | undefined;
}

function replayPayload(payload: Buffer, where: ReplayWhere): void {
  let problem: string | null;
  try {
    const record = decodeLogRecord(payload);
    if (record.type === 'txn' && where.seen !== undefined) where.seen.zxid ??= record.txn.zxid;
    problem = replayRecord(where.log, record);
  } catch (error) {
    // The checksum matched, so these bytes were written as they are: a bug or a newer format.
    problem = `a record that checks but does not decode: ${String(error)}`;
  }
  if (problem !== null) throw new CorruptDataDirError(where.file, problem, where.offset);
}
