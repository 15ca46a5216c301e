// Checksummed framing for everything Zoo writes to its data directory: a record is
// [u32 payload length][u32 CRC32C of length and payload][payload], all big-endian; a run of
// zeros (preallocated space) ends a log. Checked files are a magic string and one such frame.

// CRC32C (Castagnoli), as ZooKeeper's log does with Adler32 and etcd's WAL with CRC32C: it
// catches torn writes and flipped bits. @node-rs/crc32 computes it natively (SSE4.2 / ARMv8
// CRC instructions), installs its prebuilt binary as an npm optional dependency (no install
// script, no download from elsewhere) and is kept by the napi-rs authors. A pure-JS table
// (SheetJS crc-32) would do, more slowly; Node 20's zlib.crc32 is plain CRC-32, not CRC32C.
import { crc32c } from '@node-rs/crc32';
import { CorruptDataDirError } from './disk-errors.js';

export const frameHeaderBytes = 8;
/** No single record (a txn with its data, or a snapshot) may be larger. */
export const recordBytesMax = 0x7fff_ffff;

/** The frame's length field, checksummed first: one scratch buffer, not one per record. */
const lengthBytes = Buffer.alloc(4);
/**
 * The CRC32C of a length field, by length: a log's records come in few sizes, so most frames
 * need one native call (the payload's) instead of two. Bounded; cleared when full.
 */
const lengthChecksums = new Map<number, number>();
const lengthChecksumsMax = 4096;

export function checksumOf(payload: Uint8Array): number {
  return crc32c(payload, lengthChecksumOf(payload.length));
}

function lengthChecksumOf(length: number): number {
  let checksum = lengthChecksums.get(length);
  if (checksum === undefined) {
    lengthBytes.writeUInt32BE(length, 0);
    checksum = crc32c(lengthBytes);
    if (lengthChecksums.size >= lengthChecksumsMax) lengthChecksums.clear();
    lengthChecksums.set(length, checksum);
  }
  return checksum;
}

export function encodeFrame(payload: Uint8Array): Buffer {
  assertFrameable(payload.length);
  const frame = Buffer.allocUnsafe(frameHeaderBytes + payload.length);
  frame.set(payload, frameHeaderBytes);
  sealFrame(frame, 0, payload.length);
  return frame;
}

/**
 * Frames in place the `payloadLength` bytes already at `offset + frameHeaderBytes` of `target`:
 * writes their length and checksum in front, so a record is encoded once, where it is written.
 */
export function sealFrame(target: Buffer, offset: number, payloadLength: number): void {
  assertFrameable(payloadLength);
  const start = offset + frameHeaderBytes;
  target.writeUInt32BE(payloadLength, offset);
  target.writeUInt32BE(checksumOf(target.subarray(start, start + payloadLength)), offset + 4);
}

function assertFrameable(payloadLength: number): void {
  if (payloadLength === 0 || payloadLength > recordBytesMax) {
    throw new RangeError(`record of ${payloadLength} bytes cannot be framed`);
  }
}

/**
 * What lies at `offset` of `bytes`: a whole record whose checksum matches, the end (zeros or the
 * end of the file), or a bad frame (torn, or corrupt) with the reason.
 */
export type FrameAt =
  | { type: 'record'; payload: Buffer; nextOffset: number }
  | { type: 'end' }
  | { type: 'bad'; problem: string };

export function frameAt(bytes: Buffer, offset: number): FrameAt {
  const left = bytes.length - offset;
  if (left === 0) return { type: 'end' };
  if (left < frameHeaderBytes) {
    return isZero(bytes, offset, bytes.length)
      ? { type: 'end' }
      : { type: 'bad', problem: `a frame header cut short (${left} bytes)` };
  }
  const length = bytes.readUInt32BE(offset);
  const checksum = bytes.readUInt32BE(offset + 4);
  if (length === 0 && checksum === 0) return { type: 'end' };
  if (length === 0) return { type: 'bad', problem: 'a zero length with a checksum' };
  if (length > left - frameHeaderBytes) {
    return { type: 'bad', problem: `a ${length}-byte record with ${left} bytes left` };
  }
  const start = offset + frameHeaderBytes;
  const payload = bytes.subarray(start, start + length);
  if (checksumOf(payload) !== checksum) {
    return { type: 'bad', problem: `a ${length}-byte record failing its CRC32C` };
  }
  return { type: 'record', payload, nextOffset: start + length };
}

/**
 * The first offset after `from` where a whole record with a valid checksum starts, or null:
 * tells a torn tail (nothing valid follows) from corruption inside the log (records follow).
 * Runs of zeros are skipped at native speed, so a mostly empty preallocated segment is cheap.
 */
export function findFrameAfter(bytes: Buffer, from: number): number | null {
  let offset = from + 1;
  while (offset + frameHeaderBytes < bytes.length) {
    if (bytes.readUInt32BE(offset) === 0) {
      // A zero length never starts a record: jump to just before the next non-zero byte, which
      // may be the last of a length field's four.
      const nonZero = firstNonZero(bytes, offset);
      if (nonZero === null) return null;
      offset = Math.max(offset + 1, nonZero - 3);
      continue;
    }
    if (frameAt(bytes, offset).type === 'record') return offset;
    offset++;
  }
  return null;
}

const zeroChunk = Buffer.alloc(64 * 1024);

function firstNonZero(bytes: Buffer, from: number): number | null {
  for (let chunk = from; chunk < bytes.length; chunk += zeroChunk.length) {
    const end = Math.min(bytes.length, chunk + zeroChunk.length);
    if (bytes.compare(zeroChunk, 0, end - chunk, chunk, end) === 0) continue;
    for (let i = chunk; i < end; i++) if (bytes[i] !== 0) return i;
  }
  return null;
}

function isZero(bytes: Buffer, from: number, to: number): boolean {
  return firstNonZero(bytes.subarray(0, to), from) === null;
}

/** A whole small file: an 8-byte magic naming its kind and version, then one frame. */
export function encodeCheckedFile(magic: string, payload: Uint8Array): Buffer {
  return Buffer.concat([magicBytes(magic), encodeFrame(payload)]);
}

/** The payload of a checked file; a wrong magic, a bad frame or trailing bytes throw. */
export function decodeCheckedFile(bytes: Buffer, magic: string, file: string): Buffer {
  const expected = magicBytes(magic);
  if (bytes.length < expected.length || !bytes.subarray(0, expected.length).equals(expected)) {
    throw new CorruptDataDirError(file, `not a ${magic} file`, 0);
  }
  const frame = frameAt(bytes, expected.length);
  if (frame.type !== 'record') {
    const problem = frame.type === 'end' ? 'no content' : frame.problem;
    throw new CorruptDataDirError(file, problem, expected.length);
  }
  if (frame.nextOffset !== bytes.length) {
    throw new CorruptDataDirError(file, 'bytes after its content', frame.nextOffset);
  }
  return frame.payload;
}

function magicBytes(magic: string): Buffer {
  const bytes = Buffer.from(magic, 'latin1');
  if (bytes.length !== 8) throw new RangeError(`magic ${magic} must be 8 bytes`);
  return bytes;
}
