// PeerMessage ↔ bytes for the peer links. A frame holds one or more messages back to back, each
// in an envelope: [u32 body length][u8 kind][body]. The messages every write sends have
// hand-laid bodies: PROPOSAL, INFORM, ACK, COMMIT (peer-codec-binary.ts) and a learner's REQUEST
// (peer-codec-request.ts). Every other message is one msgpack value (kind 0) with
// msgpack-value.ts: plain maps, int64 zxids and session ids as msgpack int64 ↔ bigint, data as
// bin, validated on the way in (read-peer-message.ts). Bad bytes give DecodeError. The hello is a
// bare msgpack value.

import { DecodeError } from '@zoo/client/protocol';
import { packValue, unpackValue } from './msgpack-value.js';
import type { PeerMessage } from '../core/zab/messages.js';
import {
  binaryBodyBytesMax,
  isBinaryMessage,
  messageKinds,
  readBinaryBody,
  writeBinaryBody,
} from './peer-codec-binary.js';
import { readRequestBody, writeRequestBody } from './peer-codec-request.js';
import {
  peerProtocolVersion,
  readPeerHello,
  readPeerMessage,
  type PeerHello,
} from './read-peer-message.js';

export { peerProtocolVersion, type PeerHello } from './read-peer-message.js';

/** The body length and the kind byte. */
const envelopeBytes = 5;

/** One message in its envelope: a frame of its own, or one to put in a frame with others. */
export function encodePeerMessage(message: PeerMessage): Buffer {
  if (isBinaryMessage(message)) {
    const kind = messageKinds[message.type];
    // Never more than a few hundred bytes over: from Node's pool, and kept as a view.
    const target = Buffer.allocUnsafe(envelopeBytes + binaryBodyBytesMax(message));
    const end = writeBinaryBody(message, target, envelopeBytes);
    return sealEnvelope(target, kind, end);
  }
  if (message.type === 'request')
    return envelopeOf(messageKinds.request, writeRequestBody(message));
  return envelopeOf(messageKinds.msgpack, packValue(message));
}

/** `body`, already packed, in an envelope of kind `kind`. */
export function envelopeOf(kind: number, body: Uint8Array): Buffer {
  const target = Buffer.allocUnsafe(envelopeBytes + body.length);
  target.set(body, envelopeBytes);
  return sealEnvelope(target, kind, target.length);
}

function sealEnvelope(target: Buffer, kind: number, end: number): Buffer {
  target.writeUInt32BE(end - envelopeBytes, 0);
  target[4] = kind;
  return end === target.length ? target : target.subarray(0, end);
}

/** Exactly one message; trailing bytes are an error. */
export function decodePeerMessage(bytes: Uint8Array): PeerMessage {
  const frame = bufferOf(bytes);
  const end = envelopeEnd(frame, 0);
  if (end !== frame.length) throw new DecodeError(`${frame.length - end} bytes after a message`);
  return readEnveloped(frame, 0, end);
}

/** A frame holding one or more messages back to back (a batch); all or nothing. */
export function decodePeerMessages(bytes: Uint8Array): PeerMessage[] {
  const frame = bufferOf(bytes);
  if (frame.length === 0) throw new DecodeError('empty peer frame');
  const messages: PeerMessage[] = [];
  for (let at = 0; at < frame.length;) {
    const end = envelopeEnd(frame, at);
    messages.push(readEnveloped(frame, at, end));
    at = end;
  }
  return messages;
}

/** Where the message whose envelope starts at `at` ends; DecodeError if past the frame. */
function envelopeEnd(frame: Buffer, at: number): number {
  if (frame.length - at < envelopeBytes) {
    throw new DecodeError(`peer frame of ${frame.length} bytes cut short at ${at}`);
  }
  const end = at + envelopeBytes + frame.readUInt32BE(at);
  if (end > frame.length) {
    throw new DecodeError(`peer message at ${at} ends at ${end}, past the frame's ${frame.length}`);
  }
  return end;
}

function readEnveloped(frame: Buffer, at: number, end: number): PeerMessage {
  const kind = frame[at + 4] ?? messageKinds.msgpack;
  const body = frame.subarray(at + envelopeBytes, end);
  if (kind === messageKinds.msgpack) return readPeerMessage(unpackValue(body, 'peer message'));
  if (kind === messageKinds.request) return readRequestBody(body);
  return readBinaryBody(kind, body);
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function encodePeerHello(hello: PeerHello): Buffer {
  const { serverId, to } = hello;
  return packValue({ type: 'hello', version: peerProtocolVersion, serverId, to });
}

export function decodePeerHello(bytes: Uint8Array): PeerHello {
  return readPeerHello(unpackValue(bytes, 'peer hello'));
}
