// A live Zoo server under hostile bytes: random frames, mutated valid frames, oversized and
// negative lengths, garbage before the handshake. Each bad connection is closed or answered with
// an error code; the server never crashes and a bystander session keeps working throughout.

import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '@zoo/server';
import type { ZooServer } from '@zoo/server';
import {
  ErrorCode,
  JuteWriter,
  OPEN_ACL_UNSAFE,
  encodeConnectRequest,
  encodeRequest,
} from '@zoo/client/protocol';
import { WireClient } from './support/wire-client.js';

let server: ZooServer;
let bystander: WireClient;

beforeAll(async () => {
  server = await startServer({ port: 0, logLevel: 'silent' });
  bystander = await WireClient.connect({ host: server.host, port: server.port, timeoutMs: 30_000 });
  const created = await bystander.request({
    type: 'create',
    variant: 'create',
    path: '/bystander',
    data: Buffer.from('ok'),
    acl: [...OPEN_ACL_UNSAFE],
    flags: 1,
    ttl: -1n,
  });
  expect(created.err).toBe(0);
});

afterAll(async () => {
  await bystander.close();
  await server.close();
});

function connectFrame(): Buffer {
  const writer = new JuteWriter();
  encodeConnectRequest(writer, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeoutMs: 30_000,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
  });
  return writer.take();
}

function validRequestFrames(): Buffer {
  const writer = new JuteWriter();
  encodeRequest(writer, 1, {
    type: 'create',
    variant: 'create2',
    path: '/fuzz',
    data: Buffer.from('d'),
    acl: [...OPEN_ACL_UNSAFE],
    flags: 3,
    ttl: -1n,
  });
  encodeRequest(writer, 2, { type: 'getData', path: '/fuzz', watch: true });
  encodeRequest(writer, 3, { type: 'multi', ops: [{ type: 'check', path: '/', version: -1 }] });
  return writer.take();
}

/** Sends bytes on a fresh connection; resolves with the answer once it closes or goes quiet. */
function exchange(bytes: Buffer, quietMs = 150): Promise<{ received: Buffer; wasClosed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.host, port: server.port });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (wasClosed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), wasClosed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    socket.on('connect', () => {
      socket.write(bytes);
      arm();
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      arm();
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
  });
}

async function bystanderStillServes(): Promise<void> {
  const result = await bystander.request({ type: 'getData', path: '/bystander', watch: false });
  expect(result.err).toBe(0);
  expect(result.body).toMatchObject({ type: 'getData', data: Buffer.from('ok') });
}

describe('server: hostile input', () => {
  test('a frame longer than 0xFFFFF closes that connection without a reply', async () => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(0x100000);
    const { received, wasClosed } = await exchange(Buffer.concat([length, Buffer.alloc(64)]));
    expect(wasClosed).toBe(true);
    expect(received.length).toBe(0);
    await bystanderStillServes();
  });

  test('a negative frame length after the handshake closes the connection', async () => {
    const { wasClosed } = await exchange(
      Buffer.concat([connectFrame(), Buffer.from([0xff, 0xff, 0xff, 0xf0])]),
    );
    expect(wasClosed).toBe(true);
    await bystanderStillServes();
  });

  test('a truncated body answers MarshallingError and the connection stays usable', async () => {
    const body = Buffer.alloc(8 + 2);
    body.writeInt32BE(5, 0); // xid
    body.writeInt32BE(4, 4); // getData, with a body too short to hold its path
    const frame = Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    const { received, wasClosed } = await exchange(Buffer.concat([connectFrame(), frame]));
    expect(wasClosed).toBe(false);
    // Connect response (4 + 36 bytes), then a 16-byte reply header carrying −5.
    const reply = received.subarray(40);
    expect(reply.readInt32BE(0)).toBe(16);
    expect(reply.readInt32BE(4)).toBe(5);
    expect(reply.readInt32BE(16)).toBe(ErrorCode.MarshallingError);
  });

  test('random bytes, before or after a handshake, never crash the server', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        async (handshake, bytes) => {
          const prefix = handshake ? connectFrame() : Buffer.alloc(0);
          await exchange(Buffer.concat([prefix, Buffer.from(bytes)]), 40);
        },
      ),
      { numRuns: 60 },
    );
    await bystanderStillServes();
  });

  test('mutated valid frames never crash the server', async () => {
    const valid = Buffer.concat([connectFrame(), validRequestFrames()]);
    const mutation = fc.array(
      fc.record({ at: fc.nat({ max: valid.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }),
      { minLength: 1, maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(mutation, fc.nat({ max: valid.length }), async (edits, cut) => {
        const bytes = Buffer.from(valid.subarray(0, Math.max(1, cut)));
        for (const edit of edits) if (edit.at < bytes.length) bytes[edit.at] = edit.value;
        await exchange(bytes, 40);
      }),
      { numRuns: 80 },
    );
    await bystanderStillServes();
    const live = await WireClient.connect({ host: server.host, port: server.port });
    expect((await live.request({ type: 'exists', path: '/bystander', watch: false })).err).toBe(0);
    await live.close();
  });
});
