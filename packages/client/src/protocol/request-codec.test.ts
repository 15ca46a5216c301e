// Tests for request frames: round trips of every request type, the wire sheet's example frames,
// how invalid opcodes and bodies are classified, and that decoding never throws anything but
// DecodeError on hostile bytes.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from './decode-error.js';
import { FrameReader } from './frame-reader.js';
import { JuteWriter } from './jute-writer.js';
import type { MultiReadOp, Request, SetWatchesRequest } from './messages.js';
import type { Acl } from './records.js';
import { decodeRequest, encodeRequest, type DecodedRequest } from './request-codec.js';
import {
  anyCreateArbitrary,
  multiArbitrary,
  writeRequestArbitraries,
} from './testing/request-arbitraries.js';
import { roundTripText } from './testing/round-trip-text.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const path = roundTripText(20);
const data = fc.option(fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.from(a)));
const acl: fc.Arbitrary<Acl> = fc.record({
  perms: int32,
  id: fc.record({ scheme: path, id: path }),
});
const paths = fc.array(path, { maxLength: 4 });

const acls = fc.array(acl, { maxLength: 3 });
const writes = writeRequestArbitraries({
  path,
  data,
  version: int32,
  acl: acls,
  create: anyCreateArbitrary({ path, data, acl: acls, flags: int32, ttl: int64 }),
});
const { create, delete: del, setData, multiOp } = writes;
const getData = fc.record({ type: fc.constant('getData' as const), path, watch: fc.boolean() });
const getChildren = (withStat: fc.Arbitrary<boolean>): fc.Arbitrary<Request & MultiReadOp> =>
  fc.record({ type: fc.constant('getChildren' as const), path, watch: fc.boolean(), withStat });
const multiReadOp: fc.Arbitrary<MultiReadOp> = fc.oneof(
  getData.map((op) => ({ ...op })),
  getChildren(fc.constant(false)),
);
const setWatches: fc.Arbitrary<SetWatchesRequest> = fc
  .record({
    version: fc.constantFrom<1 | 2>(1, 2),
    relativeZxid: int64,
    dataWatches: paths,
    existWatches: paths,
    childWatches: paths,
    persistentWatches: paths,
    persistentRecursiveWatches: paths,
  })
  .map((r) =>
    r.version === 2
      ? { type: 'setWatches', ...r }
      : {
          type: 'setWatches',
          ...r,
          persistentWatches: [],
          persistentRecursiveWatches: [],
        },
  );

/** Every request a client may send and a server accepts (a lone check is excluded). */
const request: fc.Arbitrary<Request> = fc.oneof(
  create,
  del,
  setData,
  getData,
  fc.record({ type: fc.constant('exists' as const), path, watch: fc.boolean() }),
  fc.record({ type: fc.constant('getACL' as const), path }),
  writes.setACL,
  getChildren(fc.boolean()),
  fc.record({ type: fc.constant('sync' as const), path }),
  fc.constant({ type: 'ping' as const }),
  multiArbitrary(multiOp, 4),
  fc.record({
    type: fc.constant('multiRead' as const),
    ops: fc.array(multiReadOp, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constantFrom('checkWatches' as const, 'removeWatches' as const),
    path,
    watcherType: int32,
  }),
  fc.record({
    type: fc.constant('reconfig' as const),
    joiningServers: fc.option(path),
    leavingServers: fc.option(path),
    newMembers: fc.option(path),
    curConfigId: int64,
  }),
  fc.record({ type: fc.constant('auth' as const), authType: int32, scheme: path, auth: data }),
  setWatches,
  fc.record({ type: fc.constant('sasl' as const), token: data }),
  fc.record({ type: fc.constant('getEphemerals' as const), prefixPath: fc.option(path) }),
  fc.record({ type: fc.constant('getAllChildrenNumber' as const), path }),
  fc.record({ type: fc.constant('addWatch' as const), path, mode: int32 }),
  fc.constant({ type: 'whoAmI' as const }),
  fc.constant({ type: 'closeSession' as const }),
);

function encode(xid: number, r: Request): Buffer {
  const w = new JuteWriter({ initialBytes: 8 });
  encodeRequest(w, xid, r);
  return w.take();
}

/** The frame's payload, checked to be exactly one frame. */
function payloadOf(frame: Buffer): Buffer {
  const reader = new FrameReader();
  reader.push(frame);
  const payload = reader.next();
  expect(reader.bufferedBytes).toBe(0);
  if (payload === null) throw new Error('no complete frame');
  return payload;
}

function hex(...words: string[]): Buffer {
  return Buffer.from(words.join(''), 'hex');
}

/** A payload from a header and raw body words. */
function rawRequest(xid: number, opCode: number, body = ''): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(xid, 0);
  header.writeInt32BE(opCode, 4);
  return Buffer.concat([header, Buffer.from(body, 'hex')]);
}

describe('request codec', () => {
  test('round-trips every request type, xid and opcode through one frame', () => {
    fc.assert(
      fc.property(int32, request, (xid, r) => {
        const decoded = decodeRequest(payloadOf(encode(xid, r)));
        expect(decoded).toEqual({ kind: 'request', xid, opCode: expect.any(Number), request: r });
      }),
      { numRuns: 2000 },
    );
  });

  test('encodes the wire sheet ping and getData frames byte for byte', () => {
    expect(encode(-2, { type: 'ping' })).toEqual(hex('00000008', 'fffffffe', '0000000b'));
    expect(encode(1, { type: 'getData', path: '/a', watch: true })).toEqual(
      hex('0000000f', '00000001', '00000004', '00000002', '2f61', '01'),
    );
  });

  test('sends each create variant, getChildren2 and setWatches2 as its own opcode', () => {
    const opCodeOf = (r: Request): number => payloadOf(encode(0, r)).readInt32BE(4);
    const base = { type: 'create' as const, path: '/a', data: null, acl: [], flags: 0, ttl: -1n };
    expect(opCodeOf({ ...base, variant: 'create' })).toBe(1);
    expect(opCodeOf({ ...base, variant: 'create2' })).toBe(15);
    expect(opCodeOf({ ...base, variant: 'createContainer' })).toBe(19);
    expect(opCodeOf({ ...base, variant: 'createTTL' })).toBe(21);
    expect(opCodeOf({ type: 'getChildren', path: '/', watch: false, withStat: false })).toBe(8);
    expect(opCodeOf({ type: 'getChildren', path: '/', watch: false, withStat: true })).toBe(12);
    const watches = {
      type: 'setWatches' as const,
      relativeZxid: 0n,
      dataWatches: [],
      existWatches: [],
      childWatches: [],
      persistentWatches: [],
      persistentRecursiveWatches: [],
    };
    expect(opCodeOf({ ...watches, version: 1 })).toBe(101);
    expect(opCodeOf({ ...watches, version: 2 })).toBe(105);
  });

  test('writes a multi as MultiHeaders {op, false, -1} and ends with {-1, true, -1}', () => {
    const frame = encode(3, { type: 'multi', ops: [{ type: 'delete', path: '/a', version: -1 }] });
    expect(frame).toEqual(
      hex(
        '00000024',
        '00000003',
        '0000000e',
        '00000002',
        '00',
        'ffffffff',
        '00000002',
        '2f61',
        'ffffffff',
        'ffffffff',
        '01',
        'ffffffff',
      ),
    );
  });

  test('classifies opcodes a client may not send as unknownOp (ZooKeeper: Request.isValid)', () => {
    for (const opCode of [0, -1, -10, 10, 20, 23, 99, 108, 0x7fffffff]) {
      expect(decodeRequest(rawRequest(5, opCode))).toEqual({ kind: 'unknownOp', xid: 5, opCode });
    }
  });

  test('classifies a check outside a multi as unknownOp (3.8.5+)', () => {
    const decoded = decodeRequest(payloadOf(encode(4, { type: 'check', path: '/a', version: 0 })));
    expect(decoded).toEqual({ kind: 'unknownOp', xid: 4, opCode: 13 });
  });

  test('classifies a truncated or unreasonable body as malformed, keeping xid and opcode', () => {
    const truncated = decodeRequest(rawRequest(7, 4, '000000052f61'));
    expect(truncated).toMatchObject({ kind: 'malformed', xid: 7, opCode: 4 });
    const hugeLength = decodeRequest(rawRequest(8, 1, '00100000'));
    expect(hugeLength).toMatchObject({ kind: 'malformed', xid: 8, opCode: 1 });
    const nullPath = decodeRequest(rawRequest(9, 3, 'ffffffff00'));
    expect(nullPath).toMatchObject({ kind: 'malformed', xid: 9, opCode: 3 });
  });

  test('classifies a multi mixing reads and writes, or with a foreign op, as malformed', () => {
    const getData = { type: 'getData' as const, path: '/a', watch: false };
    const del = { type: 'delete' as const, path: '/a', version: -1 };
    const deleteMulti = encode(1, { type: 'multi', ops: [del] });
    // Swap the delete for a getData inside a multi: same frame layout, op type 4.
    const readInMulti = decodeRequest(
      rawRequest(1, 14, '0000000400ffffffff000000022f6100' + 'ffffffff01ffffffff'),
    );
    expect(readInMulti).toMatchObject({ kind: 'malformed', opCode: 14 });
    // A multiRead of writes only reads fine (ZooKeeper fails it on its first op when answering).
    const writeInMultiRead = Buffer.from(payloadOf(deleteMulti));
    writeInMultiRead.writeInt32BE(22, 4);
    expect(decodeRequest(writeInMultiRead)).toMatchObject({
      kind: 'request',
      request: { type: 'multiRead', ops: [], isCutShortByNull: true },
    });
    const mixedRead = Buffer.from(payloadOf(encode(1, { type: 'multi', ops: [del, del] })));
    mixedRead.writeInt32BE(22, 4);
    mixedRead.writeInt32BE(4, 8 + 9 + 10); // the second op header (after 8 + 9 + 10): now getData
    expect(decodeRequest(mixedRead)).toMatchObject({ kind: 'malformed', opCode: 22 });
    const both = payloadOf(encode(1, { type: 'multiRead', ops: [getData] }));
    expect(decodeRequest(both)).toMatchObject({ kind: 'request' });
    const foreign = decodeRequest(rawRequest(1, 14, '0000000b00ffffffff' + 'ffffffff01ffffffff'));
    expect(foreign).toMatchObject({ kind: 'malformed', opCode: 14 });
    const getChildren2 = decodeRequest(
      rawRequest(1, 22, '0000000c00ffffffff000000012f00' + 'ffffffff01ffffffff'),
    );
    expect(getChildren2).toMatchObject({ kind: 'malformed', opCode: 22 });
  });

  test('decodes an empty multi (only the terminator) as a multi with no ops', () => {
    const decoded = decodeRequest(rawRequest(2, 14, 'ffffffff01ffffffff'));
    expect(decoded).toEqual({
      kind: 'request',
      xid: 2,
      opCode: 14,
      request: { type: 'multi', ops: [] },
    });
  });

  test('ignores bytes after the record, as Java does', () => {
    const decoded = decodeRequest(Buffer.concat([rawRequest(1, 9, '000000012f'), hex('dead')]));
    expect(decoded).toEqual({
      kind: 'request',
      xid: 1,
      opCode: 9,
      request: { type: 'sync', path: '/' },
    });
  });

  test('reads a null ACL vector as empty (ZooKeeper answers InvalidACL for both)', () => {
    const decoded = decodeRequest(rawRequest(1, 7, '000000012f' + 'ffffffff' + '00000000'));
    expect(decoded).toMatchObject({ kind: 'request', request: { type: 'setACL', acl: [] } });
  });

  test('cuts setWatches short at a null list or a null path, as ZooKeeper walks them', () => {
    const slashA = '000000022f61';
    const nullList = decodeRequest(
      rawRequest(1, 101, '0000000000000000' + `00000001${slashA}` + 'ffffffff' + '00000000'),
    );
    expect(nullList).toMatchObject({
      kind: 'request',
      request: { dataWatches: ['/a'], existWatches: [], childWatches: [], isCutShortByNull: true },
    });
    const nullPath = decodeRequest(
      rawRequest(
        1,
        101,
        '0000000000000000' + `00000002${slashA}ffffffff` + '00000000' + '00000000',
      ),
    );
    expect(nullPath).toMatchObject({
      kind: 'request',
      request: { dataWatches: ['/a'], existWatches: [], isCutShortByNull: true },
    });
  });

  test('throws DecodeError for a payload shorter than the 8-byte header', () => {
    expect(() => decodeRequest(hex('fffffffe', '0000'))).toThrow(DecodeError);
    expect(() => decodeRequest(Buffer.alloc(0))).toThrow(DecodeError);
  });

  test('leaves nothing in the writer when a value does not fit its field', () => {
    const w = new JuteWriter();
    encodeRequest(w, 1, { type: 'sync', path: '/' });
    const before = w.length;
    expect(() => encodeRequest(w, 2, { type: 'delete', path: '/a', version: 2 ** 31 })).toThrow(
      RangeError,
    );
    expect(w.length).toBe(before);
  });
});

function assertOnlyDecodeErrors(payload: Buffer): void {
  let decoded: DecodedRequest | undefined;
  try {
    decoded = decodeRequest(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return;
  }
  expect(['request', 'malformed', 'unknownOp']).toContain(decoded.kind);
}

describe('request decoding on hostile bytes', () => {
  test('random payloads only ever decode or raise DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        assertOnlyDecodeErrors(Buffer.from(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  test('random bodies behind every valid opcode only ever decode or raise DecodeError', () => {
    const opCode = fc.constantFrom(
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      11,
      12,
      14,
      15,
      16,
      17,
      18,
      19,
      21,
      22,
      100,
      101,
      102,
      103,
      104,
      105,
      106,
      107,
      -11,
    );
    fc.assert(
      fc.property(int32, opCode, fc.uint8Array({ maxLength: 100 }), (xid, op, body) => {
        assertOnlyDecodeErrors(rawRequest(xid, op, Buffer.from(body).toString('hex')));
      }),
      { numRuns: 3000 },
    );
  });

  test('mutated valid frames only ever decode or raise DecodeError', () => {
    const mutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(
        request,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (r, mutations, cut) => {
          const payload = Buffer.from(payloadOf(encode(1, r)));
          for (const m of mutations) payload[m.at % payload.length] = m.byte;
          assertOnlyDecodeErrors(payload.subarray(0, payload.length - (cut % 4)));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
