// What a log segment's records hold: a txn, or a truncation of the txns logged after a zxid.
// A record is a kind byte and its zxid (big-endian int64), then, for a txn, the txn in the peer
// links' msgpackr configuration read back with read-txn.ts's validation (a txn on disk and on
// the wire are one format). The zxid up front lets recovery pass over the txns a snapshot
// already holds without decoding them.

import { assertNever, DecodeError } from '@zoo/client/protocol';
import type { Txn } from '../../core/tree/txn.js';
import { packValue, unpackValue } from '../msgpack-value.js';
import { readTxn } from '../read-txn.js';

export type LogRecord = { type: 'txn'; txn: Txn } | { type: 'truncate'; afterZxid: bigint };

const txnKind = 1;
const truncateKind = 2;
/** The kind byte and the zxid, in front of a txn's msgpack. */
export const logRecordPrefixBytes = 9;
const prefixBytes = logRecordPrefixBytes;

export function encodeLogRecord(record: LogRecord): Buffer {
  const body = logRecordBody(record);
  const out = Buffer.allocUnsafe(prefixBytes + (body?.length ?? 0));
  writeLogRecordPrefix(record, out, 0);
  body?.copy(out, prefixBytes);
  return out;
}

/**
 * What follows the prefix: a txn's msgpack (a view of the packer's buffer, to be copied before
 * the next pack), or null for a truncation, which is its prefix alone.
 */
export function logRecordBody(record: LogRecord): Buffer | null {
  return record.type === 'txn' ? packValue(record.txn) : null;
}

/** Writes the record's kind and zxid at `offset` of `target`; its body goes right after. */
export function writeLogRecordPrefix(record: LogRecord, target: Buffer, offset: number): void {
  target[offset] = record.type === 'txn' ? txnKind : truncateKind;
  target.writeBigInt64BE(record.type === 'txn' ? record.txn.zxid : record.afterZxid, offset + 1);
}

/** The record's kind and zxid, read without decoding the txn. */
export function peekLogRecord(payload: Buffer): { type: LogRecord['type']; zxid: bigint } {
  if (payload.length < prefixBytes) throw new DecodeError('a log record cut short');
  const kind = payload.readUInt8(0);
  if (kind !== txnKind && kind !== truncateKind) throw new DecodeError(`record kind ${kind}`);
  return { type: kind === txnKind ? 'txn' : 'truncate', zxid: payload.readBigInt64BE(1) };
}

/** Throws DecodeError when the bytes are no record (the checksum matched: a bug or a version). */
export function decodeLogRecord(payload: Buffer): LogRecord {
  const { type, zxid } = peekLogRecord(payload);
  switch (type) {
    case 'txn': {
      if (payload.length === prefixBytes) throw new DecodeError('a txn record without its txn');
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
