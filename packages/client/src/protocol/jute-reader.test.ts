// Tests for JuteReader and JuteWriter: primitive round trips, null vs empty, limits, and that
// every bad or short input raises DecodeError rather than a RangeError.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from './decode-error.js';
import { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import type { Acl, Stat } from './records.js';
import { roundTripText } from './testing/round-trip-text.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const text = roundTripText(40);
const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const acl: fc.Arbitrary<Acl> = fc.record({
  perms: int32,
  id: fc.record({ scheme: text, id: text }),
});
const stat: fc.Arbitrary<Stat> = fc.record({
  czxid: int64,
  mzxid: int64,
  ctime: int64,
  mtime: int64,
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});

type Field =
  | { kind: 'int'; value: number }
  | { kind: 'long'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'buffer'; value: Buffer | null }
  | { kind: 'ustring'; value: string | null }
  | { kind: 'strings'; value: string[] | null }
  | { kind: 'acls'; value: Acl[] | null }
  | { kind: 'stat'; value: Stat };

const field: fc.Arbitrary<Field> = fc.oneof(
  int32.map((value) => ({ kind: 'int' as const, value })),
  int64.map((value) => ({ kind: 'long' as const, value })),
  fc.boolean().map((value) => ({ kind: 'bool' as const, value })),
  fc.option(bytes).map((value) => ({ kind: 'buffer' as const, value })),
  fc.option(text).map((value) => ({ kind: 'ustring' as const, value })),
  fc.option(fc.array(text, { maxLength: 5 })).map((value) => ({ kind: 'strings' as const, value })),
  fc.option(fc.array(acl, { maxLength: 3 })).map((value) => ({ kind: 'acls' as const, value })),
  stat.map((value) => ({ kind: 'stat' as const, value })),
);

function writeField(w: JuteWriter, f: Field): void {
  switch (f.kind) {
    case 'int':
      return w.writeInt(f.value);
    case 'long':
      return w.writeLong(f.value);
    case 'bool':
      return w.writeBool(f.value);
    case 'buffer':
      return w.writeBuffer(f.value);
    case 'ustring':
      return w.writeUstring(f.value);
    case 'strings':
      return w.writeStringVector(f.value);
    case 'acls':
      return w.writeAclVector(f.value);
    case 'stat':
      return w.writeStat(f.value);
  }
}

function readField(r: JuteReader, kind: Field['kind']): unknown {
  switch (kind) {
    case 'int':
      return r.readInt();
    case 'long':
      return r.readLong();
    case 'bool':
      return r.readBool();
    case 'buffer':
      return r.readBuffer();
    case 'ustring':
      return r.readUstring();
    case 'strings':
      return r.readStringVector();
    case 'acls':
      return r.readAclVector();
    case 'stat':
      return r.readStat();
  }
}

function intBytes(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeInt32BE(v, 4 * i));
  return b;
}

describe('JuteReader and JuteWriter', () => {
  test('round-trips any sequence of fields through a writer that starts tiny and grows', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 30 }), (fields) => {
        const w = new JuteWriter({ initialBytes: 1 });
        for (const f of fields) writeField(w, f);
        const r = new JuteReader(w.toBuffer());
        for (const f of fields) expect(readField(r, f.kind)).toEqual(f.value);
        expect(r.remaining()).toBe(0);
      }),
    );
  });

  test('writes strings of every size as Java does: UTF-8, but a non-BMP char as 3+3 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const w = new JuteWriter({ initialBytes: 2 });
        w.writeUstring(s);
        // Per UTF-16 unit: a surrogate alone is ED A0..BF xx, everything else plain UTF-8.
        const units = [...Array(s.length).keys()].map((i) => s.charCodeAt(i));
        const encoded = Buffer.concat(
          units.map((u) =>
            u >= 0xd800 && u <= 0xdfff
              ? Buffer.from([0xed, 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)])
              : Buffer.from(String.fromCharCode(u), 'utf8'),
          ),
        );
        expect(w.toBuffer()).toEqual(Buffer.concat([intBytes(encoded.length), encoded]));
      }),
    );
  });

  test('reads a non-BMP char as Java reads it: from UTF-8 whole, from Java bytes as U+FFFD', () => {
    const w = new JuteWriter();
    w.writeUstring('/😀');
    const utf8 = Buffer.from('/😀', 'utf8');
    const r = new JuteReader(Buffer.concat([w.toBuffer(), intBytes(utf8.length), utf8]));
    expect([r.readUstring(), r.readUstring()]).toEqual(['/\ufffd\ufffd', '/😀']);
  });

  test('keeps null and empty buffers, strings and vectors distinct', () => {
    const w = new JuteWriter();
    w.writeBuffer(null);
    w.writeBuffer(Buffer.alloc(0));
    w.writeUstring(null);
    w.writeUstring('');
    w.writeStringVector(null);
    w.writeStringVector([]);
    expect(w.toBuffer()).toEqual(intBytes(-1, 0, -1, 0, -1, 0));
    const r = new JuteReader(w.toBuffer());
    expect([r.readBuffer(), r.readBuffer()]).toEqual([null, Buffer.alloc(0)]);
    expect([r.readUstring(), r.readUstring()]).toEqual([null, '']);
    expect([r.readStringVector(), r.readStringVector()]).toEqual([null, []]);
  });

  test('writes booleans as exactly 0 or 1 and reads any non-zero byte as true', () => {
    const w = new JuteWriter();
    w.writeBool(true);
    w.writeBool(false);
    expect(w.toBuffer()).toEqual(Buffer.from([1, 0]));
    const r = new JuteReader(Buffer.from([2, 0xff, 0]));
    expect([r.readBool(), r.readBool(), r.readBool()]).toEqual([true, true, false]);
  });

  test('writes a Stat as 68 bytes in ZooKeeper field order', () => {
    const w = new JuteWriter();
    w.writeStat({
      czxid: 1n,
      mzxid: 2n,
      ctime: 3n,
      mtime: 4n,
      version: 5,
      cversion: -1,
      aversion: 7,
      ephemeralOwner: 8n,
      dataLength: 9,
      numChildren: 10,
      pzxid: 11n,
    });
    const b = w.toBuffer();
    expect(b.length).toBe(68);
    expect(b.readBigInt64BE(0)).toBe(1n);
    expect(b.readBigInt64BE(24)).toBe(4n);
    expect(b.readInt32BE(36)).toBe(-1);
    expect(b.readBigInt64BE(44)).toBe(8n);
    expect(b.readBigInt64BE(60)).toBe(11n);
  });

  test('reads a string vector with a negative count other than -1 as empty, as Java does', () => {
    expect(new JuteReader(intBytes(-5)).readStringVector()).toEqual([]);
  });

  test('rejects a buffer length larger than the limit even when the bytes are there', () => {
    const payload = Buffer.concat([intBytes(17), Buffer.alloc(17)]);
    expect(() => new JuteReader(payload, { bufferBytesMax: 16 }).readBuffer()).toThrow(DecodeError);
    expect(new JuteReader(payload, { bufferBytesMax: 17 }).readBuffer()).toEqual(Buffer.alloc(17));
  });

  test('rejects the default-limit overflow 0x100000 as a string length', () => {
    expect(() => new JuteReader(intBytes(0x100000)).readUstring()).toThrow(DecodeError);
  });

  test('rejects negative lengths other than -1', () => {
    expect(() => new JuteReader(intBytes(-2)).readBuffer()).toThrow(DecodeError);
    expect(() => new JuteReader(intBytes(-0x80000000)).readUstring()).toThrow(DecodeError);
  });

  test('rejects a null where a string is required', () => {
    expect(() => new JuteReader(intBytes(-1)).readString()).toThrow(DecodeError);
    expect(() => new JuteReader(intBytes(1, -1)).readStringVector()).toThrow(DecodeError);
  });

  test('rejects a vector count that cannot fit in the remaining bytes without allocating', () => {
    expect(() => new JuteReader(intBytes(0x7fffffff)).readStringVector()).toThrow(DecodeError);
    expect(() => new JuteReader(intBytes(3, 0, 0)).readAclVector()).toThrow(DecodeError);
  });

  test('raises DecodeError, never RangeError, for any read past the end', () => {
    const reads: ((r: JuteReader) => unknown)[] = [
      (r) => r.readInt(),
      (r) => r.readLong(),
      (r) => r.readBool(),
      (r) => r.readBuffer(),
      (r) => r.readUstring(),
      (r) => r.readString(),
      (r) => r.readStringVector(),
      (r) => r.readAclVector(),
      (r) => r.readStat(),
    ];
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.array(fc.nat(reads.length - 1), { maxLength: 10 }),
        (input, order) => {
          const r = new JuteReader(Buffer.from(input));
          try {
            for (const i of order) reads[i]?.(r);
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
          }
        },
      ),
    );
  });

  test('copies buffers out so that they do not alias the frame', () => {
    const payload = Buffer.concat([intBytes(2), Buffer.from([7, 8])]);
    const data = new JuteReader(payload).readBuffer();
    payload[4] = 0;
    expect(data).toEqual(Buffer.from([7, 8]));
  });

  test('starts at the given offset and rejects an offset outside the buffer', () => {
    expect(new JuteReader(intBytes(1, 2), undefined, 4).readInt()).toBe(2);
    expect(() => new JuteReader(intBytes(1), undefined, 5)).toThrow(DecodeError);
  });
});
