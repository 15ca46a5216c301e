// Tests for reading request frames in place: FrameReader.nextSpan hands out where a payload lies,
// JuteReader.readFrame reads only that span, and a request's world:anyone ACL is read as a
// shared list equal to what the general decoding gives.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from './decode-error.js';
import { FrameReader } from './frame-reader.js';
import { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import type { RequestAcl } from './records.js';

function frame(payload: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([length, payload]);
}

function chunked(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  return [...points, stream.length].map((p, i, all) => stream.subarray(all[i - 1] ?? 0, p));
}

describe('FrameReader.nextSpan', () => {
  test('spans the same payloads as next, however the stream is chunked', () => {
    const payloads = fc.array(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), {
      maxLength: 10,
    });
    fc.assert(
      fc.property(payloads, fc.array(fc.nat(), { maxLength: 20 }), (frames, cuts) => {
        const reader = new FrameReader();
        const out: Buffer[] = [];
        for (const chunk of chunked(Buffer.concat(frames.map(frame)), cuts)) {
          reader.push(chunk);
          for (let span = reader.nextSpan(); span !== null; span = reader.nextSpan()) {
            out.push(Buffer.from(span.bytes.subarray(span.start, span.end)));
          }
        }
        expect(out).toEqual(frames);
        expect(reader.bufferedBytes).toBe(0);
      }),
    );
  });

  test('points into the chunk a whole frame arrived in, with no copy', () => {
    const chunk = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('de'))]);
    const reader = new FrameReader();
    reader.push(chunk);
    expect(reader.nextSpan()).toEqual({ bytes: chunk, start: 4, end: 7 });
    expect(reader.nextSpan()).toEqual({ bytes: chunk, start: 11, end: 13 });
    expect(reader.nextSpan()).toBeNull();
  });
});

describe('JuteReader.readFrame', () => {
  test('reads no byte past the end of the frame, though the buffer goes on', () => {
    const bytes = Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
    const reader = new JuteReader(Buffer.alloc(0)).readFrame({ bytes, start: 4, end: 8 });
    expect(reader.remaining()).toBe(4);
    expect(reader.readInt()).toBe(2);
    expect(() => reader.readInt()).toThrow(DecodeError);
  });

  test('counts offsets in its messages from the start of the frame', () => {
    const bytes = Buffer.from([9, 9, 9, 9, 0, 0, 0, 1]);
    const reader = new JuteReader(Buffer.alloc(0)).readFrame({ bytes, start: 4, end: 8 });
    reader.readInt();
    expect(() => reader.readInt()).toThrow('int needs 4 bytes at offset 4, 0 remain');
  });

  test('refuses a span outside its buffer', () => {
    const reader = new JuteReader(Buffer.alloc(0));
    expect(() => reader.readFrame({ bytes: Buffer.alloc(4), start: 2, end: 6 })).toThrow(
      DecodeError,
    );
  });
});

/** The ACL as readRequestAclVector read every list before the shared world:anyone ones. */
function readAclEntryByEntry(bytes: Buffer): RequestAcl[] | null {
  const r = new JuteReader(bytes);
  const count = r.readVectorCount(12);
  if (count === null) return null;
  return Array.from({ length: count }, () => {
    const perms = r.readInt();
    return { perms, id: { scheme: r.readUstring(), id: r.readUstring() } };
  });
}

function encodeAcl(acl: RequestAcl[] | null): Buffer {
  const w = new JuteWriter();
  if (acl === null) w.writeInt(-1);
  else {
    w.writeInt(acl.length);
    for (const { perms, id } of acl) {
      w.writeInt(perms);
      w.writeUstring(id.scheme);
      w.writeUstring(id.id);
    }
  }
  w.writeInt(77); // what follows the ACL in a request
  return w.toBuffer();
}

describe('JuteReader.readRequestAclVector', () => {
  test('reads every ACL as the entry-by-entry decoding does, world:anyone ones shared', () => {
    const text = fc.oneof(fc.constantFrom('world', 'anyone', 'auth', 'ip'), fc.string());
    const perms = fc.oneof(fc.integer({ min: -2, max: 40 }), fc.integer());
    const entry = fc.oneof(
      fc.record({ perms, id: fc.constant({ scheme: 'world', id: 'anyone' }) }),
      fc.record({ perms, id: fc.record({ scheme: fc.option(text), id: fc.option(text) }) }),
    );
    fc.assert(
      fc.property(fc.option(fc.array(entry, { maxLength: 3 })), (acl) => {
        const bytes = encodeAcl(acl);
        const r = new JuteReader(bytes);
        expect(r.readRequestAclVector()).toEqual(readAclEntryByEntry(bytes));
        expect(r.readInt()).toBe(77);
      }),
    );
  });

  test('reads a short ACL that ends its frame without looking past the end', () => {
    const acl = [{ perms: 0, id: { scheme: 'ab', id: 'world' } }];
    const bytes = encodeAcl(acl).subarray(0, -4);
    expect(new JuteReader(bytes).readRequestAclVector()).toEqual(acl);
  });

  test('gives the same frozen list to every request with one world:anyone entry', () => {
    const open = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
    const first = new JuteReader(encodeAcl(open)).readRequestAclVector();
    const second = new JuteReader(encodeAcl(open)).readRequestAclVector();
    expect(first).toEqual(open);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.[0]?.id)).toBe(true);
  });
});
