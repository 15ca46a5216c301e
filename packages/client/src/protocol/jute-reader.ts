// Reads Jute binary-archive primitives and the shared records (Stat, ACL) from one frame payload.
// Every malformed or short input raises DecodeError, never RangeError: callers close the
// connection or answer MarshallingError, and never crash on a peer's bytes.

import { DecodeError } from './decode-error.js';
import { decodeJavaUtf8, decodeKeepingSurrogates } from './java-utf8.js';
import { packetBytesMaxDefault } from './limits.js';
import type { Acl, RequestAcl, Stat } from './records.js';
import type { FrameSpan } from './frame-reader.js';

export interface JuteLimits {
  /** Largest length a buffer or ustring may declare, and largest vector count. */
  bufferBytesMax: number;
  /**
   * 'java' (the default): strings decode as ZooKeeper's Java decodes a client's bytes, so the
   * 3-byte surrogates Jute writes read as U+FFFD. 'kept': those surrogates read back as written,
   * for bytes Zoo itself encoded (a request a follower forwards must reach the leader unchanged).
   */
  surrogates?: 'java' | 'kept';
}

/**
 * ZooKeeper: BinaryInputArchive.checkLength allows jute.maxbuffer + extrasize, but a length can
 * never exceed its frame, and frames are at most packetBytesMax, so one bound suffices here.
 */
export const juteLimitsDefault: JuteLimits = { bufferBytesMax: packetBytesMaxDefault };

/** The scheme and id of world:anyone as Jute writes them: length-prefixed UTF-8. */
const worldAnyoneAclBytes = Buffer.from('00000005776f726c6400000006616e796f6e65', 'hex');
/**
 * [{perms, world:anyone}] for each perms value a valid ACL may have (0..31), frozen: the one
 * list every request with that ACL gets (nothing changes a request's ACL; a change would throw).
 */
const worldAnyoneAcls: readonly RequestAcl[][] = Array.from({ length: 32 }, (_, perms) => {
  const entry: RequestAcl = Object.freeze({
    perms,
    id: Object.freeze({ scheme: 'world', id: 'anyone' }),
  });
  return Object.freeze([entry]) as RequestAcl[];
});

/** Smallest encoded size of one vector element (a ustring is at least its 4-byte length). */
const vectorElementBytesMin = 4;
/** An ACL is an int and two ustrings. */
const aclBytesMin = 12;

export class JuteReader {
  offset: number;
  private buffer: Buffer;
  /** Where the bytes to read end: the buffer's end, or a frame's (see readFrame). */
  private end: number;
  /** Where the frame being read starts; error messages count offsets from there. */
  private origin = 0;
  private readonly bufferBytesMax: number;
  private readonly isKeepingSurrogates: boolean;

  constructor(buffer: Buffer, limits: JuteLimits = juteLimitsDefault, offset = 0) {
    if (!Number.isInteger(offset) || offset < 0 || offset > buffer.length) {
      throw new DecodeError(`offset ${offset} is outside a buffer of ${buffer.length} bytes`);
    }
    this.buffer = buffer;
    this.end = buffer.length;
    this.bufferBytesMax = limits.bufferBytesMax;
    this.isKeepingSurrogates = limits.surrogates === 'kept';
    this.offset = offset;
  }

  /**
   * Reads bytes `start` to `end` of `buffer` from now on, in place: one reader, reused frame
   * after frame, decodes a frame where it arrived, with no view or reader made per frame.
   */
  readFrame(span: FrameSpan): this {
    const { bytes, start, end } = span;
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end)) {
      throw new DecodeError(`frame ${start}..${end} is no range`);
    }
    if (end > bytes.length) {
      throw new DecodeError(`frame ${start}..${end} is outside a buffer of ${bytes.length} bytes`);
    }
    this.buffer = bytes;
    this.end = end;
    this.offset = start;
    this.origin = start;
    return this;
  }

  /** The offset from the start of the frame (of the buffer, unless readFrame gave a frame). */
  private position(): number {
    return this.offset - this.origin;
  }

  remaining(): number {
    return this.end - this.offset;
  }

  readInt(): number {
    this.need(4, 'int');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  readLong(): bigint {
    this.need(8, 'long');
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** ZooKeeper: DataInput.readBoolean — any non-zero byte is true. */
  readBool(): boolean {
    this.need(1, 'boolean');
    const byte = this.buffer[this.offset] ?? 0;
    this.offset += 1;
    return byte !== 0;
  }

  /**
   * Length −1 is null. The bytes are copied so that data kept by the tree does not pin the
   * socket chunk the frame arrived in.
   */
  readBuffer(): Buffer | null {
    const length = this.readLength('buffer');
    if (length < 0) return null;
    const start = this.offset;
    this.offset += length;
    const copy = Buffer.allocUnsafe(length);
    this.buffer.copy(copy, 0, start, start + length);
    return copy;
  }

  /** UTF-8, decoded as Java decodes it (see java-utf8.ts). Length −1 is null. */
  readUstring(): string | null {
    const length = this.readLength('ustring');
    if (length < 0) return null;
    const start = this.offset;
    this.offset += length;
    const text = this.buffer.toString('utf8', start, start + length);
    // Node and Java agree on valid UTF-8; a U+FFFD means invalid bytes (or a real U+FFFD).
    if (!text.includes('\ufffd')) return text;
    const decode = this.isKeepingSurrogates ? decodeKeepingSurrogates : decodeJavaUtf8;
    return decode(this.buffer, start, start + length);
  }

  /** A ustring that the record requires to be present. */
  readString(): string {
    const value = this.readUstring();
    if (value === null) throw new DecodeError(`null string at offset ${this.position() - 4}`);
    return value;
  }

  readStringVector(): string[] | null {
    const count = this.readVectorCount(vectorElementBytesMin);
    if (count === null) return null;
    const items = new Array<string>(count);
    for (let i = 0; i < count; i++) items[i] = this.readString();
    return items;
  }

  /** A string vector whose entries may each be a Jute null. */
  readNullableStringVector(): (string | null)[] | null {
    const count = this.readVectorCount(vectorElementBytesMin);
    if (count === null) return null;
    const items = new Array<string | null>(count);
    for (let i = 0; i < count; i++) items[i] = this.readUstring();
    return items;
  }

  /**
   * ACL entries of a request, whose scheme and id may each be a Jute null. The ACL nearly every
   * create carries, one world:anyone entry, is read as a shared frozen list: no list, entry or
   * strings made per request.
   */
  readRequestAclVector(): RequestAcl[] | null {
    const shared = this.readWorldAnyoneAcl();
    if (shared !== null) return shared;
    const count = this.readVectorCount(aclBytesMin);
    if (count === null) return null;
    const items = new Array<RequestAcl>(count);
    for (let i = 0; i < count; i++) {
      const perms = this.readInt();
      const scheme = this.readUstring();
      const id = this.readUstring();
      items[i] = { perms, id: { scheme, id } };
    }
    return items;
  }

  /** The shared list for the bytes of [{perms, world:anyone}] next, read past; else null. */
  private readWorldAnyoneAcl(): RequestAcl[] | null {
    const at = this.offset;
    if (this.end - at < 8 + worldAnyoneAclBytes.length) return null;
    const b = this.buffer;
    // Count 1, then the perms (any int), then the two strings, each with its length.
    if (b.readInt32BE(at) !== 1) return null;
    const perms = b.readInt32BE(at + 4);
    if (perms < 0 || perms >= worldAnyoneAcls.length) return null;
    const after = at + 8 + worldAnyoneAclBytes.length;
    if (b.compare(worldAnyoneAclBytes, 0, worldAnyoneAclBytes.length, at + 8, after) !== 0) {
      return null;
    }
    this.offset = after;
    return worldAnyoneAcls[perms] ?? null;
  }

  readAclVector(): Acl[] | null {
    const count = this.readVectorCount(aclBytesMin);
    if (count === null) return null;
    const items = new Array<Acl>(count);
    for (let i = 0; i < count; i++) {
      const perms = this.readInt();
      const scheme = this.readString();
      const id = this.readString();
      items[i] = { perms, id: { scheme, id } };
    }
    return items;
  }

  /**
   * A vector count: −1 is null. ZooKeeper: BinaryInputArchive.startVector — any other negative
   * count reads as an empty vector. A count whose elements (each at least `elementBytesMin`)
   * cannot fit in the remaining bytes fails at once instead of allocating an array for it.
   */
  readVectorCount(elementBytesMin = 1): number | null {
    const count = this.readInt();
    if (count === -1) return null;
    if (count < 0) return 0;
    if (count > this.bufferBytesMax || count * elementBytesMin > this.remaining()) {
      throw new DecodeError(`unreasonable vector count ${count} at offset ${this.position() - 4}`);
    }
    return count;
  }

  readStat(): Stat {
    this.need(68, 'Stat');
    const b = this.buffer;
    const o = this.offset;
    this.offset = o + 68;
    return {
      czxid: b.readBigInt64BE(o),
      mzxid: b.readBigInt64BE(o + 8),
      ctime: b.readBigInt64BE(o + 16),
      mtime: b.readBigInt64BE(o + 24),
      version: b.readInt32BE(o + 32),
      cversion: b.readInt32BE(o + 36),
      aversion: b.readInt32BE(o + 40),
      ephemeralOwner: b.readBigInt64BE(o + 44),
      dataLength: b.readInt32BE(o + 52),
      numChildren: b.readInt32BE(o + 56),
      pzxid: b.readBigInt64BE(o + 60),
    };
  }

  private need(bytes: number, what: string): void {
    if (this.end - this.offset < bytes) {
      throw new DecodeError(
        `${what} needs ${bytes} bytes at offset ${this.position()}, ${this.remaining()} remain`,
      );
    }
  }

  /** A buffer/ustring length: −1 (null) or 0..limit, and no more than what remains. */
  private readLength(what: string): number {
    const length = this.readInt();
    if (length === -1) return -1;
    // ZooKeeper: BinaryInputArchive.checkLength — "Unreasonable length".
    if (length < 0 || length > this.bufferBytesMax) {
      const at = this.position() - 4;
      throw new DecodeError(`unreasonable ${what} length ${length} at offset ${at}`);
    }
    this.need(length, what);
    return length;
  }
}
