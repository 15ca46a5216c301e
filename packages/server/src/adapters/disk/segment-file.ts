// A log segment: `log.<seq as 16 hex digits>`, an 8-byte magic, a header frame, then records,
// preallocated with zeros. A segment either starts a line (after a snapshot, or the first ever)
// or continues the previous segment's line; a line is the txn log that follows one snapshot.

import { join } from 'node:path';
import { packValue, unpackValue } from '../msgpack-value.js';
import { WireObject } from '../wire-object.js';
import { CorruptDataDirError } from './disk-errors.js';
import { encodeCheckedFile, frameAt } from './record-frame.js';

/**
 * Format 3 (binary txn records, see log-record.ts) is written; format 2's segments (msgpack txn
 * records) are still read. An older Zoo refuses a format 3 segment at its magic.
 */
const segmentMagic = 'ZOOLOG03';
const segmentMagicsRead = ['ZOOLOG03', 'ZOOLOG02'].map((magic) => Buffer.from(magic, 'latin1'));
const namePattern = /^log\.([0-9a-f]{16})$/;
/** A header is a few dozen bytes; reading this many always covers it. */
export const segmentHeaderBytesMax = 256;

export interface SegmentHeader {
  seq: number;
  /** The zxid of the snapshot the line starts from; null: from the empty tree. */
  baseZxid: bigint | null;
  /** True for a line's first segment; false when continuing the previous segment's line. */
  startsLine: boolean;
}

export function segmentName(seq: number): string {
  return `log.${seq.toString(16).padStart(16, '0')}`;
}

export function segmentPath(dataDir: string, seq: number): string {
  return join(dataDir, segmentName(seq));
}

/** The seq a file name stands for, or null when it names no segment. */
export function segmentSeqOf(name: string): number | null {
  const match = namePattern.exec(name);
  return match?.[1] === undefined ? null : Number.parseInt(match[1], 16);
}

/** The magic and the header frame; records follow at the returned buffer's length. */
export function encodeSegmentHeader(header: SegmentHeader): Buffer {
  const bytes = encodeCheckedFile(segmentMagic, packValue(header));
  if (bytes.length > segmentHeaderBytesMax) throw new RangeError('segment header too large');
  return bytes;
}

/**
 * The header at the start of `bytes` and where records begin; throws CorruptDataDirError when
 * the magic or the header frame is wrong (a segment whose creation a crash interrupted).
 */
export function decodeSegmentHeader(
  bytes: Buffer,
  file: string,
): { header: SegmentHeader; recordsOffset: number } {
  const magic = segmentMagicsRead.find((known) => bytes.subarray(0, known.length).equals(known));
  if (magic === undefined) {
    const name = bytes.subarray(0, 8).toString('latin1');
    const problem = name.startsWith('ZOOLOG')
      ? `segment format ${JSON.stringify(name)} is not one this Zoo reads (ZOOLOG02, ZOOLOG03)`
      : 'no segment magic';
    throw new CorruptDataDirError(file, problem, 0);
  }
  const frame = frameAt(bytes, magic.length);
  if (frame.type !== 'record') {
    const problem = frame.type === 'end' ? 'no header' : `header: ${frame.problem}`;
    throw new CorruptDataDirError(file, problem, magic.length);
  }
  try {
    const o = WireObject.of(unpackValue(frame.payload, 'segment header'), 'header');
    const baseZxid = o.get('baseZxid');
    const header: SegmentHeader = {
      seq: o.safeInteger('seq'),
      baseZxid: baseZxid === null ? null : o.int64('baseZxid'),
      startsLine: o.boolean('startsLine'),
    };
    return { header, recordsOffset: frame.nextOffset };
  } catch (error) {
    throw new CorruptDataDirError(file, `header: ${String(error)}`, magic.length);
  }
}
