// PeerMessage ↔ bytes for the peer links, with msgpack-value.ts: plain maps, int64 zxids and
// session ids as msgpack int64 ↔ bigint, data as bin, a forwarded client write as its Jute bytes.
// Decoding goes bytes → unknown → validated message (read-peer-message.ts); bad bytes give
// DecodeError.

import type { Request } from '@zoo/client/protocol';
import { DecodeError, JuteWriter, encodeRequest } from '@zoo/client/protocol';
import { packValue, unpackValue, unpackValues } from './msgpack-value.js';
import type { PeerMessage } from '../core/zab/messages.js';
import {
  peerProtocolVersion,
  readPeerHello,
  readPeerMessage,
  type PeerHello,
} from './read-peer-message.js';

export { peerProtocolVersion, type PeerHello } from './read-peer-message.js';

export function encodePeerMessage(message: PeerMessage): Buffer {
  return packValue(toWire(message));
}

/** Exactly one message; trailing bytes are an error. */
export function decodePeerMessage(bytes: Uint8Array): PeerMessage {
  return readPeerMessage(unpackOne(bytes));
}

/** A frame holding one or more encoded messages back to back (a batch); all or nothing. */
export function decodePeerMessages(bytes: Uint8Array): PeerMessage[] {
  const values = unpackValues(bytes, 'peer frame');
  if (values.length === 0) throw new DecodeError('empty peer frame');
  return values.map(readPeerMessage);
}

export function encodePeerHello(hello: PeerHello): Buffer {
  const { serverId, to } = hello;
  return packValue({ type: 'hello', version: peerProtocolVersion, serverId, to });
}

export function decodePeerHello(bytes: Uint8Array): PeerHello {
  return readPeerHello(unpackOne(bytes));
}

function unpackOne(bytes: Uint8Array): unknown {
  return unpackValue(bytes, 'peer frame');
}

/** The message as sent: identical, except that a forwarded client write becomes its Jute bytes. */
function toWire(message: PeerMessage): unknown {
  if (message.type !== 'request' || message.request.type !== 'write') return message;
  return { ...message, request: { type: 'write', request: juteBytesOf(message.request.request) } };
}

/**
 * One writer for every forwarded write: a fresh one would allocate its 4 KiB buffer per request.
 * take() copies out what a request wrote and keeps the buffer for the next.
 */
const forwardWriter = new JuteWriter();

/** RequestHeader (xid 0) + the request record, as a client sends it but without the length. */
function juteBytesOf(request: Request): Buffer {
  try {
    encodeRequest(forwardWriter, 0, request);
    return forwardWriter.take().subarray(4);
  } finally {
    // A request that failed to encode must not leave its half in front of the next one.
    forwardWriter.reset();
  }
}
