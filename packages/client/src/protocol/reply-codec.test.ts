// Tests for reply and notification frames: round trips of every response type decoded as the
// client decodes it for the matching request, and the wire sheet's byte-exact examples.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from './decode-error.js';
import { FrameReader } from './frame-reader.js';
import { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import type { MultiOpResult, Reply, Request, Response } from './messages.js';
import type { Stat } from './records.js';
import {
  decodeNotification,
  decodeReplyHeader,
  decodeResponseBody,
  encodeNotification,
  encodeReply,
} from './reply-codec.js';
import { roundTripText } from './testing/round-trip-text.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const text = roundTripText(20);
const data = fc.option(fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.from(a)));
const texts = fc.array(text, { maxLength: 4 });
const stat: fc.Arbitrary<Stat> = fc.record({
  czxid: int64,
  mzxid: int64,
  ctime: int64,
  mtime: int64,
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});

const path = '/p';
const simple = (type: 'sync' | 'getACL' | 'getAllChildrenNumber'): Request => ({ type, path });
const multiResult: fc.Arbitrary<MultiOpResult> = fc.oneof(
  fc.record({ type: fc.constant('create' as const), path: text, stat: fc.option(stat) }),
  fc.constant({ type: 'delete' as const }),
  fc.record({ type: fc.constant('setData' as const), stat }),
  fc.constant({ type: 'check' as const }),
  fc.record({ type: fc.constant('getData' as const), data, stat }),
  texts.map((children) => ({ type: 'getChildren' as const, children, stat: null })),
  fc.record({ type: fc.constant('error' as const), err: int32 }),
);

interface Exchange {
  request: Request;
  response: Response;
}
const ex = (request: Request, response: Response): Exchange => ({ request, response });
const createVariant = fc.constantFrom('create', 'create2', 'createContainer', 'createTTL' as const);
const statOp = fc.constantFrom('exists' as const, 'setData' as const, 'setACL' as const);
const statRequests: Record<'exists' | 'setData' | 'setACL', Request> = {
  exists: { type: 'exists', path, watch: true },
  setData: { type: 'setData', path, data: null, version: -1 },
  setACL: { type: 'setACL', path, acl: [], version: -1 },
};
const reconfig: Request = {
  type: 'reconfig',
  joiningServers: null,
  leavingServers: null,
  newMembers: null,
  curConfigId: -1n,
};
const emptyBodied: Request[] = [
  { type: 'delete', path, version: -1 },
  { type: 'ping' },
  { type: 'closeSession' },
  { type: 'checkWatches', path, watcherType: 1 },
  { type: 'removeWatches', path, watcherType: 3 },
  { type: 'auth', authType: 0, scheme: 'digest', auth: null },
  {
    type: 'setWatches',
    version: 1,
    relativeZxid: 0n,
    dataWatches: [],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
  },
];
const acl = fc.array(fc.record({ perms: int32, id: fc.record({ scheme: text, id: text }) }));

/** A response with a request the client would have sent for it. */
const exchange: fc.Arbitrary<Exchange> = fc.oneof(
  fc
    .tuple(createVariant, text, stat)
    .map(([variant, created, s]) =>
      ex(
        { type: 'create', variant, path, data: null, acl: [], flags: 0, ttl: -1n },
        { type: 'create', path: created, stat: variant === 'create' ? null : s },
      ),
    ),
  fc.tuple(statOp, stat).map(([op, s]) => ex(statRequests[op], { type: 'stat', stat: s })),
  fc.tuple(data, stat, fc.boolean()).map(([d, s, isReconfig]) =>
    ex(isReconfig ? reconfig : { type: 'getData', path, watch: false }, {
      type: 'getData',
      data: d,
      stat: s,
    }),
  ),
  fc.tuple(acl, stat).map(([a, s]) => ex(simple('getACL'), { type: 'getACL', acl: a, stat: s })),
  fc
    .tuple(texts, fc.option(stat))
    .map(([children, s]) =>
      ex(
        { type: 'getChildren', path, watch: false, withStat: s !== null },
        { type: 'getChildren', children, stat: s },
      ),
    ),
  text.map((p) => ex(simple('sync'), { type: 'path', path: p })),
  fc.constantFrom(...emptyBodied).map((request) => ex(request, { type: 'empty' })),
  fc.tuple(fc.array(multiResult, { maxLength: 5 }), fc.boolean()).map(([results, isRead]) =>
    ex(isRead ? { type: 'multiRead', ops: [] } : { type: 'multi', ops: [] }, {
      type: 'multi',
      results,
    }),
  ),
  texts.map((paths) =>
    ex({ type: 'getEphemerals', prefixPath: null }, { type: 'ephemerals', paths }),
  ),
  int32.map((total) => ex(simple('getAllChildrenNumber'), { type: 'count', total })),
  fc.constant(ex({ type: 'addWatch', path, mode: 0 }, { type: 'addWatch' })),
  fc
    .array(fc.record({ authScheme: text, user: text }), { maxLength: 3 })
    .map((clientInfo) => ex({ type: 'whoAmI' }, { type: 'whoAmI', clientInfo })),
  data.map((token) => ex({ type: 'sasl', token }, { type: 'sasl', token })),
);

function frameOf(write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter({ initialBytes: 4 });
  write(w);
  return w.take();
}

function readerOf(frame: Buffer): JuteReader {
  const frames = new FrameReader();
  frames.push(frame);
  const payload = frames.next();
  expect(frames.bufferedBytes).toBe(0);
  if (payload === null) throw new Error('no complete frame');
  return new JuteReader(payload);
}

function hex(...words: string[]): Buffer {
  return Buffer.from(words.join(''), 'hex');
}

describe('reply codec', () => {
  test('round-trips every response type as the client decodes it for its request', () => {
    fc.assert(
      fc.property(int32, int64, exchange, (xid, zxid, { request, response }) => {
        const reply: Reply = { header: { xid, zxid, err: 0 }, body: response };
        const r = readerOf(frameOf((w) => encodeReply(w, reply)));
        expect(decodeReplyHeader(r)).toEqual(reply.header);
        expect(decodeResponseBody(request, r)).toEqual(response);
        expect(r.remaining()).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  test('round-trips notifications', () => {
    const event = fc.record({ type: int32, state: int32, path: text });
    fc.assert(
      fc.property(int64, event, (zxid, e) => {
        const r = readerOf(frameOf((w) => encodeNotification(w, { zxid, event: e })));
        expect(decodeReplyHeader(r)).toEqual({ xid: -1, zxid, err: 0 });
        expect(decodeNotification(r)).toEqual(e);
        expect(r.remaining()).toBe(0);
      }),
    );
  });

  test('encodes the wire sheet ping reply, NoNode reply and notification byte for byte', () => {
    expect(
      frameOf((w) => encodeReply(w, { header: { xid: -2, zxid: 5n, err: 0 }, body: null })),
    ).toEqual(hex('00000010', 'fffffffe', '00000000', '00000005', '00000000'));
    const noNode: Reply = { header: { xid: 7, zxid: 5n, err: -101 }, body: null };
    expect(frameOf((w) => encodeReply(w, noNode))).toEqual(
      hex('00000010', '00000007', '00000000', '00000005', 'ffffff9b'),
    );
    const event = { type: 3, state: 3, path: '/a' };
    expect(frameOf((w) => encodeNotification(w, { zxid: -1n, event }))).toEqual(
      hex(
        '0000001e',
        'ffffffff',
        'ffffffffffffffff',
        '00000000',
        '00000003',
        '00000003',
        '00000002',
        '2f61',
      ),
    );
  });

  test('answers addWatch with a 20-byte reply whose body is int 0', () => {
    const reply: Reply = { header: { xid: 9, zxid: 4n, err: 0 }, body: { type: 'addWatch' } };
    const frame = frameOf((w) => encodeReply(w, reply));
    expect(frame.length - 4).toBe(20);
    expect(frame.subarray(20)).toEqual(hex('00000000'));
  });

  test('answers sasl without a SASL server with a 20-byte reply carrying a null token', () => {
    const reply: Reply = {
      header: { xid: 3, zxid: 0n, err: 0 },
      body: { type: 'sasl', token: null },
    };
    expect(frameOf((w) => encodeReply(w, reply)).subarray(4)).toEqual(
      hex('00000003', '0000000000000000', '00000000', 'ffffffff'),
    );
  });

  test('writes the header alone when err is not 0, even if a body is given', () => {
    const reply: Reply = {
      header: { xid: 1, zxid: 2n, err: -110 },
      body: { type: 'path', path: '/a' },
    };
    const frame = frameOf((w) => encodeReply(w, reply));
    expect(frame.length).toBe(20);
  });

  test('encodes a failed multi as the wire sheet shows, with err 0 in the reply header', () => {
    const results: MultiOpResult[] = [
      { type: 'error', err: 0 },
      { type: 'error', err: -103 },
      { type: 'error', err: -2 },
    ];
    const reply: Reply = { header: { xid: 1, zxid: 6n, err: 0 }, body: { type: 'multi', results } };
    expect(frameOf((w) => encodeReply(w, reply)).subarray(20)).toEqual(
      hex(
        'ffffffff',
        '00',
        '00000000',
        '00000000',
        'ffffffff',
        '00',
        'ffffff99',
        'ffffff99',
        'ffffffff',
        '00',
        'fffffffe',
        'fffffffe',
        'ffffffff',
        '01',
        'ffffffff',
      ),
    );
  });

  test('sends a multi create result as type 1 without a stat and as type 15 with one', () => {
    const s: Stat = {
      czxid: 1n,
      mzxid: 1n,
      ctime: 0n,
      mtime: 0n,
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: 0n,
      dataLength: 0,
      numChildren: 0,
      pzxid: 1n,
    };
    const results: MultiOpResult[] = [
      { type: 'create', path: '/a', stat: null },
      { type: 'create', path: '/b', stat: s },
    ];
    const reply: Reply = { header: { xid: 1, zxid: 6n, err: 0 }, body: { type: 'multi', results } };
    const body = frameOf((w) => encodeReply(w, reply)).subarray(20);
    expect(body.readInt32BE(0)).toBe(1);
    expect(body.readInt32BE(9 + 6)).toBe(15);
  });

  test('rejects a multi response with a result type no server sends', () => {
    const r = new JuteReader(hex('0000000b', '00', '00000000', 'ffffffff', '01', 'ffffffff'));
    expect(() => decodeResponseBody({ type: 'multi', ops: [] }, r)).toThrow(DecodeError);
  });

  test('rejects a truncated success body with DecodeError (a short addWatch reply)', () => {
    const r = new JuteReader(hex('00000001', '0000000000000004', '00000000', '0000'));
    decodeReplyHeader(r);
    expect(() => decodeResponseBody({ type: 'addWatch', path: '/', mode: 0 }, r)).toThrow(
      DecodeError,
    );
  });
});
