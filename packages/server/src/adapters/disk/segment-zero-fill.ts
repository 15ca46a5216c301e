// Zeros written just ahead of the log's records in a segment created sparse (the first of a
// line: at open, or after a SNAP). An O_DSYNC write into a hole allocates its blocks, and the
// allocation must reach the journal before the write returns: a journal commit per group, which
// may also wait for whatever else the journal holds. Into blocks already written, the write
// needs its data and a cache flush only (the block device saw ~0.7 fewer writes per group).
// A segment made ahead (segment-file-ahead.ts) is zeroed whole before use; this keeps the rest
// so a step at a time, in the background, never writing where a record is or will be written
// while the step runs.

import type { DiskFs } from './disk-fs.js';
import { zeros } from './segment-file-ahead.js';

/** How far ahead of the next record the zeros are kept: a few steps. */
const zeroedAheadBytes = 1024 * 1024;
/**
 * A step starts at least this far past the records, so that the groups written while it runs
 * (a few KiB each) do not reach it and wait; what it skips is allocated by the records, as
 * before. Once ahead, each step starts where the last one ended.
 */
const stepLeadBytes = 256 * 1024;
/** The file system's block: a step starts on a block boundary. */
const blockBytes = 4096;

export class SegmentZeroFill {
  private fd: number | null = null;
  private segmentBytes = 0;
  /** Every byte before this is written (records or zeros) or was never a hole. */
  private zeroedTo = 0;
  /** The step being written, if any: no record may be written into [from, to) meanwhile. */
  private step: { from: number; to: number; done: Promise<void> } | null = null;

  constructor(
    private readonly disk: DiskFs,
    /** A step failed: the zeros are only a speed-up, so the log goes on without them. */
    private readonly warn: (message: string) => void,
  ) {}

  /** Fills segment `fd` from `zeroedTo` (its size when made whole ahead: nothing to do). */
  use(fd: number, zeroedTo: number, segmentBytes: number): void {
    if (this.step !== null) throw new Error('zero fill of the previous segment still running');
    this.fd = fd;
    this.zeroedTo = zeroedTo;
    this.segmentBytes = segmentBytes;
  }

  /** True while a step is writing where a write ending at `end` would reach. */
  isInTheWay(end: number): boolean {
    return this.step !== null && end > this.step.from;
  }

  /**
   * The log's records now reach `writeOffset` (written or on their way): starts a step if the
   * zeros ahead of them run short. `stepped` runs once the step returns (a write may wait).
   */
  keepAhead(writeOffset: number, stepped: () => void): void {
    const fd = this.fd;
    if (fd === null || this.step !== null) return;
    if (this.zeroedTo - writeOffset >= zeroedAheadBytes) return;
    const lead = Math.ceil((writeOffset + stepLeadBytes) / blockBytes) * blockBytes;
    const from = Math.max(this.zeroedTo, lead);
    const to = Math.min(from + zeros.length, this.segmentBytes);
    if (from >= to) return;
    const done = this.disk.write(fd, zeros.subarray(0, to - from), from).then(
      () => {
        this.zeroedTo = to;
        this.step = null;
        stepped();
      },
      (error: unknown) => {
        // A failed step leaves zeros or a hole, both read as zeros: only the speed-up is lost.
        this.fd = null;
        this.step = null;
        this.warn(`txn log: zero fill ahead failed: ${String(error)}`);
        stepped();
      },
    );
    this.step = { from, to, done };
  }

  /** Resolves once no step is running (call before the segment's fd is closed). */
  async settled(): Promise<void> {
    while (this.step !== null) await this.step.done;
  }
}
