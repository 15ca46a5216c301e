// The records of the next write, framed where they will be written from: one buffer, kept and
// reused from batch to batch, so that a record is encoded once, in place — no buffer of its own,
// no frame of its own, no concatenation — and a batch is one write.

import type { Txn } from '../../core/tree/txn.js';
import {
  logRecordBytesMax,
  txnRecordBytesMax,
  writeLogRecord,
  writeTxnRecord,
  type LogRecord,
} from './log-record.js';
import { frameHeaderBytes, sealFrame } from './record-frame.js';

/** Enough for a few hundred small txns; a larger batch grows the buffer. */
const initialBytes = 256 * 1024;
/** A buffer grown past this (a batch of large txns) is let go once the batch is written. */
const keptBytesMax = 4 * 1024 * 1024;

export class RecordBatch {
  private buffer = Buffer.allocUnsafe(initialBytes);
  private used = 0;

  /** Bytes of framed records appended since the last clear. */
  get length(): number {
    return this.used;
  }

  /** Frames `record` after the records already in the batch. */
  append(record: LogRecord): void {
    const at = this.begin(logRecordBytesMax(record));
    this.seal(at, writeLogRecord(record, this.buffer, at + frameHeaderBytes));
  }

  /** append({ type: 'txn', txn }), without that object: the log's one record per write. */
  appendTxn(txn: Txn): void {
    const at = this.begin(txnRecordBytesMax(txn));
    this.seal(at, writeTxnRecord(txn, this.buffer, at + frameHeaderBytes));
  }

  /**
   * The framed records, a view of the batch's buffer: it must not be written to while the
   * bytes are on their way to disk, so the next append waits for that write (see DiskTxnLog).
   */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  /** Forgets the records appended after the first `length` bytes. */
  truncate(length: number): void {
    if (length < 0 || length > this.used) throw new RangeError(`truncate to ${length}`);
    this.used = length;
  }

  clear(): void {
    this.used = 0;
    if (this.buffer.length > keptBytesMax) this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Room for a frame whose payload is at most `payloadBytesMax`; returns where it starts. */
  private begin(payloadBytesMax: number): number {
    this.reserve(frameHeaderBytes + payloadBytesMax);
    return this.used;
  }

  /** Frames the payload written from `at + frameHeaderBytes` up to `end`, in place. */
  private seal(at: number, end: number): void {
    sealFrame(this.buffer, at, end - at - frameHeaderBytes);
    this.used = end;
  }

  private reserve(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}
