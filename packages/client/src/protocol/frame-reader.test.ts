// Tests for FrameReader: 4-byte length framing across arbitrary TCP chunking, and the
// packetBytesMax bound (ZooKeeper: NIOServerCnxn.readLength; jute.maxbuffer = 0xfffff).

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from './decode-error.js';
import { FrameReader } from './frame-reader.js';

function frame(payload: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([length, payload]);
}

/** Splits `stream` at the given cut points (any order, duplicates allowed). */
function split(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of [...points, stream.length]) {
    chunks.push(stream.subarray(start, p));
    start = p;
  }
  return chunks;
}

function drain(reader: FrameReader): Buffer[] {
  const out: Buffer[] = [];
  for (let payload = reader.next(); payload !== null; payload = reader.next()) out.push(payload);
  return out;
}

describe('FrameReader', () => {
  test('yields every payload in order however the stream is chunked', () => {
    const payloads = fc.array(
      fc.uint8Array({ maxLength: 50 }).map((a) => Buffer.from(a)),
      {
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(payloads, fc.array(fc.nat(), { maxLength: 30 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.map(frame));
        const reader = new FrameReader();
        const out: Buffer[] = [];
        for (const chunk of split(stream, cuts)) {
          reader.push(chunk);
          out.push(...drain(reader));
        }
        expect(out).toEqual(frames);
        expect(reader.bufferedBytes).toBe(0);
      }),
    );
  });

  test('handles a large frame delivered one byte at a time in linear time', () => {
    const payload = Buffer.alloc(50_000, 7);
    const stream = Buffer.concat([frame(payload), frame(payload)]);
    const reader = new FrameReader();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      reader.push(stream.subarray(i, i + 1));
      out.push(...drain(reader));
    }
    expect(out).toEqual([payload, payload]);
  });

  test('accepts a length of exactly 0xFFFFF', () => {
    const reader = new FrameReader();
    reader.push(frame(Buffer.alloc(0xfffff, 1)));
    expect(reader.next()?.length).toBe(0xfffff);
  });

  test('rejects a length of 0x100000 as soon as the 4 length bytes arrive', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from([0x00, 0x10]));
    expect(reader.next()).toBeNull();
    reader.push(Buffer.from([0x00, 0x00]));
    expect(() => reader.next()).toThrow(DecodeError);
  });

  test('rejects a negative length', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from('ffffffff', 'hex'));
    expect(() => reader.next()).toThrow(DecodeError);
  });

  test('honours a configured packetBytesMax', () => {
    const reader = new FrameReader({ packetBytesMax: 3 });
    reader.push(frame(Buffer.alloc(3)));
    expect(reader.next()?.length).toBe(3);
    reader.push(frame(Buffer.alloc(4)));
    expect(() => reader.next()).toThrow(DecodeError);
  });

  test('returns an empty payload for a zero-length frame', () => {
    const reader = new FrameReader();
    reader.push(Buffer.alloc(4));
    expect(reader.next()).toEqual(Buffer.alloc(0));
  });

  test('peekFirstWord reads a four-letter word split across chunks without consuming it', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from('ru'));
    expect(reader.peekFirstWord()).toBeNull();
    reader.push(Buffer.from('o'));
    reader.push(Buffer.from('k'));
    expect(reader.peekFirstWord()).toBe(0x72756f6b);
    expect(reader.bufferedBytes).toBe(4);
    expect(reader.takeBytes(4)?.toString()).toBe('ruok');
    expect(reader.bufferedBytes).toBe(0);
  });

  test('takeBytes returns raw bytes across chunks, or null until enough have arrived', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from('stmk'));
    reader.push(Buffer.from([0, 0, 0, 0]));
    expect(reader.takeBytes(4)?.toString()).toBe('stmk');
    expect(reader.takeBytes(8)).toBeNull();
    reader.push(Buffer.from([0, 0, 1, 2]));
    expect(reader.takeBytes(8)?.toString('hex')).toBe('0000000000000102');
  });
});
