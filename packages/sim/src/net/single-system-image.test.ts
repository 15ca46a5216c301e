import { describe, expect, test } from 'vitest';
import type { Violation } from '../history/history.js';
import { SingleSystemImageCheck } from './single-system-image.js';

function frame(...fields: Buffer[]): Buffer {
  const payload = Buffer.concat(fields);
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([length, payload]);
}
const int = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};
const long = (value: bigint): Buffer => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value);
  return bytes;
};
/** protocolVersion, lastZxidSeen, timeout, sessionId, then an empty password. */
const connectRequest = (lastZxidSeen: bigint): Buffer =>
  frame(int(0), long(lastZxidSeen), int(4000), long(0n), int(0));
const connectResponse = frame(int(0), int(4000), long(0x42n), int(0));
const reply = (xid: number, zxid: bigint): Buffer => frame(int(xid), long(zxid), int(0));

function check(lastZxidSeen: bigint, replies: Buffer[]): Violation[] {
  const violations: Violation[] = [];
  const monitor = new SingleSystemImageCheck(violations, () => 1234);
  const connection = { client: 'c2', server: 's1' };
  monitor.toServer(connection, connectRequest(lastZxidSeen));
  monitor.toClient(connection, Buffer.concat([connectResponse, ...replies]));
  return violations;
}

describe('SingleSystemImageCheck', () => {
  test('passes replies at or past the lastZxidSeen the client connected with', () => {
    expect(check(0x20n, [reply(1, 0x20n), reply(-2, 0x25n), reply(2, 0x30n)])).toEqual([]);
  });

  test('ignores notifications and auth replies, which carry no view', () => {
    expect(check(0x20n, [reply(-1, -1n), reply(-4, 0n)])).toEqual([]);
  });

  test('reports a server answering from a view older than the client saw, once', () => {
    const violations = check(0x20n, [reply(-2, 0x1fn), reply(3, 0x10n)]);
    expect(violations).toEqual([
      {
        checker: 'session',
        message:
          "SingleSystemImage: s1 answered c2's session 0x42 at 1234.0ms (xid -2) with zxid " +
          '0x1f, older than the lastZxidSeen 0x20 its ConnectRequest carried',
      },
    ]);
  });

  test('reads frames split across writes', () => {
    const violations: Violation[] = [];
    const monitor = new SingleSystemImageCheck(violations, () => 0);
    const connection = { client: 'c1', server: 's3' };
    monitor.toServer(connection, connectRequest(0x50n));
    const bytes = Buffer.concat([connectResponse, reply(7, 0x40n)]);
    for (let at = 0; at < bytes.length; at += 5) {
      monitor.toClient(connection, bytes.subarray(at, at + 5));
    }
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining('zxid 0x40')]);
  });
});
