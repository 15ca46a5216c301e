// Reply frames: ReplyHeader{xid, zxid, err} + the response record when err is 0, and
// notifications (xid −1 + WatcherEvent). The server encodes them; the client decodes them.

import { assertNever } from './assert.js';
import { ErrorCode } from './error-code.js';
import type { Notification, Reply, ReplyHeader, Request, Response } from './messages.js';
import { Xid } from './op-code.js';
import type { ClientInfo, WatcherEvent } from './records.js';
import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import { readMultiResults, writeMultiResults } from './multi-codec.js';

/**
 * Writes one whole frame. The body goes out only when err is 0: ZooKeeper replies to a failed
 * op with the 16-byte header alone, and a failed multi reports its errors with err 0.
 */
export function encodeReply(w: JuteWriter, reply: Reply): void {
  w.writeFrame(reply, writeReplyRecord);
}

function writeReplyRecord(w: JuteWriter, reply: Reply): void {
  w.writeInt(reply.header.xid);
  w.writeLong(reply.header.zxid);
  w.writeInt(reply.header.err);
  // ZooKeeper sends a MultiResponse even with an error: a multi(Read) that failed on a null
  // path carries the results so far.
  const isSent = reply.header.err === ErrorCode.Ok || reply.body?.type === 'multi';
  if (reply.body !== null && isSent) writeResponseBody(w, reply.body);
}

/** One frame: ReplyHeader{−1, zxid, 0} + WatcherEvent{type, state, path}. */
export function encodeNotification(w: JuteWriter, n: Notification): void {
  w.writeFrame(n, writeNotificationRecord);
}

function writeNotificationRecord(w: JuteWriter, n: Notification): void {
  w.writeInt(Xid.notification);
  w.writeLong(n.zxid);
  w.writeInt(ErrorCode.Ok);
  w.writeInt(n.event.type);
  w.writeInt(n.event.state);
  w.writeUstring(n.event.path);
}

function writeResponseBody(w: JuteWriter, body: Response): void {
  switch (body.type) {
    case 'create':
      // ZooKeeper: CreateResponse{path} for op 1, Create2Response{path, stat} otherwise.
      w.writeUstring(body.path);
      if (body.stat !== null) w.writeStat(body.stat);
      return;
    case 'stat':
      return w.writeStat(body.stat);
    case 'getData':
      w.writeBuffer(body.data);
      return w.writeStat(body.stat);
    case 'getACL':
      w.writeAclVector(body.acl);
      return w.writeStat(body.stat);
    case 'getChildren':
      w.writeStringVector(body.children);
      if (body.stat !== null) w.writeStat(body.stat);
      return;
    case 'path':
      return w.writeUstring(body.path);
    case 'empty':
      return;
    case 'multi':
      return writeMultiResults(w, body.results);
    case 'ephemerals':
      return w.writeStringVector(body.paths);
    case 'count':
      return w.writeInt(body.total);
    // ZooKeeper: FinalRequestProcessor answers addWatch with ErrorResponse{0}, a 4-byte body.
    case 'addWatch':
      return w.writeInt(ErrorCode.Ok);
    case 'whoAmI':
      return writeClientInfos(w, body.clientInfo);
    case 'sasl':
      return w.writeBuffer(body.token);
    default:
      return assertNever(body, 'response');
  }
}

function writeClientInfos(w: JuteWriter, infos: readonly ClientInfo[]): void {
  w.writeInt(infos.length);
  for (const info of infos) {
    w.writeUstring(info.authScheme);
    w.writeUstring(info.user);
  }
}

export function decodeReplyHeader(r: JuteReader): ReplyHeader {
  const xid = r.readInt();
  const zxid = r.readLong();
  return { xid, zxid, err: r.readInt() };
}

/** The WatcherEvent after a reply header whose xid is −1. */
export function decodeNotification(r: JuteReader): WatcherEvent {
  const type = r.readInt();
  const state = r.readInt();
  return { type, state, path: r.readString() };
}

/**
 * The success body a client expects for `request` (call only when the header's err is 0).
 * Bytes after the record are ignored, as the Java and node clients ignore them.
 */
export function decodeResponseBody(request: Request, r: JuteReader): Response {
  switch (request.type) {
    case 'create': {
      const path = r.readString();
      // ZooKeeper: only op 1 answers CreateResponse; create2, container and TTL add the stat.
      return { type: 'create', path, stat: request.variant === 'create' ? null : r.readStat() };
    }
    case 'exists':
    case 'setData':
    case 'setACL':
      return { type: 'stat', stat: r.readStat() };
    case 'getData':
    case 'reconfig': {
      const data = r.readBuffer();
      return { type: 'getData', data, stat: r.readStat() };
    }
    case 'getACL': {
      const acl = r.readAclVector() ?? [];
      return { type: 'getACL', acl, stat: r.readStat() };
    }
    case 'getChildren': {
      const children = r.readStringVector() ?? [];
      return { type: 'getChildren', children, stat: request.withStat ? r.readStat() : null };
    }
    case 'sync':
      return { type: 'path', path: r.readUstring() };
    case 'multi':
    case 'multiRead':
      return { type: 'multi', results: readMultiResults(r) };
    case 'getEphemerals':
      return { type: 'ephemerals', paths: r.readStringVector() ?? [] };
    case 'getAllChildrenNumber':
      return { type: 'count', total: r.readInt() };
    case 'addWatch':
      r.readInt(); // ErrorResponse{err}: the success body must be complete, as Java requires.
      return { type: 'addWatch' };
    case 'whoAmI':
      return { type: 'whoAmI', clientInfo: readClientInfos(r) };
    case 'sasl':
      return { type: 'sasl', token: r.readBuffer() };
    case 'delete':
    case 'ping':
    case 'check':
    case 'checkWatches':
    case 'removeWatches':
    case 'auth':
    case 'setWatches':
    case 'closeSession':
      return { type: 'empty' };
    default:
      return assertNever(request, 'request');
  }
}

function readClientInfos(r: JuteReader): ClientInfo[] {
  // Each ClientInfo holds two ustrings, so at least 8 bytes.
  const count = r.readVectorCount(8) ?? 0;
  const infos = new Array<ClientInfo>(count);
  for (let i = 0; i < count; i++) {
    const authScheme = r.readString();
    infos[i] = { authScheme, user: r.readString() };
  }
  return infos;
}
