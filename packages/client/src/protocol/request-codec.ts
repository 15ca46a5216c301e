// Request frames: RequestHeader{xid, type} + the op's record. The client encodes them; the server
// decodes them into a DecodedRequest that says what to answer (a request, −5, or −6 and close).

import { DecodeError } from './decode-error.js';
import type { Request } from './messages.js';
import { OpCode } from './op-code.js';
import { JuteReader, type JuteLimits } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import { readMultiRequest, writeMultiOps } from './multi-codec.js';
import {
  opCodeOf,
  readCreate,
  readDelete,
  readGetChildren,
  readGetData,
  readSetData,
  readSetWatches,
  writeRequestRecord,
} from './request-records.js';

export type DecodedRequest =
  | { kind: 'request'; xid: number; opCode: number; request: Request }
  /** The body did not parse: the server answers MarshallingError (−5) and keeps the connection. */
  | { kind: 'malformed'; xid: number; opCode: number; reason: string }
  /** Not a client opcode: the server answers Unimplemented (−6) with zxid −1, then closes. */
  | { kind: 'unknownOp'; xid: number; opCode: number };

/** Writes one whole frame. On a failure (a value out of range) nothing is left behind. */
export function encodeRequest(w: JuteWriter, xid: number, request: Request): void {
  w.writeFrame(xid, () => {
    w.writeInt(xid);
    w.writeInt(opCodeOf(request));
    if (request.type === 'multi' || request.type === 'multiRead') {
      writeMultiOps(w, request.ops);
    } else {
      writeRequestRecord(w, request);
    }
  });
}

/**
 * Decodes one request payload (the frame without its length). A payload shorter than the 8-byte
 * header throws DecodeError: the connection closes. Bytes after the record are ignored, as Java
 * ignores them.
 */
export function decodeRequest(payload: Buffer, limits?: JuteLimits): DecodedRequest {
  return decodeRequestFrom(new JuteReader(payload, limits));
}

/** decodeRequest of the bytes `r` has left (a frame read in place: JuteReader.readFrame). */
export function decodeRequestFrom(r: JuteReader): DecodedRequest {
  const payloadBytes = r.remaining();
  if (payloadBytes < 8) {
    throw new DecodeError(`request payload of ${payloadBytes} bytes has no 8-byte header`);
  }
  const xid = r.readInt();
  const opCode = r.readInt();
  try {
    const request = readRequestBody(r, opCode);
    if (request === null) return { kind: 'unknownOp', xid, opCode };
    return { kind: 'request', xid, opCode, request };
  } catch (error) {
    if (error instanceof DecodeError) {
      return { kind: 'malformed', xid, opCode, reason: error.message };
    }
    throw error;
  }
}

/**
 * The request record for a client opcode, or null for an opcode a client may not send.
 * ZooKeeper: Request.isValid — 0 (notification), −1 (error), −10 (createSession), 20
 * (deleteContainer, server-internal) and unknown values are invalid; so is check (13) outside
 * a multi since 3.8.5.
 */
export function readRequestBody(r: JuteReader, opCode: number): Request | null {
  // Each reader returns null, having read nothing, for an opcode outside its group.
  return readZnodeRequest(r, opCode) ?? readSessionRequest(r, opCode);
}

/** Requests on znodes: reads, writes and multis. */
function readZnodeRequest(r: JuteReader, opCode: number): Request | null {
  switch (opCode) {
    case OpCode.create:
      return readCreate(r, 'create');
    case OpCode.create2:
      return readCreate(r, 'create2');
    case OpCode.createContainer:
      return readCreate(r, 'createContainer');
    case OpCode.createTTL:
      return readCreate(r, 'createTTL');
    case OpCode.delete:
      return readDelete(r);
    case OpCode.exists: {
      const path = r.readString();
      return { type: 'exists', path, watch: r.readBool() };
    }
    case OpCode.getData:
      return readGetData(r);
    case OpCode.setData:
      return readSetData(r, (reader) => reader.readUstring());
    case OpCode.getACL:
      return { type: 'getACL', path: r.readString() };
    case OpCode.setACL: {
      const path = r.readUstring();
      const acl = r.readRequestAclVector() ?? []; // null and empty both give InvalidACL (fixupACL)
      return { type: 'setACL', path, acl, version: r.readInt() };
    }
    case OpCode.getChildren:
      return readGetChildren(r, false);
    case OpCode.getChildren2:
      return readGetChildren(r, true);
    case OpCode.sync:
      return { type: 'sync', path: r.readUstring() };
    case OpCode.getAllChildrenNumber:
      return { type: 'getAllChildrenNumber', path: r.readString() };
    case OpCode.multi:
      return readMultiRequest(r, false);
    case OpCode.multiRead:
      return readMultiRequest(r, true);
    default:
      return null;
  }
}

/** Requests about the session, its watches, its identity and the ensemble. */
function readSessionRequest(r: JuteReader, opCode: number): Request | null {
  switch (opCode) {
    case OpCode.ping:
      return { type: 'ping' };
    case OpCode.reconfig:
      return readReconfig(r);
    case OpCode.checkWatches:
    case OpCode.removeWatches: {
      const path = r.readUstring();
      const watcherType = r.readInt();
      const type = opCode === OpCode.checkWatches ? 'checkWatches' : 'removeWatches';
      return { type, path, watcherType };
    }
    case OpCode.auth: {
      const authType = r.readInt();
      const scheme = r.readUstring();
      return { type: 'auth', authType, scheme, auth: r.readBuffer() };
    }
    case OpCode.setWatches:
      return readSetWatches(r, 1);
    case OpCode.setWatches2:
      return readSetWatches(r, 2);
    case OpCode.sasl:
      return { type: 'sasl', token: r.readBuffer() };
    case OpCode.getEphemerals:
      return { type: 'getEphemerals', prefixPath: r.readUstring() };
    case OpCode.addWatch: {
      const path = r.readUstring();
      return { type: 'addWatch', path, mode: r.readInt() };
    }
    case OpCode.whoAmI:
      return { type: 'whoAmI' };
    case OpCode.closeSession:
      return { type: 'closeSession' };
    default:
      return null;
  }
}

function readReconfig(r: JuteReader): Request {
  const joiningServers = r.readUstring();
  const leavingServers = r.readUstring();
  const newMembers = r.readUstring();
  const curConfigId = r.readLong();
  return { type: 'reconfig', joiningServers, leavingServers, newMembers, curConfigId };
}
