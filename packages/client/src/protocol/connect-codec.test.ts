// Tests for the connect handshake records, with and without the optional trailing readOnly byte
// (ZooKeeper: ProtocolManager; node-zookeeper-client never sends it).

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeConnectRequest,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeConnectResponse,
} from './connect-codec.js';
import { DecodeError } from './decode-error.js';
import { FrameReader } from './frame-reader.js';
import { JuteWriter } from './jute-writer.js';
import type { ConnectRequest, ConnectResponse } from './messages.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const passwd = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a));

const connectRequest: fc.Arbitrary<ConnectRequest> = fc
  .record({
    protocolVersion: int32,
    lastZxidSeen: int64,
    timeoutMs: int32,
    sessionId: int64,
    passwd: fc.option(passwd),
    readOnly: fc.option(fc.boolean()),
  })
  .map(({ readOnly, ...fields }) => (readOnly === null ? fields : { ...fields, readOnly }));

const connectResponse: fc.Arbitrary<ConnectResponse> = fc
  .record({
    protocolVersion: int32,
    timeoutMs: int32,
    sessionId: int64,
    passwd,
    readOnly: fc.option(fc.boolean()),
  })
  .map(({ readOnly, ...fields }) => (readOnly === null ? fields : { ...fields, readOnly }));

function payloadOf(write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter();
  write(w);
  const frames = new FrameReader();
  frames.push(w.take());
  const payload = frames.next();
  expect(frames.bufferedBytes).toBe(0);
  if (payload === null) throw new Error('no complete frame');
  return payload;
}

const newSession: ConnectRequest = {
  protocolVersion: 0,
  lastZxidSeen: 0n,
  timeoutMs: 30_000,
  sessionId: 0n,
  passwd: Buffer.alloc(16),
};
const session: ConnectResponse = {
  protocolVersion: 0,
  timeoutMs: 30_000,
  sessionId: 0x010000c117460000n,
  passwd: Buffer.from('5882333b05c1bec1f6783fce56cd1d44', 'hex'),
};

describe('connect codec', () => {
  test('round-trips connect requests, with readOnly present only when it was sent', () => {
    fc.assert(
      fc.property(connectRequest, (r) => {
        const decoded = decodeConnectRequest(payloadOf((w) => encodeConnectRequest(w, r)));
        expect(decoded).toStrictEqual(r);
      }),
    );
  });

  test('round-trips connect responses, with readOnly present only when it was sent', () => {
    fc.assert(
      fc.property(connectResponse, (r) => {
        const decoded = decodeConnectResponse(payloadOf((w) => encodeConnectResponse(w, r)));
        expect(decoded).toStrictEqual(r);
      }),
    );
  });

  test('a request is 44 bytes without readOnly and 45 with it', () => {
    const without = payloadOf((w) => encodeConnectRequest(w, newSession));
    expect(without.length).toBe(44);
    expect('readOnly' in decodeConnectRequest(without)).toBe(false);
    const withByte = payloadOf((w) => encodeConnectRequest(w, { ...newSession, readOnly: false }));
    expect(withByte.length).toBe(45);
    expect(withByte[44]).toBe(0);
    expect(decodeConnectRequest(withByte).readOnly).toBe(false);
  });

  test('a response is 36 bytes without readOnly and 37 with it', () => {
    const without = payloadOf((w) => encodeConnectResponse(w, session));
    expect(without.toString('hex')).toBe(
      '00000000' +
        '00007530' +
        '010000c117460000' +
        '00000010' +
        '5882333b05c1bec1f6783fce56cd1d44',
    );
    const withByte = payloadOf((w) => encodeConnectResponse(w, { ...session, readOnly: true }));
    expect(withByte.length).toBe(37);
    expect(withByte[36]).toBe(1);
  });

  test('rejects a truncated connect request with DecodeError', () => {
    const payload = payloadOf((w) => encodeConnectRequest(w, newSession));
    expect(() => decodeConnectRequest(payload.subarray(0, 30))).toThrow(DecodeError);
  });

  test('reads a null response password as empty', () => {
    const payload = Buffer.from('00000000' + '00000000' + '0000000000000000' + 'ffffffff', 'hex');
    expect(decodeConnectResponse(payload).passwd).toEqual(Buffer.alloc(0));
  });
});
