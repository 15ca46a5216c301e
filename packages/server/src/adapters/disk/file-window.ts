// A file read forward through one reusable buffer, for recovery. Fresh memory is dear: on the
// machine the benchmarks run on, first touching a page costs ~15 µs, so reading a 64 MiB log
// segment into a buffer of its own (or 1 MiB chunks of fresh buffers) cost more CPU time than
// checking and decoding its records. A window is faulted in once and reused for every file; at
// 4 MiB a 64 MiB segment of zeros is 16 reads (each a trip to the thread pool).

import type { DiskFs } from './disk-fs.js';

export const windowBytesDefault = 4 * 1024 * 1024;
const zeros = Buffer.alloc(windowBytesDefault);

export class FileWindow {
  /** The bytes of the file from `start` on; `filled` of them are valid. */
  private buffer: Buffer;
  private start = 0;
  private filled = 0;
  private fd: number | null = null;
  /** True once a read returned less than asked: the file ends at start + filled. */
  private isAtEnd = false;

  constructor(
    private readonly disk: DiskFs,
    windowBytes = windowBytesDefault,
  ) {
    this.buffer = Buffer.allocUnsafe(windowBytes);
  }

  /** Reads `fd` from its beginning (the caller opens and closes it). */
  reset(fd: number): void {
    this.fd = fd;
    this.start = 0;
    this.filled = 0;
    this.isAtEnd = false;
  }

  /**
   * Makes the file's `length` bytes from `position` readable in `bytes`; returns how many of
   * them the file has (fewer at its end). Forward from the last position is cheapest.
   */
  async ensure(position: number, length: number): Promise<number> {
    if (position < this.start) {
      this.start = position;
      this.filled = 0;
      this.isAtEnd = false;
    }
    if (position + length > this.start + this.filled && !this.isAtEnd) {
      this.shiftTo(position, length);
      await this.readMore(position + length);
    }
    return Math.max(0, Math.min(length, this.start + this.filled - position));
  }

  /**
   * True when the file's `length` bytes from `position` are in the window already: a caller
   * reading record after record awaits ensure() only when this is false (an await per record,
   * its promise and its trip through the microtask queue, was most of a log replay's garbage).
   */
  holds(position: number, length: number): boolean {
    return position >= this.start && position + length <= this.start + this.filled;
  }

  /**
   * The window's buffer: file position p is at index p − offset, valid through what ensure()
   * said (bytes after that are stale). A view, not a copy: valid until the next ensure().
   */
  get bytes(): Buffer {
    return this.buffer;
  }

  get offset(): number {
    return this.start;
  }

  /** True when every byte of the file from `position` to its end is zero. */
  async restIsZero(position: number): Promise<boolean> {
    let from = position;
    for (;;) {
      await this.ensure(from, this.buffer.length);
      const end = this.start + this.filled;
      for (let at = from; at < end; at += zeros.length) {
        const index = at - this.start;
        const length = Math.min(zeros.length, end - at);
        if (this.buffer.compare(zeros, 0, length, index, index + length) !== 0) return false;
      }
      if (this.isAtEnd) return true;
      from = end;
    }
  }

  /** Moves the bytes from `position` on to the front, growing the buffer to hold `length`. */
  private shiftTo(position: number, length: number): void {
    if (position >= this.start + this.filled) {
      // Past what the window holds: nothing to keep, and the reads start at `position`.
      this.start = position;
      this.filled = 0;
    }
    const keepFrom = position - this.start;
    const kept = this.filled - keepFrom;
    if (length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(length, 2 * this.buffer.length));
      this.buffer.copy(grown, 0, keepFrom, this.filled);
      this.buffer = grown;
    } else if (keepFrom > 0) {
      this.buffer.copy(this.buffer, 0, keepFrom, this.filled);
    }
    this.start += keepFrom;
    this.filled = kept;
  }

  /** Fills the buffer from the file, at least through file position `through` unless it ends. */
  private async readMore(through: number): Promise<void> {
    const fd = this.fd;
    if (fd === null) throw new Error('FileWindow read before reset');
    while (this.start + this.filled < through && !this.isAtEnd) {
      const target = this.buffer.subarray(this.filled);
      if (target.length === 0) throw new Error('FileWindow: no room to read into');
      const read = await this.disk.readInto(fd, target, this.start + this.filled);
      this.filled += read;
      if (read < target.length) this.isAtEnd = true;
    }
  }
}
