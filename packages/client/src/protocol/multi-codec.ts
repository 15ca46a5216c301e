// multi (14) and multiRead (22): a MultiHeader before each op or result, then a terminator
// {type −1, done true, err −1}. ZooKeeper: MultiOperationRecord, MultiResponse.

import { assert, assertNever } from './assert.js';
import { DecodeError } from './decode-error.js';
import type {
  MultiOp,
  MultiOpResult,
  MultiReadOp,
  MultiReadRequest,
  MultiRequest,
} from './messages.js';
import { OpCode } from './op-code.js';
import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import {
  opCodeOf,
  readCheck,
  readCreate,
  readDelete,
  readGetChildren,
  readGetData,
  readSetData,
  writeRequestRecord,
  type PathReader,
} from './request-records.js';

function writeMultiHeader(w: JuteWriter, type: number, err: number): void {
  w.writeInt(type);
  w.writeBool(false);
  w.writeInt(err);
}

function writeTerminator(w: JuteWriter): void {
  w.writeInt(-1);
  w.writeBool(true);
  w.writeInt(-1);
}

/** Each op as MultiHeader{opcode, false, −1} + its record, then the terminator. */
export function writeMultiOps(w: JuteWriter, ops: readonly (MultiOp | MultiReadOp)[]): void {
  for (const op of ops) {
    // ZooKeeper: Op.GetChildren is opcode 8 only; a getChildren2 inside multiRead is invalid.
    assert(op.type !== 'getChildren' || !op.withStat, 'multiRead getChildren cannot carry stat');
    writeMultiHeader(w, opCodeOf(op), -1);
    writeRequestRecord(w, op);
  }
  writeTerminator(w);
}

/**
 * ZooKeeper: MultiOperationRecord.deserialize — read headers until one says done (its type and
 * err are ignored). An op type outside the allowed set, or a write in multiRead / a read in
 * multi (Java: "Mixing read and write operations"), raises DecodeError: MarshallingError.
 */
export function readMultiRequest(r: JuteReader, isRead: boolean): MultiRequest | MultiReadRequest {
  const writes: MultiOp[] = [];
  const reads: MultiReadOp[] = [];
  /** The index of the first op whose path is a Jute null (Java reads it; prep fails on it). */
  let nullPathAt = -1;
  const readPath: PathReader = (reader) => {
    const path = reader.readUstring();
    if (path === null && nullPathAt < 0) nullPathAt = writes.length + reads.length;
    return path ?? '';
  };
  for (;;) {
    const type = r.readInt();
    const done = r.readBool();
    r.readInt();
    if (done) break;
    switch (type) {
      case OpCode.create:
        writes.push(readCreate(r, 'create', readPath));
        break;
      case OpCode.create2:
        writes.push(readCreate(r, 'create2', readPath));
        break;
      case OpCode.createContainer:
        writes.push(readCreate(r, 'createContainer', readPath));
        break;
      case OpCode.createTTL:
        writes.push(readCreate(r, 'createTTL', readPath));
        break;
      case OpCode.delete:
        writes.push(readDelete(r, readPath));
        break;
      case OpCode.setData:
        writes.push(readSetData(r, readPath));
        break;
      case OpCode.check:
        writes.push(readCheck(r, readPath));
        break;
      case OpCode.getData:
        reads.push(readGetData(r, readPath));
        break;
      case OpCode.getChildren:
        reads.push(readGetChildren(r, false, readPath));
        break;
      default:
        throw new DecodeError(`invalid type of op ${type} in a multi request`);
    }
    if ((writes.length > 0 && reads.length > 0) || (!isRead && reads.length > 0)) {
      throw new DecodeError(
        `op ${type} in ${isRead ? 'multiRead' : 'multi'}: mixing read and write operations`,
      );
    }
  }
  // ZooKeeper reads a multiRead of writes only, then fails on its first op while answering.
  if (isRead && writes.length > 0) nullPathAt = 0;
  const cut = nullPathAt < 0 ? {} : { isCutShortByNull: true as const };
  const end = nullPathAt < 0 ? undefined : nullPathAt;
  return isRead
    ? { type: 'multiRead', ops: reads.slice(0, end), ...cut }
    : { type: 'multi', ops: writes.slice(0, end), ...cut };
}

/** ZooKeeper: MultiResponse.serialize — per result a header + body, then the terminator. */
export function writeMultiResults(w: JuteWriter, results: readonly MultiOpResult[]): void {
  for (const result of results) writeMultiResult(w, result);
  writeTerminator(w);
}

function writeMultiResult(w: JuteWriter, result: MultiOpResult): void {
  switch (result.type) {
    case 'create':
      // ZooKeeper: a create answered with a stat travels as create2 (15), otherwise as 1.
      writeMultiHeader(w, result.stat === null ? OpCode.create : OpCode.create2, 0);
      w.writeUstring(result.path);
      if (result.stat !== null) w.writeStat(result.stat);
      return;
    case 'delete':
      return writeMultiHeader(w, OpCode.delete, 0);
    case 'setData':
      writeMultiHeader(w, OpCode.setData, 0);
      return w.writeStat(result.stat);
    case 'check':
      return writeMultiHeader(w, OpCode.check, 0);
    case 'getData':
      writeMultiHeader(w, OpCode.getData, 0);
      w.writeBuffer(result.data);
      return w.writeStat(result.stat);
    case 'getChildren':
      // ZooKeeper: GetChildrenResult serialises as GetChildrenResponse, children only.
      writeMultiHeader(w, OpCode.getChildren, 0);
      return w.writeStringVector(result.children);
    case 'error':
      writeMultiHeader(w, OpCode.error, result.err);
      return w.writeInt(result.err);
    default:
      return assertNever(result, 'multi result');
  }
}

/** ZooKeeper: MultiResponse.deserialize — an error result takes its code from ErrorResponse. */
export function readMultiResults(r: JuteReader): MultiOpResult[] {
  const results: MultiOpResult[] = [];
  for (;;) {
    const type = r.readInt();
    const done = r.readBool();
    r.readInt();
    if (done) return results;
    results.push(readMultiResult(r, type));
  }
}

function readMultiResult(r: JuteReader, type: number): MultiOpResult {
  switch (type) {
    case OpCode.create:
      return { type: 'create', path: r.readString(), stat: null };
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const path = r.readString();
      return { type: 'create', path, stat: r.readStat() };
    }
    case OpCode.delete:
      return { type: 'delete' };
    case OpCode.setData:
      return { type: 'setData', stat: r.readStat() };
    case OpCode.check:
      return { type: 'check' };
    case OpCode.getData: {
      const data = r.readBuffer();
      return { type: 'getData', data, stat: r.readStat() };
    }
    case OpCode.getChildren:
      return { type: 'getChildren', children: r.readStringVector() ?? [], stat: null };
    case OpCode.error:
      return { type: 'error', err: r.readInt() };
    default:
      throw new DecodeError(`invalid type ${type} in a multi response`);
  }
}
