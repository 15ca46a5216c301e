// Creating a log segment takes several durable steps in a row (the file and its header, its size
// preallocated and synced, the directory entry synced): about 19 ms on the development VM, and
// every write used to wait for them at each roll. The next segment of the line is created ahead,
// in the background, once the current one is half full, so that a roll only switches to it.
//
// A segment created ahead is complete before it is used (header and size durable, its directory
// entry synced), so a crash leaves either no trace of it, a last segment whose header is cut
// short (recovery removes it: no record can follow), or a valid empty segment of the line.

import { fsyncDirectory, type DiskFs } from './disk-fs.js';
import { encodeSegmentHeader, segmentPath, type SegmentHeader } from './segment-file.js';

/** A segment open for O_DSYNC writes; its records start at `recordsOffset`. */
export interface OpenSegment {
  seq: number;
  fd: number;
  recordsOffset: number;
}

/**
 * Creates segment `header.seq` in `logDir` for O_DSYNC writes, its header durable and its size
 * preallocated before any record goes in (so a record's write never has a file size to update).
 * Like ZooKeeper's padding, ftruncate extends the file sparsely: cheap to create, and zeros where
 * no record was written; the fsync makes the new size durable, the directory's fsync the name.
 */
export async function createSegment(
  disk: DiskFs,
  where: { logDir: string; segmentBytes: number },
  header: SegmentHeader,
): Promise<OpenSegment> {
  const bytes = encodeSegmentHeader(header);
  const fd = await disk.createSynced(segmentPath(where.logDir, header.seq));
  try {
    await disk.write(fd, bytes, 0);
    if (bytes.length < where.segmentBytes) await disk.ftruncate(fd, where.segmentBytes);
    await disk.fsync(fd);
    await fsyncDirectory(disk, where.logDir);
  } catch (error) {
    await disk.close(fd).catch(() => undefined);
    throw error;
  }
  return { seq: header.seq, fd, recordsOffset: bytes.length };
}

type Made = { type: 'segment'; segment: OpenSegment } | { type: 'failed'; error: unknown };

/** The next segment of the current line, created ahead of need (at most one at a time). */
export class SegmentAhead {
  private pending: { seq: number; made: Promise<Made> } | null = null;

  constructor(
    private readonly disk: DiskFs,
    private readonly where: { logDir: string; segmentBytes: number },
  ) {}

  /** Starts creating segment `seq`, continuing the line of `baseZxid`, unless one is under way. */
  prepare(seq: number, baseZxid: bigint | null): void {
    if (this.pending !== null) return;
    const header: SegmentHeader = { seq, baseZxid, startsLine: false };
    const made = createSegment(this.disk, this.where, header).then(
      (segment): Made => ({ type: 'segment', segment }),
      (error: unknown): Made => ({ type: 'failed', error }),
    );
    this.pending = { seq, made };
  }

  /**
   * The segment created ahead, once it is complete, if it is `seq`; null if none was started.
   * Throws what its creation failed with: the disk failed, and the log must stop.
   */
  async take(seq: number): Promise<OpenSegment | null> {
    const pending = this.pending;
    if (pending === null) return null;
    this.pending = null;
    const segment = await madeSegment(pending.made);
    if (segment.seq !== seq) throw new Error(`segment ${segment.seq} made ahead, ${seq} wanted`);
    return segment;
  }

  /**
   * Closes the segment made ahead without using it and returns its seq, or null if none was
   * started. With `remove` (the log closes) its file goes too; else (the line ends) it stays, a
   * valid and empty segment of the line, never written to. A crash before the removal is
   * durable leaves it as well, which recovery reads as an empty segment.
   */
  async drop(options: { remove: boolean }): Promise<number | null> {
    const pending = this.pending;
    if (pending === null) return null;
    this.pending = null;
    const segment = await madeSegment(pending.made);
    await this.disk.close(segment.fd);
    if (options.remove) await this.disk.unlink(segmentPath(this.where.logDir, segment.seq));
    return segment.seq;
  }
}

async function madeSegment(made: Promise<Made>): Promise<OpenSegment> {
  const result = await made;
  if (result.type === 'failed') throw result.error;
  return result.segment;
}
