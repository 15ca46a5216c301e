import { DecodeError } from '@zoo/client/protocol';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, test } from 'vitest';
import { DataTree } from '../core/tree/data-tree.js';
import type { TxnBody } from '../core/tree/txn.js';
import type { PeerMessage } from '../core/zab/messages.js';
import {
  decodePeerHello,
  decodePeerMessage,
  decodePeerMessages,
  encodePeerHello,
  encodePeerMessage,
  envelopeOf,
} from './peer-codec.js';
import { messageKinds } from './peer-codec-binary.js';
import { peerMessageTypes, peerProtocolVersion } from './read-peer-message.js';
import { txnBodyTypes } from './read-txn.js';
import { peerMessageArb, snapshotArb } from './testing/peer-message-arbitraries.js';

/** Packs arbitrary values as a (possibly hostile) peer would. */
const raw = new Packr({ useRecords: false });
const decodeRaw = (value: unknown): PeerMessage =>
  decodePeerMessage(envelopeOf(messageKinds.msgpack, raw.pack(value)));

/**
 * A decoded message must be one the rest of the server can use: it re-encodes to itself, and a
 * SNAP's nodes are linked by a learner's tree or named as the problem, never a crash.
 */
function expectUsable(message: PeerMessage): void {
  expect(decodePeerMessage(encodePeerMessage(message))).toEqual(message);
  if (message.type !== 'snapNodes') return;
  const restore = DataTree.restore(message.zxid);
  const problem = message.nodes.map((node) => restore.add(node)).find((p) => p !== null);
  if (problem === undefined) restore.finish().invariants();
}

describe('peer codec: round trip', () => {
  test('every message decodes to exactly what was encoded', () => {
    fc.assert(
      fc.property(peerMessageArb, (message) => {
        const decoded = decodePeerMessage(encodePeerMessage(message));
        expect(decoded).toEqual(message);
        expectUsable(decoded);
      }),
      { numRuns: 2000 },
    );
  });

  test('the generated messages cover every message type and txn body type', () => {
    const seen = new Set<string>();
    const bodies = new Set<string>();
    const noteBody = (body: TxnBody): void => {
      bodies.add(body.type);
      if (body.type === 'multi') body.ops.forEach(noteBody);
    };
    for (const message of fc.sample(peerMessageArb, { numRuns: 3000, seed: 1 })) {
      seen.add(message.type);
      if (message.type === 'proposal' || message.type === 'inform') noteBody(message.txn.body);
    }
    expect([...seen].sort()).toEqual([...peerMessageTypes].sort());
    expect([...bodies].sort()).toEqual([...txnBodyTypes].sort());
  });

  test('a snapshot sent as parts restores to the tree it was taken from', () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer({ min: 1, max: 4 }), (snapshot, partSize) => {
        const restore = DataTree.restore(snapshot.zxid);
        for (let i = 0; i < snapshot.nodes.length; i += partSize) {
          const nodes = snapshot.nodes.slice(i, i + partSize);
          const part = { type: 'snapNodes', zxid: snapshot.zxid, nodes } as const;
          const decoded = decodePeerMessage(encodePeerMessage(part));
          if (decoded.type !== 'snapNodes') throw new Error(decoded.type);
          for (const node of decoded.nodes) expect(restore.add(node)).toBeNull();
        }
        expect(restore.finish().digest()).toBe(DataTree.fromSnapshot(snapshot).digest());
      }),
      { numRuns: 200 },
    );
  });

  test('bigint fields stay bigint and number fields stay number, whatever their size', () => {
    const message: PeerMessage = {
      type: 'proposal',
      txn: { zxid: 0n, timeMs: 2 ** 52, sessionId: -1n, cxid: -1, body: { type: 'error', err: 0 } },
    };
    const decoded = decodePeerMessage(encodePeerMessage(message));
    if (decoded.type !== 'proposal') throw new Error(decoded.type);
    expect(typeof decoded.txn.zxid).toBe('bigint');
    expect(typeof decoded.txn.sessionId).toBe('bigint');
    expect(decoded.txn.timeMs).toBe(2 ** 52);
    expect(decoded).toEqual(message);
  });

  test('messages packed back to back in one frame decode in order', () => {
    fc.assert(
      fc.property(fc.array(peerMessageArb, { minLength: 1, maxLength: 6 }), (messages) => {
        const frame = Buffer.concat(messages.map(encodePeerMessage));
        expect(decodePeerMessages(frame)).toEqual(messages);
      }),
      { numRuns: 200 },
    );
  });

  test('a forwarded client write travels as its Jute record, after its origin', () => {
    const request = { type: 'delete' as const, path: '/a', version: 3 };
    const bytes = encodePeerMessage({
      type: 'request',
      origin: { sessionId: 1n, cxid: 2 },
      request: { type: 'write', request },
      identities: [{ scheme: 'ip', id: '127.0.0.1' }],
    });
    expect(bytes[4]).toBe(messageKinds.request);
    // The client's frame (length, xid 0, opcode 2 = delete, path, version) ends the message.
    const frame = Buffer.from([
      0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 47, 97, 0, 0, 0, 3,
    ]);
    expect(bytes.subarray(bytes.length - frame.length)).toEqual(frame);
    const decoded = decodePeerMessage(bytes);
    expect(decoded).toMatchObject({ request: { type: 'write', request } });
  });

  test('decoded data is a copy, not a view of the frame', () => {
    const body = { type: 'setData' as const, path: '/d', data: Buffer.from('abc'), version: 1 };
    const frame = encodePeerMessage({
      type: 'inform',
      txn: { zxid: 1n, timeMs: 0, sessionId: 0n, cxid: 0, body },
    });
    const decoded = decodePeerMessage(frame);
    frame.fill(0);
    expect(decoded).toMatchObject({ txn: { body: { data: Buffer.from('abc') } } });
  });

  test('a hello round trips and is told apart from a message', () => {
    const hello = encodePeerHello({ serverId: 3, to: 1 });
    expect(decodePeerHello(hello)).toEqual({ serverId: 3, to: 1 });
    expect(() => decodePeerMessage(hello)).toThrow(DecodeError);
    expect(() => decodePeerHello(encodePeerMessage({ type: 'upToDate' }))).toThrow(DecodeError);
  });
});

const txn = (body: unknown, extra: object = {}) => ({
  type: 'proposal',
  txn: { zxid: 1n, timeMs: 5, sessionId: 2n, cxid: 3, body, ...extra },
});
const node = (path: string, owner = 0n) => ({
  path,
  data: null,
  acl: [],
  czxid: 0n,
  mzxid: 0n,
  pzxid: 0n,
  ctime: 0,
  mtime: 0,
  version: 0,
  childCreates: 0,
  aversion: 0,
  ephemeralOwner: owner,
});
const snapNodes = (nodes: unknown[], zxid = 0n) => ({ type: 'snapNodes', zxid, nodes });
const forwarded = (request: unknown) => ({
  type: 'request',
  origin: { sessionId: 1n, cxid: 1 },
  request,
  identities: [],
});

describe('peer codec: rejects ill-formed values with DecodeError', () => {
  const cases: [string, unknown, string][] = [
    ['an unknown message type', { type: 'bogus' }, 'unknown peer message type "bogus"'],
    ['a message without a type', { zxid: 1n }, 'message.type: missing'],
    [
      'a __proto__ key',
      JSON.parse('{"type":"upToDate","__proto__":{"polluted":true}}'),
      'forbidden key "__proto_"',
    ],
    ['a constructor key', { type: 'upToDate', constructor: 'x' }, 'forbidden key "constructor"'],
    ['an array for a message', ['upToDate'], 'expected a map, got an array'],
    [
      'a date for a zxid',
      { type: 'ack', zxid: new Date(0) },
      'message.zxid: expected an int64 bigint, got a Date',
    ],
    [
      'a zxid sent as a number',
      { type: 'ack', zxid: 5 },
      'message.zxid: expected an int64 bigint, got number',
    ],
    [
      'an epoch sent as a bigint',
      { type: 'leaderInfo', epoch: 5n },
      'message.epoch: expected a safe integer',
    ],
    [
      'a zxid above the int64 range',
      { type: 'commit', zxid: 1n << 63n },
      'message.zxid: expected an int64 bigint, got bigint',
    ],
    [
      'a fractional cxid',
      { type: 'sync', origin: { sessionId: 1n, cxid: 1.5 }, path: '/' },
      'message.origin.cxid: expected an int32',
    ],
    [
      'an int32 out of range',
      txn({ type: 'error', err: 2 ** 31 }),
      'message.txn.body.err: expected an int32',
    ],
    [
      'a non-boolean isObserver',
      { type: 'followerInfo', acceptedEpoch: 1, lastZxid: 0n, isObserver: 1 },
      'message.isObserver: expected a boolean',
    ],
    [
      'an unknown server state',
      { type: 'vote', round: 1, vote: { leader: 1, zxid: 0n, epoch: 0 }, state: 'x' },
      'message.state: expected one of',
    ],
    [
      'data as a string',
      txn({ type: 'setData', path: '/a', data: 'abc', version: 1 }),
      'message.txn.body.data: expected bytes',
    ],
    [
      'a missing txn field',
      { type: 'proposal', txn: { zxid: 1n, timeMs: 5, sessionId: 2n, body: {} } },
      'message.txn.cxid: missing',
    ],
    ['an invalid txn path', txn({ type: 'delete', path: 'no-slash' }), 'invalid path "no-slash"'],
    [
      'a multi inside a multi',
      txn({ type: 'multi', ops: [{ type: 'multi', ops: [] }] }),
      'multi cannot be part of a multi',
    ],
    [
      'an error body inside a multi',
      txn({ type: 'multi', ops: [{ type: 'error', err: -1 }] }),
      'error cannot be part of a multi',
    ],
    ['an unknown txn body type', txn({ type: 'reconfig' }), 'unknown txn body type "reconfig"'],
    [
      'an owner of an unknown extended type',
      txn({
        type: 'create',
        path: '/a',
        data: null,
        acl: [],
        ephemeralOwner: BigInt.asIntN(64, 0xff01_0000_0000_0001n),
        parentCVersion: 1,
      }),
      'unknown extended ephemeral owner',
    ],
    // How a SNAP's nodes fit together is the learner's tree's to check (snap-restore.test.ts).
    ['a snapshot node with an invalid path', snapNodes([node('/'), node('/a/')]), 'invalid path'],
    [
      'a snapshot node of an unknown owner type',
      snapNodes([node('/'), node('/a', BigInt.asIntN(64, 0xff01_0000_0000_0001n))]),
      'unknown extended ephemeral owner',
    ],
    [
      'a SNAP head whose node count is not an integer',
      { type: 'snap', zxid: 1n, nodeCount: 1.5, sessions: [] },
      'nodeCount',
    ],
    [
      'a forwarded write that is not a Jute record',
      forwarded({ type: 'write', request: Buffer.from([1]) }),
      'message.request.request: request payload of 1 bytes',
    ],
    [
      'a forwarded write with an unknown opcode',
      forwarded({ type: 'write', request: Buffer.from([0, 0, 0, 0, 0, 0, 3, 231]) }),
      'opcode 999 is not a request',
    ],
    [
      'a forwarded write whose record is cut short',
      forwarded({ type: 'write', request: Buffer.from([0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 9]) }),
      'malformed request',
    ],
    [
      'a forwarded request of unknown type',
      forwarded({ type: 'ping' }),
      'unknown forwarded request type "ping"',
    ],
  ];
  test.each(cases)('%s', (_name, value, reason) => {
    expect(() => decodeRaw(value)).toThrow(DecodeError);
    expect(() => decodeRaw(value)).toThrow(reason);
  });

  test('the same shapes, well formed, are accepted (the cases above fail for their reason)', () => {
    expect(decodeRaw({ type: 'upToDate', extra: 'ignored' })).toEqual({ type: 'upToDate' });
    expect(decodeRaw(snapNodes([node('/'), node('/a'), node('/a/b')]))).toMatchObject({
      type: 'snapNodes',
    });
    expect(decodeRaw(txn({ type: 'multi', ops: [{ type: 'delete', path: '/a' }] }))).toMatchObject({
      type: 'proposal',
    });
  });

  test('empty frames, trailing bytes and cut-short frames are rejected', () => {
    const good = encodePeerMessage({ type: 'ack', zxid: 7n });
    expect(() => decodePeerMessage(Buffer.alloc(0))).toThrow(DecodeError);
    expect(() => decodePeerMessages(Buffer.alloc(0))).toThrow(DecodeError);
    expect(() => decodePeerMessage(Buffer.concat([good, good]))).toThrow(DecodeError);
    expect(() => decodePeerMessages(good.subarray(0, good.length - 1))).toThrow(DecodeError);
  });

  test('a hello from another protocol version or with a negative id is rejected', () => {
    const hello = (fields: object) =>
      raw.pack({ type: 'hello', version: peerProtocolVersion, serverId: 2, to: 1, ...fields });
    expect(decodePeerHello(hello({}))).toEqual({ serverId: 2, to: 1 });
    // Version 1 sent a SNAP as one message or as parts of another shape.
    expect(() => decodePeerHello(hello({ version: 1 }))).toThrow(DecodeError);
    expect(() => decodePeerHello(hello({ version: peerProtocolVersion + 1 }))).toThrow(DecodeError);
    expect(() => decodePeerHello(hello({ serverId: -1 }))).toThrow(DecodeError);
  });
});

/** Decoding hostile bytes may only ever give a usable message or a DecodeError. */
function expectMessageOrDecodeError(bytes: Uint8Array): void {
  let messages: PeerMessage[];
  try {
    messages = decodePeerMessages(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return;
  }
  for (const message of messages) expectUsable(message);
}

describe('peer codec: hostile bytes', () => {
  test('random bytes give a message or a DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => expectMessageOrDecodeError(bytes)),
      { numRuns: 5000 },
    );
  });

  test('mutated encodings give a message or a DecodeError, nothing else', () => {
    const mutation = fc.record({
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      kind: fc.nat(2),
    });
    fc.assert(
      fc.property(
        peerMessageArb,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (m, edits) => {
          let bytes = Buffer.from(encodePeerMessage(m));
          for (const { at, byte, kind } of edits) {
            const i = at % (bytes.length + 1);
            if (kind === 0 && i < bytes.length) bytes[i] = byte;
            else if (kind === 1) bytes = bytes.subarray(0, i);
            else
              bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
          }
          expectMessageOrDecodeError(bytes);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
