// What the generated field test puts in place of one field of a well-formed request: per Jute
// kind the values a hostile or careless client may send — null (−1), empty, negative lengths
// and counts, lengths past the frame, very long strings, non-BMP characters (as UTF-8 and as
// Java writes them), invalid UTF-8 and unknown int, long and boolean values.

import fc from 'fast-check';
import type { FieldKind } from './field-trace.js';

export interface FieldVariant {
  name: string;
  bytes: Buffer;
}

const intMin = -0x8000_0000;
const intMax = 0x7fff_ffff;

function int(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value, 0);
  return bytes;
}

function long(value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value, 0);
  return bytes;
}

const withLength = (body: Buffer): Buffer => Buffer.concat([int(body.length), body]);

/** Java's encoding of a code point: each UTF-16 unit alone, so a surrogate takes 3 bytes. */
function javaUtf8(codePoint: number): Buffer {
  const units = String.fromCodePoint(codePoint);
  const bytes: number[] = [];
  for (let i = 0; i < units.length; i++) {
    const unit = units.charCodeAt(i);
    bytes.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
  }
  return Buffer.from(bytes);
}

/** Bytes that start, continue, overlong-encode or break a UTF-8 sequence. */
const trickyByte = fc.constantFrom(
  0x41,
  0x2f,
  0x80,
  0x8f,
  0xa0,
  0xbf,
  0xc0,
  0xc2,
  0xdf,
  0xe0,
  0xed,
  0xef,
  0xf0,
  0xf4,
  0xf5,
  0xff,
);

/** Length prefixes no record may carry: negative (−1 is null), huge, or past the frame. */
function badLength(rest: number): fc.Arbitrary<FieldVariant> {
  return fc.oneof(
    fc.integer({ min: intMin, max: -2 }).map((n) => ({ name: `length ${n}`, bytes: int(n) })),
    fc.constantFrom(intMax, rest + 1).map((n) => ({ name: `length ${n}`, bytes: int(n) })),
  );
}

function ustringVariants(original: Buffer, rest: number): fc.Arbitrary<FieldVariant> {
  const text = original.subarray(4);
  const separator = Buffer.from(text[0] === 0x2f ? '/' : '');
  const suffixed = (name: string, suffix: Buffer): FieldVariant => ({
    name,
    bytes: withLength(Buffer.concat([text, separator, suffix])),
  });
  return fc.oneof(
    fc.constant({ name: 'null', bytes: int(-1) }),
    fc.constant({ name: 'empty', bytes: int(0) }),
    badLength(rest),
    fc
      .integer({ min: 256, max: 4096 })
      .map((n) => suffixed(`${n} more chars`, Buffer.from('x'.repeat(n)))),
    fc
      .tuple(fc.integer({ min: 0x10000, max: 0x10ffff }), fc.boolean())
      .map(([codePoint, isJava]) =>
        suffixed(
          `U+${codePoint.toString(16)} as ${isJava ? 'Java writes it' : 'UTF-8'}`,
          isJava ? javaUtf8(codePoint) : Buffer.from(String.fromCodePoint(codePoint)),
        ),
      ),
    fc
      .array(trickyByte, { minLength: 1, maxLength: 6 })
      .map((bytes) => suffixed(`bytes ${Buffer.from(bytes).toString('hex')}`, Buffer.from(bytes))),
  );
}

function bufferVariants(rest: number): fc.Arbitrary<FieldVariant> {
  return fc.oneof(
    fc.constant({ name: 'null', bytes: int(-1) }),
    fc.constant({ name: 'empty', bytes: int(0) }),
    badLength(rest),
    fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((bytes) => ({ name: 'bytes', bytes: withLength(Buffer.from(bytes)) })),
  );
}

function vectorVariants(original: Buffer): fc.Arbitrary<FieldVariant> {
  const count = original.readInt32BE(0);
  const elements = original.subarray(4);
  return fc.oneof(
    fc.constant({ name: 'null', bytes: int(-1) }),
    fc.constant({ name: 'empty', bytes: int(0) }),
    fc.integer({ min: intMin, max: -2 }).map((n) => ({ name: `count ${n}`, bytes: int(n) })),
    fc.constantFrom(count + 1, intMax).map((n) => ({
      name: `count ${n} for ${count} elements`,
      bytes: Buffer.concat([int(n), elements]),
    })),
  );
}

const intVariants: fc.Arbitrary<FieldVariant> = fc
  .oneof(fc.constantFrom(intMin, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 100, intMax), fc.integer())
  .map((n) => ({ name: `${n}`, bytes: int(n) }));

const longVariants: fc.Arbitrary<FieldVariant> = fc
  .oneof(
    fc.constantFrom(-(2n ** 63n), -2n, -1n, 0n, 1n, 2n ** 63n - 1n),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  )
  .map((n) => ({ name: `${n}`, bytes: long(n) }));

const boolVariants: fc.Arbitrary<FieldVariant> = fc
  .constantFrom(0, 1, 2, 0x80, 0xff)
  .map((n) => ({ name: `byte ${n}`, bytes: Buffer.from([n]) }));

/**
 * The variants of one field, given its original bytes and how many payload bytes follow it
 * (so a length can point just past the frame).
 */
export function fieldVariants(
  kind: FieldKind,
  original: Buffer,
  rest: number,
): fc.Arbitrary<FieldVariant> {
  switch (kind) {
    case 'ustring':
      return ustringVariants(original, rest);
    case 'buffer':
      return bufferVariants(rest);
    case 'vector':
      return vectorVariants(original);
    case 'int':
      return intVariants;
    case 'long':
      return longVariants;
    case 'bool':
      return boolVariants;
  }
}
