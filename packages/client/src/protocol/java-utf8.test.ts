// Java's Jute string rules, checked against Java itself when a JDK is installed: random byte
// strings rich in lead, continuation and surrogate bytes decode to the same UTF-16 units as
// `new String(bytes, UTF_8)`, and strings encode each UTF-16 unit on its own as Jute does.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeJavaUtf8,
  decodeKeepingSurrogates,
  hasSurrogate,
  writeJavaUtf8,
} from './java-utf8.js';

const oracle = fileURLToPath(new URL('./testing/JavaUtf8Oracle.java', import.meta.url));
const hasJava = spawnSync('java', ['-version']).status === 0;

const trickyBytes = fc
  .uint8Array({ minLength: 0, maxLength: 12 })
  .chain((base) =>
    fc
      .array(
        fc.constantFrom(0x41, 0x80, 0x8f, 0x90, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed),
        { maxLength: 8 },
      )
      .chain((a) =>
        fc
          .array(fc.constantFrom(0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xf7, 0xf8, 0xff), { maxLength: 4 })
          .chain((b) => fc.shuffledSubarray([...base, ...a, ...b], { minLength: 0 })),
      ),
  );

const unitsHex = (s: string): string =>
  [...Array(s.length).keys()].map((i) => s.charCodeAt(i).toString(16).padStart(4, '0')).join('');

describe.skipIf(!hasJava)('decodeJavaUtf8 against Java', () => {
  test('random bytes decode to the UTF-16 units Java decodes them to', () => {
    const inputs = fc.sample(trickyBytes, { numRuns: 3000, seed: 14 }).map((b) => Buffer.from(b));
    const run = spawnSync('java', [oracle], {
      input: inputs.map((b) => b.toString('hex')).join('\n') + '\n',
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const expected = run.stdout.split('\n').slice(0, inputs.length);
    const actual = inputs.map((b) => unitsHex(decodeJavaUtf8(b, 0, b.length)));
    const firstMismatch = actual.findIndex((units, i) => units !== expected[i]);
    const input = inputs[firstMismatch]?.toString('hex');
    expect({ input, units: actual[firstMismatch] }).toEqual({
      input,
      units: expected[firstMismatch],
    });
  }, 60_000);
});

describe('writeJavaUtf8', () => {
  test('a non-BMP character becomes two 3-byte surrogates', () => {
    const target = Buffer.alloc(12);
    const written = writeJavaUtf8(target, 0, '/😀');
    expect(target.subarray(0, written).toString('hex')).toBe('2feda0bdedb880');
  });

  test('strings without surrogates encode as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite' }), (s) => {
        fc.pre(!hasSurrogate(s));
        const target = Buffer.alloc(3 * s.length);
        const written = writeJavaUtf8(target, 0, s);
        expect(target.subarray(0, written)).toEqual(Buffer.from(s, 'utf8'));
      }),
    );
  });

  test('valid UTF-8 decodes as Node decodes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(decodeJavaUtf8(bytes, 0, bytes.length)).toBe(bytes.toString('utf8'));
      }),
    );
  });
});

describe('decodeKeepingSurrogates', () => {
  test('reads back every string writeJavaUtf8 wrote, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.boolean(), (s, lone) => {
        const text = lone ? `${s}\ud800x\udfff` : s;
        const target = Buffer.alloc(3 * text.length);
        const written = writeJavaUtf8(target, 0, text);
        expect(decodeKeepingSurrogates(target, 0, written)).toBe(text);
      }),
    );
  });
});
