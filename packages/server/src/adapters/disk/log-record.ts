// What a log segment's records hold: a txn, or a truncation of the txns logged after a zxid.
// Encoded with the peer links' msgpackr configuration and read back with read-txn.ts's
// validation, so a txn on disk and a txn on the wire are one format.

import { assertNever } from '@zoo/client/protocol';
import type { Txn } from '../../core/tree/txn.js';
import { packValue, unpackValue } from '../msgpack-value.js';
import { readTxn } from '../read-txn.js';
import { WireObject } from '../wire-object.js';

export type LogRecord = { type: 'txn'; txn: Txn } | { type: 'truncate'; afterZxid: bigint };

export function encodeLogRecord(record: LogRecord): Buffer {
  return packValue(record);
}

/** Throws DecodeError when the bytes are no record (the checksum matched: a bug or a version). */
export function decodeLogRecord(payload: Uint8Array): LogRecord {
  const o = WireObject.of(unpackValue(payload, 'log record'), 'record');
  const type = o.oneOf('type', ['txn', 'truncate'] as const);
  switch (type) {
    case 'txn':
      return { type, txn: readTxn(o.get('txn'), o.at('txn')) };
    case 'truncate':
      return { type, afterZxid: o.int64('afterZxid') };
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
