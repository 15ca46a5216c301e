import { describe, expect, test } from 'vitest';
import { CorruptDataDirError } from './disk-errors.js';
import { decodeLogRecord, encodeLogRecord } from './log-record.js';
import {
  decodeCheckedFile,
  encodeCheckedFile,
  encodeFrame,
  findFrameAfter,
  frameAt,
} from './record-frame.js';
import { decodeSnapshot, encodeSnapshot, snapshotName } from './snapshot-file.js';
import { createSnapshot, createTxn } from './testing/disk-fixtures.js';

describe('record framing', () => {
  test('a frame reads back its payload and where the next one starts', () => {
    const one = encodeFrame(Buffer.from('first'));
    const two = encodeFrame(Buffer.from('second record'));
    const bytes = Buffer.concat([one, two, Buffer.alloc(32)]);
    const first = frameAt(bytes, 0);
    expect(first).toMatchObject({ type: 'record', nextOffset: one.length });
    if (first.type !== 'record') return;
    expect(first.payload.toString()).toBe('first');
    const second = frameAt(bytes, first.nextOffset);
    expect(second.type === 'record' && second.payload.toString()).toBe('second record');
    expect(frameAt(bytes, one.length + two.length)).toEqual({ type: 'end' });
    expect(frameAt(bytes, bytes.length)).toEqual({ type: 'end' });
  });

  test('every flipped bit of a frame fails it', () => {
    const frame = encodeFrame(Buffer.from('some payload bytes'));
    for (let bit = 0; bit < frame.length * 8; bit++) {
      const bytes = Buffer.concat([Buffer.from(frame), Buffer.alloc(16)]);
      bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(frameAt(bytes, 0).type, `bit ${bit}`).not.toBe('record');
    }
  });

  test('findFrameAfter finds the next valid frame past zeros and garbage, or none', () => {
    const frame = encodeFrame(Buffer.from('x'.repeat(100)));
    const garbage = Buffer.from('not a frame, just some bytes');
    const bytes = Buffer.concat([garbage, Buffer.alloc(200_000), frame, Buffer.alloc(10)]);
    expect(findFrameAfter(bytes, 0)).toBe(garbage.length + 200_000);
    expect(findFrameAfter(Buffer.concat([garbage, Buffer.alloc(100_000)]), 0)).toBeNull();
  });

  test('a txn log record and a truncation round-trip', () => {
    const txn = createTxn(0x500000007n, 100);
    expect(decodeLogRecord(encodeLogRecord({ type: 'txn', txn }))).toEqual({ type: 'txn', txn });
    const truncate = { type: 'truncate', afterZxid: 0x500000003n } as const;
    expect(decodeLogRecord(encodeLogRecord(truncate))).toEqual(truncate);
  });

  test('a snapshot file round-trips and a flipped bit in it is refused', () => {
    const snapshot = createSnapshot(0x300000010n);
    const bytes = encodeSnapshot({ snapshot, fromSeq: 7 });
    const file = snapshotName(snapshot.zxid);
    expect(decodeSnapshot(bytes, file)).toEqual({ snapshot, fromSeq: 7 });
    // Every byte after the magic is covered by a checksum: the head, the sessions, the nodes.
    for (let offset = 8; offset < bytes.length; offset++) {
      const flipped = Buffer.from(bytes);
      flipped[offset] = (flipped[offset] ?? 0) ^ 0x10;
      expect(() => decodeSnapshot(flipped, file), `bit flipped at ${offset}`).toThrow(
        CorruptDataDirError,
      );
    }
    expect(() => decodeSnapshot(bytes.subarray(0, -1), file)).toThrow(CorruptDataDirError);
    expect(() => decodeSnapshot(bytes, snapshotName(1n))).toThrow(/holds snapshot 0x300000010/);
  });

  test('a checked file refuses a wrong magic and trailing bytes', () => {
    const bytes = encodeCheckedFile('ZOOTEST1', Buffer.from('content'));
    expect(decodeCheckedFile(bytes, 'ZOOTEST1', 'f').toString()).toBe('content');
    expect(() => decodeCheckedFile(bytes, 'ZOOTEST2', 'f')).toThrow(/not a ZOOTEST2 file/);
    const longer = Buffer.concat([bytes, Buffer.from([1])]);
    expect(() => decodeCheckedFile(longer, 'ZOOTEST1', 'f')).toThrow(/bytes after its content/);
  });
});
