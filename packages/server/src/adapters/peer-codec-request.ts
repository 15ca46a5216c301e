// The hand-laid body of REQUEST, the message a learner sends its leader for every write one of
// its clients makes (peer-codec.ts puts it in its envelope). Jute, so that one JuteWriter lays
// out the whole of it, the client's request record included, and the leader reads it with the
// client port's own reader:
//
//   request = sessionId i64 | cxid i32 | identities: count i32, (scheme ustring | id ustring)…
//             | forwarded type i32 | write: the client's frame (length i32 | RequestHeader with
//               xid 0 | record), read as a Jute buffer | refused: err i32 | createSession:
//               timeoutMs i32 | closeSession: nothing

import {
  DecodeError,
  JuteReader,
  JuteWriter,
  assertNever,
  encodeRequest,
} from '@zoo/client/protocol';
import type { ForwardedRequest, PeerMessage } from '../core/zab/messages.js';
import { readJuteRequest } from './read-peer-message.js';

type RequestMessage = Extract<PeerMessage, { type: 'request' }>;

/** The forwarded request's type on the wire; a code never changes meaning within a version. */
const forwardedCodes = { write: 1, refused: 2, createSession: 3, closeSession: 4 } as const;

/** An identity is two ustrings of at least their 4-byte lengths. */
const identityBytesMin = 8;

/**
 * One writer for every forwarded request: a fresh one would allocate its 4 KiB buffer per
 * request. take() copies out what a request wrote and keeps the buffer for the next.
 */
const writer = new JuteWriter();

/** The body of `message`, in a buffer of its own. */
export function writeRequestBody(message: RequestMessage): Buffer {
  try {
    writer.writeLong(message.origin.sessionId);
    writer.writeInt(message.origin.cxid);
    writer.writeInt(message.identities.length);
    for (const { scheme, id } of message.identities) {
      writer.writeUstring(scheme);
      writer.writeUstring(id);
    }
    writeForwarded(message.request);
    return writer.take();
  } finally {
    // A request that failed to encode must not leave its half in front of the next one.
    writer.reset();
  }
}

function writeForwarded(request: ForwardedRequest): void {
  writer.writeInt(forwardedCodes[request.type]);
  switch (request.type) {
    case 'write':
      // A frame is its length and its payload: to the reader, a Jute buffer.
      return encodeRequest(writer, 0, request.request);
    case 'refused':
      return writer.writeInt(request.err);
    case 'createSession':
      return writer.writeInt(request.timeoutMs);
    case 'closeSession':
      return;
    default:
      return assertNever(request, 'forwarded request');
  }
}

export function readRequestBody(body: Buffer): RequestMessage {
  const r = new JuteReader(body, { bufferBytesMax: body.length, surrogates: 'kept' });
  const origin = { sessionId: r.readLong(), cxid: r.readInt() };
  const count = r.readInt();
  if (count < 0 || count * identityBytesMin > r.remaining()) {
    throw new DecodeError(`request: ${count} identities`);
  }
  const identities: { scheme: string; id: string }[] = [];
  for (let i = 0; i < count; i++) identities.push({ scheme: r.readString(), id: r.readString() });
  const request = readForwarded(r);
  if (r.remaining() !== 0) throw new DecodeError(`${r.remaining()} bytes after a request`);
  return { type: 'request', origin, request, identities };
}

function readForwarded(r: JuteReader): ForwardedRequest {
  const code = r.readInt();
  switch (code) {
    case forwardedCodes.write: {
      const payload = r.readBuffer();
      if (payload === null) throw new DecodeError('request: no client request');
      return { type: 'write', request: readJuteRequest(payload, 'request') };
    }
    case forwardedCodes.refused:
      return { type: 'refused', err: r.readInt() };
    case forwardedCodes.createSession:
      return { type: 'createSession', timeoutMs: r.readInt() };
    case forwardedCodes.closeSession:
      return { type: 'closeSession' };
    default:
      throw new DecodeError(`unknown forwarded request type ${code}`);
  }
}
