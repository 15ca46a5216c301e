// The request records of zookeeper.jute, one reader and one writer per record, and the opcode
// each Request travels as. request-codec.ts frames them; multi-codec.ts nests them in a multi.

import { assertNever } from './assert.js';
import type {
  CheckRequest,
  CreateRequest,
  CreateVariant,
  DeleteRequest,
  GetChildrenRequest,
  GetDataRequest,
  Request,
  SetDataRequest,
  SetWatchesRequest,
} from './messages.js';
import { OpCode } from './op-code.js';
import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';

const createOpCodes: Record<CreateVariant, number> = {
  create: OpCode.create,
  create2: OpCode.create2,
  createContainer: OpCode.createContainer,
  createTTL: OpCode.createTTL,
};

/** The opcode a request travels as: the create variant, getChildren2 and setWatches2 included. */
export function opCodeOf(request: Request): number {
  switch (request.type) {
    case 'create':
      return createOpCodes[request.variant];
    case 'getChildren':
      return request.withStat ? OpCode.getChildren2 : OpCode.getChildren;
    case 'setWatches':
      return request.version === 2 ? OpCode.setWatches2 : OpCode.setWatches;
    case 'delete':
      return OpCode.delete;
    case 'exists':
      return OpCode.exists;
    case 'getData':
      return OpCode.getData;
    case 'setData':
      return OpCode.setData;
    case 'getACL':
      return OpCode.getACL;
    case 'setACL':
      return OpCode.setACL;
    case 'sync':
      return OpCode.sync;
    case 'ping':
      return OpCode.ping;
    case 'check':
      return OpCode.check;
    case 'multi':
      return OpCode.multi;
    case 'multiRead':
      return OpCode.multiRead;
    case 'checkWatches':
      return OpCode.checkWatches;
    case 'removeWatches':
      return OpCode.removeWatches;
    case 'reconfig':
      return OpCode.reconfig;
    case 'auth':
      return OpCode.auth;
    case 'sasl':
      return OpCode.sasl;
    case 'getEphemerals':
      return OpCode.getEphemerals;
    case 'getAllChildrenNumber':
      return OpCode.getAllChildrenNumber;
    case 'addWatch':
      return OpCode.addWatch;
    case 'whoAmI':
      return OpCode.whoAmI;
    case 'closeSession':
      return OpCode.closeSession;
    default:
      return assertNever(request, 'request');
  }
}

/** Writes the record of any request except multi and multiRead (see multi-codec.ts). */
export function writeRequestRecord(w: JuteWriter, request: Request): void {
  switch (request.type) {
    case 'create':
      return writeCreate(w, request);
    case 'delete':
    case 'check':
      w.writeUstring(request.path);
      return w.writeInt(request.version);
    case 'exists':
    case 'getData':
    case 'getChildren':
      w.writeUstring(request.path);
      return w.writeBool(request.watch);
    case 'setData':
      w.writeUstring(request.path);
      w.writeBuffer(request.data);
      return w.writeInt(request.version);
    case 'getACL':
    case 'sync':
    case 'getAllChildrenNumber':
      return w.writeUstring(request.path);
    case 'setACL':
      w.writeUstring(request.path);
      w.writeAclVector(request.acl);
      return w.writeInt(request.version);
    case 'checkWatches':
    case 'removeWatches':
      w.writeUstring(request.path);
      return w.writeInt(request.watcherType);
    case 'reconfig':
      w.writeUstring(request.joiningServers);
      w.writeUstring(request.leavingServers);
      w.writeUstring(request.newMembers);
      return w.writeLong(request.curConfigId);
    case 'auth':
      w.writeInt(request.authType);
      w.writeUstring(request.scheme);
      return w.writeBuffer(request.auth);
    case 'setWatches':
      return writeSetWatches(w, request);
    case 'sasl':
      return w.writeBuffer(request.token);
    case 'getEphemerals':
      return w.writeUstring(request.prefixPath);
    case 'addWatch':
      w.writeUstring(request.path);
      return w.writeInt(request.mode);
    case 'ping':
    case 'whoAmI':
    case 'closeSession':
    case 'multi':
    case 'multiRead':
      return;
    default:
      return assertNever(request, 'request');
  }
}

/** CreateRequest, or CreateTTLRequest (which adds the ttl) for the createTTL variant. */
export function writeCreate(w: JuteWriter, request: CreateRequest): void {
  w.writeUstring(request.path);
  w.writeBuffer(request.data);
  w.writeAclVector(request.acl);
  w.writeInt(request.flags);
  if (request.variant === 'createTTL') w.writeLong(request.ttl);
}

function writeSetWatches(w: JuteWriter, request: SetWatchesRequest): void {
  w.writeLong(request.relativeZxid);
  w.writeStringVector(request.dataWatches);
  w.writeStringVector(request.existWatches);
  w.writeStringVector(request.childWatches);
  if (request.version === 2) {
    w.writeStringVector(request.persistentWatches);
    w.writeStringVector(request.persistentRecursiveWatches);
  }
}

/** How an op's path is read: required at the top level, noted when null inside a multi. */
export type PathReader = (r: JuteReader) => string;

const requiredPath: PathReader = (r) => r.readString();

/**
 * A null ACL vector reads as empty: ZooKeeper (PrepRequestProcessor.fixupACL) answers both
 * with InvalidACL, so nothing is lost and the type stays non-null.
 */
export function readCreate(
  r: JuteReader,
  variant: CreateVariant,
  readPath: PathReader = requiredPath,
): CreateRequest {
  const path = readPath(r);
  const data = r.readBuffer();
  const acl = r.readRequestAclVector() ?? [];
  const flags = r.readInt();
  // ZooKeeper: the non-TTL create opcodes carry no ttl and are validated with ttl −1.
  const ttl = variant === 'createTTL' ? r.readLong() : -1n;
  return { type: 'create', variant, path, data, acl, flags, ttl };
}

export function readDelete(r: JuteReader, readPath: PathReader = requiredPath): DeleteRequest {
  const path = readPath(r);
  return { type: 'delete', path, version: r.readInt() };
}

export function readCheck(r: JuteReader, readPath: PathReader = requiredPath): CheckRequest {
  const path = readPath(r);
  return { type: 'check', path, version: r.readInt() };
}

/** A setData body; at the top level a Jute null path is kept (the server answers BadArguments). */
export function readSetData(
  r: JuteReader,
  readPath: (r: JuteReader) => string | null = requiredPath,
): SetDataRequest {
  const path = readPath(r);
  const data = r.readBuffer();
  return { type: 'setData', path, data, version: r.readInt() };
}

export function readGetData(r: JuteReader, readPath: PathReader = requiredPath): GetDataRequest {
  const path = readPath(r);
  return { type: 'getData', path, watch: r.readBool() };
}

export function readGetChildren(
  r: JuteReader,
  withStat: boolean,
  readPath: PathReader = requiredPath,
): GetChildrenRequest {
  const path = readPath(r);
  return { type: 'getChildren', path, watch: r.readBool(), withStat };
}

/**
 * ZooKeeper reads every list, nulls included, then DataTree.setWatches walks them in order: a
 * null list, or a null entry in the first three (getNode(null) throws), ends the walk with
 * MarshallingError after every earlier path took effect. A null entry in the persistent lists
 * registers a watch no path can fire, so it is dropped here.
 */
export function readSetWatches(r: JuteReader, version: 1 | 2): SetWatchesRequest {
  const relativeZxid = r.readLong();
  const lists = [r.readNullableStringVector(), r.readNullableStringVector()];
  lists.push(r.readNullableStringVector());
  if (version === 2) lists.push(r.readNullableStringVector(), r.readNullableStringVector());
  const walked: string[][] = [];
  let isCutShortByNull = false;
  for (const [index, list] of lists.entries()) {
    if (list === null) {
      isCutShortByNull = true;
      break;
    }
    const isPersistent = index >= 3;
    const end = isPersistent ? -1 : list.indexOf(null);
    const paths = (end < 0 ? list : list.slice(0, end)).filter((p): p is string => p !== null);
    walked.push(paths);
    if (end >= 0) {
      isCutShortByNull = true;
      break;
    }
  }
  const [dataWatches = [], existWatches = [], childWatches = []] = walked;
  const [persistentWatches = [], persistentRecursiveWatches = []] = walked.slice(3);
  return {
    type: 'setWatches',
    version,
    relativeZxid,
    dataWatches,
    existWatches,
    childWatches,
    persistentWatches,
    persistentRecursiveWatches,
    ...(isCutShortByNull ? { isCutShortByNull: true as const } : {}),
  };
}
