// A txn as the log writes it: Jute-like big-endian bytes, as ZooKeeper logs a TxnHeader and its
// body. Written straight into the log's batch buffer (no object walk, no intermediate buffer),
// which costs a fraction of packing the txn as msgpack did (format 2, still read: log-record.ts).
//
//   txn   = timeMs i64 | sessionId i64 | cxid i32 | body         (the zxid is in the record prefix)
//   body  = type u8 | fields, in the order of bodyCodes below; a multi: i32 count | bodies
//   string = i32 byte length | UTF-8, each surrogate 3 bytes as Java writes it
//   data  = i32 length (−1: null) | bytes        acl = i32 count | (perms i32 | scheme | id)…
//
// Reading checks what readTxn checks of msgpack: valid paths, known owner kinds, a multi's ops of
// the kinds a multi may hold, no bytes left over.

import {
  DecodeError,
  JuteReader,
  assertNever,
  hasSurrogate,
  writeJavaUtf8,
  type Acl,
} from '@zoo/client/protocol';
import type { MultiSubTxnBody, Txn, TxnBody } from '../../core/tree/txn.js';
import { checkedOwner, validPathOf } from '../read-txn.js';

/** The body's type byte; a code never changes meaning once logs hold it. */
const bodyCodes = {
  create: 1,
  delete: 2,
  setData: 3,
  setACL: 4,
  check: 5,
  multi: 6,
  error: 7,
  multiError: 8,
  createSession: 9,
  closeSession: 10,
  deleteContainer: 11,
} as const satisfies Record<TxnBody['type'], number>;

const bodyTypeOfCode = new Map<number, TxnBody['type']>(
  Object.entries(bodyCodes).map(([type, code]) => [code, type as TxnBody['type']]),
);

/** timeMs, sessionId, cxid and the body's type byte. */
const headBytes = 8 + 8 + 4 + 1;

/** At least the bytes writeTxn writes (a string's UTF-8 is at most 3 bytes per UTF-16 unit). */
export function txnBytesMax(txn: Txn): number {
  return headBytes + bodyBytesMax(txn.body);
}

function bodyBytesMax(body: TxnBody): number {
  switch (body.type) {
    case 'create':
      return stringMax(body.path) + dataMax(body.data) + aclMax(body.acl) + 12;
    case 'delete':
    case 'deleteContainer':
      return stringMax(body.path);
    case 'setData':
      return stringMax(body.path) + dataMax(body.data) + 4;
    case 'setACL':
      return stringMax(body.path) + aclMax(body.acl) + 4;
    case 'check':
      return stringMax(body.path) + 4;
    case 'multi': {
      let sum = 4;
      for (const op of body.ops) sum += 1 + bodyBytesMax(op);
      return sum;
    }
    case 'error':
    case 'createSession':
      return 4;
    case 'multiError':
      return 4 + 4 * body.errs.length;
    case 'closeSession': {
      let sum = 4;
      for (const path of body.ephemeralPaths) sum += stringMax(path);
      return sum;
    }
    default:
      return assertNever(body, 'txn body');
  }
}

const stringMax = (s: string): number => 4 + 3 * s.length;
const dataMax = (data: Buffer | null): number => 4 + (data?.length ?? 0);

// ACL lists are walked by index: many are frozen shared lists (a request's world:anyone, the
// tree's interned ones), over which a for-of allocates an iterator result per entry.
function aclMax(acl: readonly Acl[]): number {
  let sum = 4;
  for (let i = 0; i < acl.length; i++) {
    const entry = acl[i];
    if (entry === undefined) throw new RangeError(`ACL entry ${i} missing`);
    sum += 4 + stringMax(entry.id.scheme) + stringMax(entry.id.id);
  }
  return sum;
}

/**
 * Writes `txn` at `offset` of `target`, which must have txnBytesMax(txn) bytes free there;
 * returns the offset after it.
 */
export function writeTxn(txn: Txn, target: Buffer, offset: number): number {
  let at = writeSafeInteger(txn.timeMs, target, offset);
  at = writeInt64(txn.sessionId, target, at);
  at = target.writeInt32BE(txn.cxid, at);
  return writeBody(txn.body, target, at);
}

/** A safe integer as a big-endian int64, without making a bigint of it. */
function writeSafeInteger(n: number, b: Buffer, offset: number): number {
  const high = Math.floor(n / 0x1_0000_0000);
  b.writeInt32BE(high, offset);
  return b.writeUInt32BE(n - high * 0x1_0000_0000, offset + 4);
}

/** The view writeInt64 last wrote through (the batch buffer, reused from record to record). */
let int64View: DataView = new DataView(new ArrayBuffer(8));
let int64ViewOf: Buffer | null = null;

/** As Buffer.writeBigInt64BE, through a DataView: about half its cost (no bigint arithmetic). */
export function writeInt64(n: bigint, b: Buffer, offset: number): number {
  if (int64ViewOf !== b) {
    int64View = new DataView(b.buffer, b.byteOffset, b.length);
    int64ViewOf = b;
  }
  int64View.setBigInt64(offset, n);
  return offset + 8;
}

function writeBody(body: TxnBody, b: Buffer, offset: number): number {
  let at = offset;
  b[at++] = bodyCodes[body.type];
  switch (body.type) {
    case 'create':
      at = writeString(body.path, b, at);
      at = writeData(body.data, b, at);
      at = writeAcl(body.acl, b, at);
      at = writeInt64(body.ephemeralOwner, b, at);
      return b.writeInt32BE(body.parentCVersion, at);
    case 'delete':
    case 'deleteContainer':
      return writeString(body.path, b, at);
    case 'setData':
      at = writeString(body.path, b, at);
      at = writeData(body.data, b, at);
      return b.writeInt32BE(body.version, at);
    case 'setACL':
      at = writeString(body.path, b, at);
      at = writeAcl(body.acl, b, at);
      return b.writeInt32BE(body.version, at);
    case 'check':
      at = writeString(body.path, b, at);
      return b.writeInt32BE(body.version, at);
    case 'multi':
      at = b.writeInt32BE(body.ops.length, at);
      for (const op of body.ops) at = writeBody(op, b, at);
      return at;
    case 'error':
      return b.writeInt32BE(body.err, at);
    case 'multiError':
      at = b.writeInt32BE(body.errs.length, at);
      for (const err of body.errs) at = b.writeInt32BE(err, at);
      return at;
    case 'createSession':
      return b.writeInt32BE(body.timeoutMs, at);
    case 'closeSession':
      at = b.writeInt32BE(body.ephemeralPaths.length, at);
      for (const path of body.ephemeralPaths) at = writeString(path, b, at);
      return at;
    default:
      return assertNever(body, 'txn body');
  }
}

/** ASCII (every path Zoo's tests and most clients use) by hand; the rest as Java writes it. */
function writeString(s: string, b: Buffer, offset: number): number {
  const start = offset + 4;
  let length = s.length;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0x80) {
      length = hasSurrogate(s) ? writeJavaUtf8(b, start, s) : b.write(s, start, 'utf8');
      break;
    }
    b[start + i] = unit;
  }
  b.writeInt32BE(length, offset);
  return start + length;
}

function writeData(data: Buffer | null, b: Buffer, offset: number): number {
  if (data === null) return b.writeInt32BE(-1, offset);
  const at = b.writeInt32BE(data.length, offset);
  return at + data.copy(b, at);
}

function writeAcl(acl: readonly Acl[], b: Buffer, offset: number): number {
  let at = b.writeInt32BE(acl.length, offset);
  for (let i = 0; i < acl.length; i++) {
    const entry = acl[i];
    if (entry === undefined) throw new RangeError(`ACL entry ${i} missing`);
    at = b.writeInt32BE(entry.perms, at);
    at = writeString(entry.id.scheme, b, at);
    at = writeString(entry.id.id, b, at);
  }
  return at;
}

/** The txn at `offset` of `bytes` through its end; throws DecodeError if they hold no txn. */
export function readTxnAt(bytes: Buffer, offset: number, zxid: bigint): Txn {
  const r = new JuteReader(bytes, { bufferBytesMax: bytes.length, surrogates: 'kept' }, offset);
  const timeMs = Number(r.readLong());
  if (!Number.isSafeInteger(timeMs)) throw new DecodeError(`txn time ${timeMs} out of range`);
  const txn: Txn = {
    zxid,
    timeMs,
    sessionId: r.readLong(),
    cxid: r.readInt(),
    body: readBody(r, bytes),
  };
  if (r.remaining() !== 0) throw new DecodeError(`${r.remaining()} bytes after the txn`);
  return txn;
}

function readBody(r: JuteReader, bytes: Buffer, isInMulti = false): TxnBody {
  const at = `txn body at ${r.offset}`;
  const code = bytes[r.offset];
  const type = code === undefined ? undefined : bodyTypeOfCode.get(code);
  if (type === undefined) throw new DecodeError(`${at}: type ${code ?? 'cut short'}`);
  r.offset += 1;
  const body = readBodyOf(type, r, bytes, at);
  if (isInMulti && !isMultiSub(body)) throw new DecodeError(`${at}: ${type} in a multi`);
  return body;
}

function isMultiSub(body: TxnBody): body is MultiSubTxnBody {
  return (
    body.type === 'create' ||
    body.type === 'delete' ||
    body.type === 'setData' ||
    body.type === 'check'
  );
}

function readBodyOf(type: TxnBody['type'], r: JuteReader, bytes: Buffer, at: string): TxnBody {
  switch (type) {
    case 'create':
      return {
        type,
        path: readPath(r, at),
        data: r.readBuffer(),
        acl: readAcl(r, at),
        ephemeralOwner: checkedOwner(r.readLong(), at),
        parentCVersion: r.readInt(),
      };
    case 'delete':
    case 'deleteContainer':
      return { type, path: readPath(r, at) };
    case 'setData':
      return { type, path: readPath(r, at), data: r.readBuffer(), version: r.readInt() };
    case 'setACL':
      return { type, path: readPath(r, at), acl: readAcl(r, at), version: r.readInt() };
    case 'check':
      return { type, path: readPath(r, at), version: r.readInt() };
    case 'multi':
      return { type, ops: readList(r, at, 1, () => readBody(r, bytes, true)) };
    case 'error':
      return { type, err: r.readInt() };
    case 'multiError':
      return { type, errs: readList(r, at, 4, () => r.readInt()) };
    case 'createSession':
      return { type, timeoutMs: r.readInt() };
    case 'closeSession':
      return { type, ephemeralPaths: readList(r, at, 4, () => readPath(r, at)) };
    default:
      return assertNever(type, 'txn body type');
  }
}

function readPath(r: JuteReader, at: string): string {
  return validPathOf(r.readString(), at);
}

function readAcl(r: JuteReader, at: string): Acl[] {
  return readList(r, at, 12, () => ({
    perms: r.readInt(),
    id: { scheme: r.readString(), id: r.readString() },
  }));
}

/** A count, then that many items; a count the bytes left cannot hold is refused up front. */
function readList<T>(r: JuteReader, at: string, itemBytesMin: number, read: () => T): T[] {
  const count = r.readInt();
  if (count < 0 || count * itemBytesMin > r.remaining()) {
    throw new DecodeError(`${at}: a list of ${count} items`);
  }
  const items = new Array<T>(count);
  for (let i = 0; i < count; i++) items[i] = read();
  return items;
}
