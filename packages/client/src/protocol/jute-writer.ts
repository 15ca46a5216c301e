// Appends Jute binary-archive primitives and whole length-prefixed frames to one growing buffer.
// The server encodes every reply of a loop turn into one writer and hands the socket one Buffer.

import { assert } from './assert.js';
import { hasSurrogate, writeJavaUtf8 } from './java-utf8.js';
import type { RequestAcl, Stat } from './records.js';

const initialBytesDefault = 4096;
const emptyBuffer = Buffer.alloc(0);
/** Strings up to this many UTF-16 units are encoded by hand when they are pure ASCII. */
const asciiFastPathUnitsMax = 64;

export class JuteWriter {
  /** Allocated on the first write, so that idle connections hold no buffer. */
  private buffer: Buffer = emptyBuffer;
  private used = 0;
  private readonly initialBytes: number;

  constructor(options?: { initialBytes?: number }) {
    const initialBytes = options?.initialBytes ?? initialBytesDefault;
    assert(
      Number.isInteger(initialBytes) && initialBytes > 0,
      () => `initialBytes must be a positive integer, got ${initialBytes}`,
    );
    this.initialBytes = initialBytes;
  }

  get length(): number {
    return this.used;
  }

  writeInt(n: number): void {
    this.reserve(4);
    this.used = this.buffer.writeInt32BE(n, this.used);
  }

  writeLong(n: bigint): void {
    this.reserve(8);
    this.used = putLong(this.buffer, this.used, n);
  }

  /** Always 0 or 1: node-zookeeper-client reads only 0x01 as true. */
  writeBool(b: boolean): void {
    this.reserve(1);
    this.buffer[this.used++] = b ? 1 : 0;
  }

  /** null is length −1, distinct from an empty buffer. */
  writeBuffer(b: Buffer | null): void {
    if (b === null) {
      this.writeInt(-1);
      return;
    }
    this.reserve(4 + b.length);
    this.used = this.buffer.writeInt32BE(b.length, this.used);
    this.used += b.copy(this.buffer, this.used);
  }

  /**
   * UTF-8 with a byte-length prefix, as Java writes it (a surrogate is 3 bytes of its own, see
   * java-utf8.ts); null is length −1.
   */
  writeUstring(s: string | null): void {
    if (s === null) {
      this.writeInt(-1);
      return;
    }
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so reserving that avoids a second pass
    // to measure the string; the length is written once the bytes are in place.
    this.reserve(4 + 3 * s.length);
    const start = this.used + 4;
    const written =
      s.length <= asciiFastPathUnitsMax
        ? this.writeShortString(s, start)
        : this.writeNonAscii(s, start);
    this.buffer.writeInt32BE(written, this.used);
    this.used = start + written;
  }

  writeStringVector(v: readonly string[] | null): void {
    if (v === null) {
      this.writeInt(-1);
      return;
    }
    this.writeInt(v.length);
    for (const s of v) this.writeUstring(s);
  }

  writeAclVector(v: readonly RequestAcl[] | null): void {
    if (v === null) {
      this.writeInt(-1);
      return;
    }
    this.writeInt(v.length);
    for (const acl of v) {
      this.writeInt(acl.perms);
      this.writeUstring(acl.id.scheme);
      this.writeUstring(acl.id.id);
    }
  }

  writeStat(s: Stat): void {
    this.reserve(68);
    const b = this.buffer;
    let o = this.used;
    o = putLong(b, o, s.czxid);
    o = putLong(b, o, s.mzxid);
    o = putLong(b, o, s.ctime);
    o = putLong(b, o, s.mtime);
    o = b.writeInt32BE(s.version, o);
    o = b.writeInt32BE(s.cversion, o);
    o = b.writeInt32BE(s.aversion, o);
    o = putLong(b, o, s.ephemeralOwner);
    o = b.writeInt32BE(s.dataLength, o);
    o = b.writeInt32BE(s.numChildren, o);
    this.used = putLong(b, o, s.pzxid);
  }

  /** Reserves the 4-byte frame length and returns its position for endFrame. */
  beginFrame(): number {
    this.reserve(4);
    const start = this.used;
    this.used += 4;
    return start;
  }

  /**
   * Writes one whole frame: the length, then what `writeBody` writes of `record`. If it throws
   * (a value out of range), the half-written frame is removed, so the writer never holds one.
   * The record is passed in rather than captured, so that a frame per reply needs no closure.
   */
  writeFrame<T>(record: T, writeBody: (w: JuteWriter, record: T) => void): void {
    const start = this.beginFrame();
    try {
      writeBody(this, record);
      this.endFrame(start);
    } catch (error) {
      this.truncate(start);
      throw error;
    }
  }

  /** Back-patches the length of the frame begun at `start` (payload only, as ZooKeeper counts). */
  endFrame(start: number): void {
    // Checked before the message is built: a closure per frame would be garbage per reply.
    if (!(Number.isInteger(start) && start >= 0 && start + 4 <= this.used)) {
      assert(false, `endFrame(${start}) does not match a begun frame (length ${this.used})`);
    }
    this.buffer.writeInt32BE(this.used - start - 4, start);
  }

  /** A copy of everything written so far; the writer keeps its contents. */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.used));
  }

  /**
   * Everything written so far, then the writer is empty. A small result is copied out so the
   * big buffer can be reused on the next turn; a large one is handed over whole (no copy),
   * since the socket may still be reading it, and the next write allocates a fresh one.
   */
  take(): Buffer {
    const used = this.used;
    this.used = 0;
    if (used <= this.buffer.length >>> 1) {
      return Buffer.from(this.buffer.subarray(0, used));
    }
    const taken = this.buffer.subarray(0, used);
    this.buffer = emptyBuffer;
    return taken;
  }

  /** Drops everything written so far, for example after an encoding failure mid-frame. */
  reset(): void {
    this.used = 0;
  }

  /** Truncates back to a length returned earlier by `length`, discarding a half-written frame. */
  truncate(length: number): void {
    assert(
      Number.isInteger(length) && length >= 0 && length <= this.used,
      () => `truncate(${length}) outside 0..${this.used}`,
    );
    this.used = length;
  }

  private writeShortString(s: string, start: number): number {
    const b = this.buffer;
    for (let i = 0; i < s.length; i++) {
      const unit = s.charCodeAt(i);
      if (unit >= 0x80) return this.writeNonAscii(s, start);
      b[start + i] = unit;
    }
    return s.length;
  }

  private writeNonAscii(s: string, start: number): number {
    return hasSurrogate(s)
      ? writeJavaUtf8(this.buffer, start, s)
      : this.buffer.write(s, start, 'utf8');
  }

  private reserve(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = Math.max(this.buffer.length * 2, this.initialBytes);
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

const twoTo32 = 2 ** 32;

/**
 * Buffer.writeBigInt64BE, but a long that a double holds exactly (every zxid, time and version
 * a server makes; session ids are larger) is written as two 32-bit halves with no BigInt
 * arithmetic: writeBigInt64BE shifts and masks BigInts, a tenth of a read's CPU once a Stat and
 * a reply header are written per read. Rounding never brings a larger long within the range,
 * so the fast path is exact. Returns the offset after the 8 bytes.
 */
function putLong(b: Buffer, o: number, n: bigint): number {
  const x = Number(n);
  if (x > Number.MAX_SAFE_INTEGER || x < Number.MIN_SAFE_INTEGER) return b.writeBigInt64BE(n, o);
  const high = Math.floor(x / twoTo32);
  const low = x - high * twoTo32;
  b[o] = high >>> 24;
  b[o + 1] = high >>> 16;
  b[o + 2] = high >>> 8;
  b[o + 3] = high;
  b[o + 4] = low >>> 24;
  b[o + 5] = low >>> 16;
  b[o + 6] = low >>> 8;
  b[o + 7] = low;
  return o + 8;
}
