// Splits a TCP byte stream into frame payloads: a 4-byte big-endian length, then that many bytes.
// Frames may arrive split across chunks or several to a chunk; a bad length raises DecodeError.

import { DecodeError } from './decode-error.js';
import { packetBytesMaxDefault } from './limits.js';

const emptyBuffer = Buffer.alloc(0);

/** A frame's payload where it lies: bytes `start` to `end` of `bytes`. */
export interface FrameSpan {
  bytes: Buffer;
  start: number;
  end: number;
}

export class FrameReader {
  /** The span nextSpan hands out, filled anew on each call: no object made per frame. */
  private readonly span: FrameSpan = { bytes: emptyBuffer, start: 0, end: 0 };
  private readonly packetBytesMax: number;
  /** Buffered chunks from index `first` on; chunk `first` is read from byte `head` on. */
  private chunks: Buffer[] = [];
  private first = 0;
  private head = 0;
  private buffered = 0;

  constructor(options?: { packetBytesMax?: number }) {
    this.packetBytesMax = options?.packetBytesMax ?? packetBytesMaxDefault;
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next complete payload, or null until one has fully arrived. A length outside
   * 0..packetBytesMax raises DecodeError as soon as its 4 bytes are in, without waiting for
   * the body. ZooKeeper: NIOServerCnxn.readLength — "Len error", then the connection closes.
   */
  next(): Buffer | null {
    const span = this.nextSpan();
    if (span === null) return null;
    const { bytes, start, end } = span;
    return start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
  }

  /**
   * As next, but the payload stays where it lies: in the chunk it arrived in (the common case)
   * or, when it spans chunks, in a copy. The span is this reader's own, valid until the next
   * call, and its bytes must not be kept (a JuteReader reads it in place: readFrame).
   */
  nextSpan(): FrameSpan | null {
    const span = this.span;
    // A reader left waiting holds no chunk it has read out.
    span.bytes = emptyBuffer;
    const length = this.peekFirstWord();
    if (length === null) return null;
    if (length < 0 || length > this.packetBytesMax) {
      throw new DecodeError(`frame length ${length} outside 0..${this.packetBytesMax}`);
    }
    if (this.buffered < 4 + length) return null;
    this.skip(4);
    const chunk = this.chunks[this.first];
    if (length === 0) {
      span.bytes = emptyBuffer;
      span.start = 0;
    } else if (chunk !== undefined && chunk.length - this.head >= length) {
      span.bytes = chunk;
      span.start = this.head;
      this.skip(length);
    } else {
      span.bytes = this.copyOut(length);
      span.start = 0;
      this.skip(length);
    }
    span.end = span.start + length;
    return span;
  }

  /** The first 4 buffered bytes as a big-endian int, not consumed (4-letter-word detection). */
  peekFirstWord(): number | null {
    if (this.buffered < 4) return null;
    const chunk = this.chunks[this.first];
    if (chunk !== undefined && chunk.length - this.head >= 4) {
      return chunk.readInt32BE(this.head);
    }
    return this.copyOut(4).readInt32BE(0);
  }

  /**
   * Removes and returns the next `count` raw bytes, or null if fewer are buffered. Used after
   * a four-letter word such as `stmk`, whose argument is not a frame.
   */
  takeBytes(count: number): Buffer | null {
    if (!Number.isInteger(count) || count < 0) {
      throw new DecodeError(`cannot take ${count} bytes`);
    }
    if (this.buffered < count) return null;
    return this.take(count);
  }

  /** Consumes `count` buffered bytes; the caller has checked they are there. */
  private take(count: number): Buffer {
    if (count === 0) return emptyBuffer;
    const chunk = this.chunks[this.first];
    if (chunk !== undefined && chunk.length - this.head >= count) {
      // The common case: the frame lies inside one chunk, so it is returned without a copy.
      const payload = chunk.subarray(this.head, this.head + count);
      this.skip(count);
      return payload;
    }
    const payload = this.copyOut(count);
    this.skip(count);
    return payload;
  }

  /** Copies the first `count` buffered bytes (which span chunks) without consuming them. */
  private copyOut(count: number): Buffer {
    const out = Buffer.allocUnsafe(count);
    let copied = 0;
    let start = this.head;
    for (let i = this.first; i < this.chunks.length && copied < count; i++) {
      const chunk = this.chunks[i];
      if (chunk === undefined) break;
      copied += chunk.copy(out, copied, start, Math.min(chunk.length, start + count - copied));
      start = 0;
    }
    return out;
  }

  private skip(count: number): void {
    this.buffered -= count;
    let left = count;
    while (left > 0) {
      const chunk = this.chunks[this.first];
      if (chunk === undefined) break;
      const available = chunk.length - this.head;
      if (available > left) {
        this.head += left;
        return;
      }
      left -= available;
      this.first += 1;
      this.head = 0;
    }
    this.compact();
  }

  /** Drops consumed chunks in bulk, so that many tiny chunks cost linear time, not quadratic. */
  private compact(): void {
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= 64 && this.first * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
