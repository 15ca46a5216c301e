// What a log segment's records hold: a txn, or a truncation of the txns logged after a zxid.
// A record is a kind byte and its zxid (big-endian int64), then, for a txn, the txn's bytes. The
// zxid up front lets recovery pass over the txns a snapshot already holds without decoding them.
// Kinds: 3 is a txn in Jute-like binary (txn-record-codec.ts), the only txn kind written since
// segment format 3 (magic ZOOLOG03); 1 is a txn as msgpack (format 2, ZOOLOG02), still read so a
// data directory written before keeps its log; 2 is a truncation, its prefix alone.

import { assertNever, DecodeError } from '@zoo/client/protocol';
import type { Txn } from '../../core/tree/txn.js';
import { unpackValue } from '../msgpack-value.js';
import { readTxn } from '../read-txn.js';
import { readTxnAt, txnBytesMax, writeInt64, writeTxn } from './txn-record-codec.js';

export type LogRecord = { type: 'txn'; txn: Txn } | { type: 'truncate'; afterZxid: bigint };

/** Format 2's txn kind: read, never written. */
const msgpackTxnKind = 1;
const truncateKind = 2;
const txnKind = 3;
/** The kind byte and the zxid, in front of a txn's bytes. */
const prefixBytes = 9;

export function encodeLogRecord(record: LogRecord): Buffer {
  const out = Buffer.allocUnsafe(logRecordBytesMax(record));
  return out.subarray(0, writeLogRecord(record, out, 0));
}

/** At least the bytes writeLogRecord writes for `record`. */
export function logRecordBytesMax(record: LogRecord): number {
  return prefixBytes + (record.type === 'txn' ? txnBytesMax(record.txn) : 0);
}

/**
 * Writes `record` at `offset` of `target`, which must have logRecordBytesMax(record) bytes free
 * there; returns the offset after it.
 */
export function writeLogRecord(record: LogRecord, target: Buffer, offset: number): number {
  if (record.type === 'truncate') {
    target[offset] = truncateKind;
    return target.writeBigInt64BE(record.afterZxid, offset + 1);
  }
  return writeTxnRecord(record.txn, target, offset);
}

/** At least the bytes writeTxnRecord writes for `txn`. */
export function txnRecordBytesMax(txn: Txn): number {
  return prefixBytes + txnBytesMax(txn);
}

/** writeLogRecord of a txn's record, with no record object made around the txn. */
export function writeTxnRecord(txn: Txn, target: Buffer, offset: number): number {
  target[offset] = txnKind;
  writeInt64(txn.zxid, target, offset + 1);
  return writeTxn(txn, target, offset + prefixBytes);
}

/** The record's kind and zxid, read without decoding the txn. */
export function peekLogRecord(payload: Buffer): { type: LogRecord['type']; zxid: bigint } {
  if (payload.length < prefixBytes) throw new DecodeError('a log record cut short');
  const kind = payload.readUInt8(0);
  const type = kindTypes.get(kind);
  if (type === undefined) throw new DecodeError(`record kind ${kind}`);
  return { type, zxid: payload.readBigInt64BE(1) };
}

/** True when `payload` is a txn record (of either format) long enough to hold its zxid. */
export function isTxnRecord(payload: Buffer): boolean {
  const kind = payload[0];
  return payload.length >= prefixBytes && (kind === txnKind || kind === msgpackTxnKind);
}

const kindTypes = new Map<number, LogRecord['type']>([
  [msgpackTxnKind, 'txn'],
  [truncateKind, 'truncate'],
  [txnKind, 'txn'],
]);

/** Throws DecodeError when the bytes are no record (the checksum matched: a bug or a version). */
export function decodeLogRecord(payload: Buffer): LogRecord {
  const { type, zxid } = peekLogRecord(payload);
  switch (type) {
    case 'txn': {
      if (payload.length === prefixBytes) throw new DecodeError('a txn record without its txn');
      if (payload[0] === txnKind) return { type, txn: readTxnAt(payload, prefixBytes, zxid) };
      const txn = readTxn(unpackValue(payload.subarray(prefixBytes), 'log record'), 'txn');
      if (txn.zxid !== zxid)
        throw new DecodeError(`txn 0x${txn.zxid.toString(16)} filed as ${zxid}`);
      return { type, txn };
    }
    case 'truncate':
      if (payload.length !== prefixBytes) throw new DecodeError('bytes after a truncation');
      return { type, afterZxid: zxid };
    default:
      return assertNever(type, 'log record type');
  }
}

/** Replays one record onto `log` as MemoryTxnLog does; a problem is described, not thrown. */
export function replayRecord(log: Txn[], record: LogRecord): string | null {
  if (record.type === 'truncate') {
    const keep = log.findIndex((txn) => txn.zxid > record.afterZxid);
    if (keep >= 0) log.length = keep;
    return null;
  }
  const last = log.at(-1);
  if (last !== undefined && record.txn.zxid <= last.zxid) {
    return `txn 0x${record.txn.zxid.toString(16)} after 0x${last.zxid.toString(16)}`;
  }
  log.push(record.txn);
  return null;
}
