// Reads one log segment for the data-directory inspector (zoo-data), read-only and without
// stopping at trouble: every record that checks, and how the records end — cleanly, in a torn
// tail (what recovery would cut off), or in corruption (what recovery would refuse).

import { CorruptDataDirError } from './disk-errors.js';
import { decodeLogRecord, type LogRecord } from './log-record.js';
import { findFrameAfter, frameAt } from './record-frame.js';
import { decodeSegmentHeader, type SegmentHeader } from './segment-file.js';

export interface SegmentRecord {
  offsetBytes: number;
  record: LogRecord;
}

/** Where and how a segment's records end. */
export type SegmentEnd =
  /** Zeros (preallocated space) or the end of the file, at `offsetBytes`. */
  | { type: 'clean'; offsetBytes: number }
  /** A bad record with nothing valid after it, in the last segment: recovery cuts it off. */
  | { type: 'torn'; offsetBytes: number; problem: string }
  /** Anything else that does not check or decode: recovery refuses the directory. */
  | { type: 'corrupt'; offsetBytes: number; problem: string };

export interface SegmentScan {
  /** Null when the header does not check (then `records` is empty). */
  header: SegmentHeader | null;
  records: SegmentRecord[];
  end: SegmentEnd;
}

/**
 * Scans a segment's bytes. `isLast`: it is the newest segment, where a crash (or a member
 * writing right now) may leave a record cut short; anywhere else a bad record is corruption.
 */
export function scanSegment(bytes: Buffer, file: string, isLast: boolean): SegmentScan {
  let header: SegmentHeader;
  let offset: number;
  try {
    ({ header, recordsOffset: offset } = decodeSegmentHeader(bytes, file));
  } catch (error) {
    if (!(error instanceof CorruptDataDirError)) throw error;
    return { header: null, records: [], end: headerEnd(bytes, error, isLast) };
  }
  const records: SegmentRecord[] = [];
  for (;;) {
    const frame = frameAt(bytes, offset);
    if (frame.type === 'record') {
      try {
        records.push({ offsetBytes: offset, record: decodeLogRecord(frame.payload) });
      } catch (error) {
        // The checksum matched, so these bytes were written as they are: a bug or a format.
        const problem = `a record that checks but does not decode: ${String(error)}`;
        return { header, records, end: { type: 'corrupt', offsetBytes: offset, problem } };
      }
      offset = frame.nextOffset;
      continue;
    }
    return { header, records, end: endAt(bytes, offset, frame, isLast) };
  }
}

type NotARecord = { type: 'end' } | { type: 'bad'; problem: string };

/** Zeros with a valid record after them, or a bad record anywhere but a torn tail: corrupt. */
function endAt(bytes: Buffer, offset: number, frame: NotARecord, isLast: boolean): SegmentEnd {
  const validAfter = findFrameAfter(bytes, offset);
  const problem = frame.type === 'end' ? 'zeros' : frame.problem;
  if (validAfter !== null) {
    const where = `followed by a valid record at byte ${validAfter}`;
    return { type: 'corrupt', offsetBytes: offset, problem: `${problem}, ${where}` };
  }
  if (frame.type === 'end') return { type: 'clean', offsetBytes: offset };
  if (isLast) return { type: 'torn', offsetBytes: offset, problem };
  return {
    type: 'corrupt',
    offsetBytes: offset,
    problem: `${problem} in a segment before the last`,
  };
}

/**
 * A header that does not check: in the newest segment with no record behind it, a creation a
 * crash interrupted (recovery removes the file); otherwise corruption.
 */
function headerEnd(bytes: Buffer, error: CorruptDataDirError, isLast: boolean): SegmentEnd {
  const offsetBytes = error.offsetBytes ?? 0;
  const validAfter = findFrameAfter(bytes, 0);
  if (isLast && validAfter === null) {
    return { type: 'torn', offsetBytes, problem: `${error.problem} (its creation was cut short)` };
  }
  const problem = validAfter === null ? error.problem : `${error.problem}, before valid records`;
  return { type: 'corrupt', offsetBytes, problem };
}
