// A segment is preallocated with zeros (64 MiB), and every start of a member opens a new one:
// recovery read each such segment's zeros at every later start, to the file's end, since only
// zeros through the end make a clean end. The log cuts them off the segment it closes last.

import type { Logger } from '../../runtime/env.js';
import type { DiskFs } from './disk-fs.js';

/**
 * Cuts segment `fd` at `recordsEnd`, where its records end: nothing is written to it again (a
 * start opens a new segment). No fsync: a crash that keeps the zeros after all leaves a segment
 * recovery reads as before, and a failure only leaves them (logged, not fatal).
 */
export async function trimSegment(
  disk: DiskFs,
  fd: number,
  recordsEnd: number,
  options: { logger: Logger },
): Promise<void> {
  try {
    await disk.ftruncate(fd, recordsEnd);
  } catch (error) {
    options.logger.warn(`txn log: cutting the zeros off its last segment: ${String(error)}`);
  }
}
