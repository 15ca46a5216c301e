import { DecodeError } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import type { TxnBody } from '../core/tree/txn.js';
import type { PeerMessage } from '../core/zab/messages.js';
import {
  decodePeerMessage,
  decodePeerMessages,
  encodePeerMessage,
  envelopeOf,
} from './peer-codec.js';
import { messageKinds } from './peer-codec-binary.js';

describe('peer codec: the hand-laid messages of a write', () => {
  const create: TxnBody = {
    type: 'create',
    path: '/a',
    data: Buffer.from('x'),
    acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
    ephemeralOwner: 0n,
    parentCVersion: 1,
  };
  const proposal: PeerMessage = {
    type: 'proposal',
    txn: { zxid: 0x1_0000_0002n, timeMs: 5, sessionId: 7n, cxid: 3, body: create },
  };

  test('PROPOSAL, INFORM, ACK and COMMIT are not msgpack; the rest is', () => {
    const kindOf = (message: PeerMessage): number | undefined => encodePeerMessage(message)[4];
    expect(kindOf(proposal)).toBe(messageKinds.proposal);
    expect(kindOf({ ...proposal, type: 'inform' })).toBe(messageKinds.inform);
    expect(kindOf({ type: 'ack', zxid: 1n })).toBe(messageKinds.ack);
    expect(kindOf({ type: 'commit', zxid: 1n })).toBe(messageKinds.commit);
    expect(kindOf({ type: 'ping', zxid: 1n })).toBe(messageKinds.msgpack);
    // An ACK is its envelope and its zxid, nothing else.
    expect(encodePeerMessage({ type: 'ack', zxid: 0x102n })).toEqual(
      Buffer.from([0, 0, 0, 8, messageKinds.ack, 0, 0, 0, 0, 0, 0, 1, 2]),
    );
  });

  /** The envelope of `message` with its body replaced by `edit(body)`. */
  const edited = (message: PeerMessage, edit: (body: Buffer) => Buffer): Buffer => {
    const bytes = encodePeerMessage(message);
    return envelopeOf(bytes[4] ?? 0, edit(Buffer.from(bytes.subarray(5))));
  };

  test('a body of the wrong size, an unknown kind or a bad txn is refused', () => {
    const ack: PeerMessage = { type: 'ack', zxid: 1n };
    const longer = edited(ack, (body) => Buffer.concat([body, Buffer.from([0])]));
    expect(() => decodePeerMessage(longer)).toThrow('1 bytes after a zxid');
    const shorter = edited(ack, (body) => body.subarray(0, 7));
    expect(() => decodePeerMessage(shorter)).toThrow('7 bytes');
    const unknown = envelopeOf(99, Buffer.alloc(8));
    expect(() => decodePeerMessage(unknown)).toThrow('unknown peer message kind 99');
    // The path '/a' is at a known place: zxid, time, session, cxid, type byte, length.
    const badPath = edited(proposal, (body) => body.fill(0x61, 33, 34));
    expect(() => decodePeerMessage(badPath)).toThrow(DecodeError);
    expect(() => decodePeerMessage(badPath)).toThrow('invalid path "aa"');
    const cut = edited(proposal, (body) => body.subarray(0, body.length - 1));
    expect(() => decodePeerMessage(cut)).toThrow(DecodeError);
    // The same bytes, untouched, decode: the cases above fail for their edits.
    expect(decodePeerMessage(edited(proposal, (body) => body))).toEqual(proposal);
  });

  test('an envelope whose length runs past the frame is refused', () => {
    const bytes = encodePeerMessage({ type: 'commit', zxid: 1n });
    bytes.writeUInt32BE(9, 0);
    expect(() => decodePeerMessages(bytes)).toThrow('past the frame');
    expect(() => decodePeerMessages(Buffer.from([0, 0, 0]))).toThrow('cut short');
  });
});

describe('peer codec: a forwarded REQUEST', () => {
  const request = (
    forwarded: Extract<PeerMessage, { type: 'request' }>['request'],
  ): PeerMessage => ({
    type: 'request',
    origin: { sessionId: -5n, cxid: 9 },
    request: forwarded,
    identities: [{ scheme: 'digest', id: 'u:\u00e9' }],
  });
  /** The body after the origin and the one identity above: sessionId, cxid, count, 2 strings. */
  const fixedAt = 8 + 4 + 4 + (4 + 6) + (4 + 4);

  test('each kind of forwarded request round trips, in a REQUEST envelope', () => {
    const write = { type: 'create' as const, variant: 'create' as const, path: '/a', data: null };
    const cases: PeerMessage[] = [
      request({ type: 'write', request: { ...write, acl: [], flags: 0, ttl: -1n } }),
      request({ type: 'refused', err: -101 }),
      request({ type: 'createSession', timeoutMs: 4000 }),
      request({ type: 'closeSession' }),
    ];
    for (const message of cases) {
      const bytes = encodePeerMessage(message);
      expect(bytes[4]).toBe(messageKinds.request);
      expect(decodePeerMessage(bytes)).toEqual(message);
    }
  });

  test('an unknown type, bytes left over or a bad count or record is refused', () => {
    const closing = request({ type: 'closeSession' });
    const body = (message: PeerMessage): Buffer =>
      Buffer.from(encodePeerMessage(message).subarray(5));
    const decode = (bytes: Buffer): PeerMessage =>
      decodePeerMessage(envelopeOf(messageKinds.request, bytes));
    expect(decode(body(closing))).toEqual(closing);
    const unknown = body(closing);
    unknown.writeInt32BE(77, fixedAt);
    expect(() => decode(unknown)).toThrow('unknown forwarded request type 77');
    expect(() => decode(Buffer.concat([body(closing), Buffer.from([0])]))).toThrow(
      '1 bytes after a request',
    );
    const counted = body(closing);
    counted.writeInt32BE(1000, 12);
    expect(() => decode(counted)).toThrow('1000 identities');
    const write = body(
      request({ type: 'write', request: { type: 'delete', path: '/a', version: 1 } }),
    );
    write.writeInt32BE(999, fixedAt + 4 + 4 + 4);
    expect(() => decode(write)).toThrow('opcode 999 is not a request a peer forwards');
  });
});
