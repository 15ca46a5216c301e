import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '@zoo/client/protocol';
import type { Txn } from '../../core/tree/txn.js';
import { packValue } from '../msgpack-value.js';
import { txnArb } from '../testing/peer-message-arbitraries.js';
import { decodeLogRecord, encodeLogRecord, logRecordBytesMax } from './log-record.js';
import { encodeCheckedFile, encodeFrame } from './record-frame.js';
import { recover } from './recover.js';
import { createTxn, createTxns, recordingLogger, useTempDir } from './testing/disk-fixtures.js';
import { writeDataDir } from './testing/write-data-dir.js';

const temp = useTempDir();

/** A txn record as segment format 2 wrote it: kind 1, the zxid, the txn as msgpack. */
function formatTwoRecord(txn: Txn): Buffer {
  const prefix = Buffer.alloc(9);
  prefix[0] = 1;
  prefix.writeBigInt64BE(txn.zxid, 1);
  return Buffer.concat([prefix, packValue(txn)]);
}

/** The record's kind and zxid, the txn header, the body's type and path (9 bytes). */
const createRecordHex = [
  ['03', '0000000500000007'], // kind 3 (binary txn), zxid
  ['0000018bcfe56807', '0000000100000000', '00000007'], // timeMs, sessionId, cxid
  ['01', '00000009', '2f6e35303030303030'], // create, "/n5000000"
]
  .flat()
  .join('');

describe('txn log records in binary (segment format 3)', () => {
  test('a create is laid out byte for byte as log-record.ts and txn-record-codec.ts say', () => {
    const txn: Txn = {
      ...createTxn(0x500000007n, 2),
      body: {
        type: 'create',
        path: '/n5000000',
        data: Buffer.from([0xab, 0xcd]),
        acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        ephemeralOwner: 0x100000000n,
        parentCVersion: 3,
      },
    };
    const expected = Buffer.concat([
      Buffer.from(createRecordHex, 'hex'),
      Buffer.from('00000002abcd', 'hex'), // data: length, bytes
      Buffer.from('00000001' + '0000001f', 'hex'), // one ACL: perms 31
      Buffer.from('00000005', 'hex'),
      Buffer.from('world'),
      Buffer.from('00000006', 'hex'),
      Buffer.from('anyone'),
      Buffer.from('0000000100000000' + '00000003', 'hex'), // owner, parentCVersion
    ]);
    const encoded = encodeLogRecord({ type: 'txn', txn });
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
    expect(decodeLogRecord(encoded)).toEqual({ type: 'txn', txn });
  });

  test('times before 1970 and past 2^32 ms keep their value (int64, two halves)', () => {
    for (const timeMs of [-1, -(2 ** 40) - 5, 2 ** 53 - 1, -(2 ** 53) + 1]) {
      const txn = { ...createTxn(0x500000007n), timeMs };
      expect(decodeLogRecord(encodeLogRecord({ type: 'txn', txn }))).toEqual({ type: 'txn', txn });
    }
  });

  test('a truncation is its kind and zxid alone', () => {
    const encoded = encodeLogRecord({ type: 'truncate', afterZxid: 0x500000003n });
    expect(encoded.toString('hex')).toBe('02' + '0000000500000003');
  });

  test('every txn reads back as written, within the size reserved for it', () => {
    fc.assert(
      fc.property(txnArb, (txn) => {
        const encoded = encodeLogRecord({ type: 'txn', txn });
        expect(encoded.length).toBeLessThanOrEqual(logRecordBytesMax({ type: 'txn', txn }));
        expect(decodeLogRecord(encoded)).toEqual({ type: 'txn', txn });
      }),
      { numRuns: 3000 },
    );
  });

  test('a format 2 data directory is recovered, and its log goes on in format 3', async () => {
    const old = createTxns(1n, 3);
    const header = { seq: 0, baseZxid: null, startsLine: true };
    const segment = Buffer.concat([
      encodeCheckedFile('ZOOLOG02', packValue(header)),
      ...old.map((txn) => encodeFrame(formatTwoRecord(txn))),
      Buffer.alloc(64),
    ]);
    writeFileSync(join(temp.dir, 'log.0000000000000000'), segment);
    expect((await recover(temp.dir, { logger: recordingLogger() })).log).toEqual(old);
    const next = createTxns(4n, 2);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: next }]]);
    const newSegment = readFileSync(join(temp.dir, 'log.0000000000000001'));
    expect(newSegment.subarray(0, 8).toString('latin1')).toBe('ZOOLOG03');
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.log).toEqual([...old, ...next]);
  });

  test('cut or altered bytes give a DecodeError or another valid txn, never a crash', () => {
    const mutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(txnArb, fc.array(mutation, { maxLength: 3 }), fc.nat(), (txn, edits, cut) => {
        const bytes = Buffer.from(encodeLogRecord({ type: 'txn', txn }));
        for (const { at, byte } of edits) bytes[at % bytes.length] = byte;
        const altered = bytes.subarray(0, Math.max(1, bytes.length - (cut % 4)));
        try {
          decodeLogRecord(altered);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('a txn cut short, or with bytes after it, is refused', () => {
    const encoded = encodeLogRecord({ type: 'txn', txn: createTxn(0x500000007n) });
    expect(() => decodeLogRecord(encoded.subarray(0, -1))).toThrow(DecodeError);
    expect(() => decodeLogRecord(Buffer.concat([encoded, Buffer.from([0])]))).toThrow(
      /1 bytes after the txn/,
    );
  });
});
