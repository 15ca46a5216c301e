import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { txnArb } from '../testing/peer-message-arbitraries.js';
import { decodeLogRecord, encodeLogRecord, type LogRecord } from './log-record.js';
import { RecordBatch } from './record-batch.js';
import { encodeFrame, frameAt } from './record-frame.js';
import { createTxn, createTxns } from './testing/disk-fixtures.js';

/** Every record framed in `bytes`, decoded; throws at a frame that does not check. */
function recordsIn(bytes: Buffer): LogRecord[] {
  const records: LogRecord[] = [];
  let offset = 0;
  for (let frame = frameAt(bytes, offset); frame.type !== 'end'; frame = frameAt(bytes, offset)) {
    if (frame.type === 'bad') throw new Error(`${frame.problem} at ${offset}`);
    records.push(decodeLogRecord(frame.payload));
    offset = frame.nextOffset;
  }
  return records;
}

describe('RecordBatch', () => {
  test('frames records byte for byte as encodeFrame(encodeLogRecord(record)) does', () => {
    const batch = new RecordBatch();
    const records: LogRecord[] = [
      ...createTxns(0x100000001n, 3).map((txn) => ({ type: 'txn' as const, txn })),
      { type: 'truncate', afterZxid: 0x100000002n },
    ];
    for (const record of records) batch.append(record);
    const expected = Buffer.concat(records.map((record) => encodeFrame(encodeLogRecord(record))));
    expect(batch.bytes().equals(expected)).toBe(true);
    expect(recordsIn(batch.bytes())).toEqual(records);
  });

  test('appendTxn frames a txn byte for byte as append of its record does', () => {
    fc.assert(
      fc.property(fc.array(txnArb, { maxLength: 6 }), (txns) => {
        const byRecord = new RecordBatch();
        const byTxn = new RecordBatch();
        for (const txn of txns) {
          byRecord.append({ type: 'txn', txn });
          byTxn.appendTxn(txn);
        }
        expect(byTxn.bytes().equals(byRecord.bytes())).toBe(true);
      }),
    );
  });

  test('grows past its first buffer, keeps what it held, and forgets truncated records', () => {
    const batch = new RecordBatch();
    const large = createTxns(0x100000001n, 40).map((txn, i) =>
      i % 10 === 0 ? createTxn(txn.zxid, 100_000) : txn,
    );
    for (const txn of large) batch.append({ type: 'txn', txn });
    expect(batch.length).toBeGreaterThan(256 * 1024);
    const kept = batch.length;
    batch.append({ type: 'txn', txn: createTxn(0x100000029n) });
    batch.truncate(kept);
    const framed = large.map((txn) => encodeFrame(encodeLogRecord({ type: 'txn', txn })));
    expect(batch.bytes().equals(Buffer.concat(framed))).toBe(true);
    batch.clear();
    expect(batch.length).toBe(0);
    batch.append({ type: 'truncate', afterZxid: 7n });
    expect(recordsIn(batch.bytes())).toEqual([{ type: 'truncate', afterZxid: 7n }]);
  });
});
