// Which segments of the current line of the log hold which txns: a checkpoint names, as its
// fromSeq, the segment that holds its txn, so recovery replays from there (see LogResume).

import type { LineSegment } from './recover.js';

export class LineSegments {
  private segments: LineSegment[];

  /** `recovered`: the line's segments as recover() found them (LogResume.lineSegments). */
  constructor(recovered: readonly LineSegment[]) {
    this.segments = [...recovered];
  }

  /** Segment `seq` was started; a line's first forgets the line before. */
  started(seq: number, startsLine: boolean): void {
    if (startsLine) this.segments = [];
    this.segments.push({ seq, firstZxid: null });
  }

  /** A txn went into the current segment (the first one is what a segment is found by). */
  logged(zxid: bigint | null): void {
    const current = this.segments.at(-1);
    if (current !== undefined) current.firstZxid ??= zxid;
  }

  /** The segment of the current line that holds txn `zxid`, or the line's first (its base). */
  holding(zxid: bigint): number {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i];
      if (segment?.firstZxid != null && segment.firstZxid <= zxid) {
        // Older segments are no longer needed to find a later checkpoint's txn.
        this.segments.splice(0, i);
        return segment.seq;
      }
    }
    const first = this.segments[0];
    if (first === undefined) throw new Error('a checkpoint with no segment in the line');
    return first.seq;
  }
}
