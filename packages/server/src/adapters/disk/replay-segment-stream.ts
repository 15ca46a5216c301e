// replaySegment read through a FileWindow (file-window.ts) instead of a buffer of the whole
// file: a segment is preallocated with zeros (64 MiB) and mostly holds few records, so recovery
// reads it in place, a window at a time. It gives what replaySegment gives on the whole file
// when its records end cleanly (the file's end, or zeros through it); for anything else (a bad
// frame, bytes after the zeros, a header it cannot read, a record larger than it buffers) it
// answers null having replayed part of it, and the caller replays the whole file instead.

import { frameAt, frameHeaderBytes } from './record-frame.js';
import type { FileWindow } from './file-window.js';
import {
  replayPayload,
  skipBoundOf,
  type ReplayOptions,
  type SegmentEnd,
} from './replay-segment.js';
import { decodeSegmentHeader, segmentHeaderBytesMax } from './segment-file.js';

/** Larger records (or a corrupt length) are left to the whole-file replay. */
const streamedRecordBytesMax = 16 * 1024 * 1024;

/** See the file's comment: null means "replay the whole file instead". */
export async function replayStreamed(
  window: FileWindow,
  file: string,
  options: ReplayOptions,
): Promise<SegmentEnd | null> {
  let offset = await recordsOffsetOf(window, file);
  if (offset === null) return null;
  const skip = skipBoundOf(options.skipThrough);
  for (;;) {
    // ensure() only when the window lacks the bytes: most records are whole in it already.
    const headerLength = window.holds(offset, frameHeaderBytes)
      ? frameHeaderBytes
      : await window.ensure(offset, frameHeaderBytes);
    if (headerLength === 0) return { offsetBytes: offset, tornBy: null };
    if (headerLength < frameHeaderBytes) return null;
    const index = offset - window.offset;
    const length = window.bytes.readUInt32BE(index);
    if (length === 0 && window.bytes.readUInt32BE(index + 4) === 0) {
      return (await window.restIsZero(offset)) ? { offsetBytes: offset, tornBy: null } : null;
    }
    if (length > streamedRecordBytesMax) return null;
    const frameLength = frameHeaderBytes + length;
    if (!window.holds(offset, frameLength)) {
      if ((await window.ensure(offset, frameLength)) < frameLength) return null;
    }
    // ensure() may have moved the window: the frame is whole in it now, frameAt reads no further.
    const start = offset - window.offset;
    const frame = frameAt(window.bytes, start);
    if (frame.type !== 'record') return null;
    replayPayload(frame.payload, options, skip, file, offset);
    offset += frameLength;
  }
}

async function recordsOffsetOf(window: FileWindow, file: string): Promise<number | null> {
  const length = await window.ensure(0, segmentHeaderBytesMax);
  const start = -window.offset;
  try {
    return decodeSegmentHeader(window.bytes.subarray(start, start + length), file).recordsOffset;
  } catch {
    return null; // the whole-file replay says what is wrong
  }
}
