// The connect handshake: ConnectRequest (client → server) and ConnectResponse (server → client),
// the first frame each way, with no header. Both carry an optional trailing readOnly byte.

import type { ConnectRequest, ConnectResponse } from './messages.js';
import { JuteReader, type JuteLimits } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';

/** Writes one whole frame; readOnly is written only when the property is present. */
export function encodeConnectRequest(w: JuteWriter, r: ConnectRequest): void {
  w.writeFrame(r, writeConnectRequestRecord);
}

function writeConnectRequestRecord(w: JuteWriter, r: ConnectRequest): void {
  w.writeInt(r.protocolVersion);
  w.writeLong(r.lastZxidSeen);
  w.writeInt(r.timeoutMs);
  w.writeLong(r.sessionId);
  w.writeBuffer(r.passwd);
  if (r.readOnly !== undefined) w.writeBool(r.readOnly);
}

/**
 * ZooKeeper: ProtocolManager.deserializeConnectRequest — the five fields, then readOnly only if
 * a byte is left (old clients and node-zookeeper-client omit it; the property is then absent).
 */
export function decodeConnectRequest(payload: Buffer, limits?: JuteLimits): ConnectRequest {
  const r = new JuteReader(payload, limits);
  const request: ConnectRequest = {
    protocolVersion: r.readInt(),
    lastZxidSeen: r.readLong(),
    timeoutMs: r.readInt(),
    sessionId: r.readLong(),
    passwd: r.readBuffer(),
  };
  if (r.remaining() >= 1) request.readOnly = r.readBool();
  return request;
}

/** Writes one whole frame; readOnly only if present (3.8 mirrors the request). */
export function encodeConnectResponse(w: JuteWriter, r: ConnectResponse): void {
  w.writeFrame(r, writeConnectResponseRecord);
}

function writeConnectResponseRecord(w: JuteWriter, r: ConnectResponse): void {
  w.writeInt(r.protocolVersion);
  w.writeInt(r.timeoutMs);
  w.writeLong(r.sessionId);
  w.writeBuffer(r.passwd);
  if (r.readOnly !== undefined) w.writeBool(r.readOnly);
}

/**
 * ZooKeeper: ProtocolManager.deserializeConnectResponse. A null password (which no server sends)
 * is read as empty, since the type has no null.
 */
export function decodeConnectResponse(payload: Buffer, limits?: JuteLimits): ConnectResponse {
  const r = new JuteReader(payload, limits);
  const response: ConnectResponse = {
    protocolVersion: r.readInt(),
    timeoutMs: r.readInt(),
    sessionId: r.readLong(),
    passwd: r.readBuffer() ?? Buffer.alloc(0),
  };
  if (r.remaining() >= 1) response.readOnly = r.readBool();
  return response;
}
