// PeerMessage ↔ bytes for the peer links, with msgpackr: plain maps, int64 zxids and session ids
// as msgpack int64 ↔ bigint, data as bin, a forwarded client write as its Jute bytes. Decoding
// goes bytes → unknown → validated message (read-peer-message.ts); bad bytes give DecodeError.

import type { Request } from '@zoo/client/protocol';
import { DecodeError, JuteWriter, encodeRequest } from '@zoo/client/protocol';
import { Packr, Unpackr } from 'msgpackr';
import type { PeerMessage } from '../core/zab/messages.js';
import {
  peerProtocolVersion,
  readPeerHello,
  readPeerMessage,
  type PeerHello,
} from './read-peer-message.js';

export { peerProtocolVersion, type PeerHello } from './read-peer-message.js';

// Records, structured clones and the extra types are off: each message is a self-contained
// msgpack value any decoder can read. A bigint is always written as int64, and msgpackr reads
// every int64 back as a bigint, while safe-integer numbers never become int64 — so bigint
// fields and number fields keep their types across the wire.
const packr = new Packr({ useRecords: false, structuredClone: false, moreTypes: false });
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  structuredClone: false,
  int64AsType: 'bigint',
});

export function encodePeerMessage(message: PeerMessage): Buffer {
  return packr.pack(toWire(message));
}

/** Exactly one message; trailing bytes are an error. */
export function decodePeerMessage(bytes: Uint8Array): PeerMessage {
  return readPeerMessage(unpackOne(bytes));
}

/** A frame holding one or more encoded messages back to back (a batch); all or nothing. */
export function decodePeerMessages(bytes: Uint8Array): PeerMessage[] {
  let values: unknown[];
  try {
    values = unpackr.unpackMultiple(bytes);
  } catch (error) {
    throw new DecodeError(`undecodable peer frame of ${bytes.length} bytes: ${messageOf(error)}`);
  }
  if (values.length === 0) throw new DecodeError('empty peer frame');
  return values.map(readPeerMessage);
}

export function encodePeerHello(hello: PeerHello): Buffer {
  const { serverId, to } = hello;
  return packr.pack({ type: 'hello', version: peerProtocolVersion, serverId, to });
}

export function decodePeerHello(bytes: Uint8Array): PeerHello {
  return readPeerHello(unpackOne(bytes));
}

function unpackOne(bytes: Uint8Array): unknown {
  try {
    const value: unknown = unpackr.unpack(bytes);
    return value;
  } catch (error) {
    // msgpackr throws plain Errors (and RangeError, or a RegExp's SyntaxError from its
    // extensions) for bytes it cannot read: all of them are bad input, not bugs here.
    throw new DecodeError(`undecodable peer frame of ${bytes.length} bytes: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}

/** The message as sent: identical, except that a forwarded client write becomes its Jute bytes. */
function toWire(message: PeerMessage): unknown {
  if (message.type !== 'request' || message.request.type !== 'write') return message;
  return { ...message, request: { type: 'write', request: juteBytesOf(message.request.request) } };
}

/** RequestHeader (xid 0) + the request record, as a client sends it but without the length. */
function juteBytesOf(request: Request): Buffer {
  const writer = new JuteWriter();
  encodeRequest(writer, 0, request);
  return writer.take().subarray(4);
}
