// The client limits ZooKeeper users know, on a live server: connections per client address
// (maxClientCnxns), the silence a connection may keep before (connect timeout) and after (session
// timeout) its handshake, and globalOutstandingLimit, which slows a flooding client down by
// reading it less, without dropping any of its requests or holding back anyone else.

import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { startServer } from '@zoo/server';
import type { ZooServer } from '@zoo/server';
import { FrameReader, JuteWriter, encodeRequest } from './support/protocol.js';
import { connectFrame } from './support/raw-socket.js';
import { WireClient } from './support/wire-client.js';

async function withServer(
  options: Parameters<typeof startServer>[0],
  body: (server: ZooServer) => Promise<void>,
): Promise<void> {
  const server = await startServer({ port: 0, logLevel: 'silent', ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** A socket to the server, with what it received and when the server closed it. */
interface Probe {
  socket: net.Socket;
  received: FrameReader;
  frames: Buffer[];
  closed: Promise<number>;
}

function probe(server: ZooServer, localAddress = '127.0.0.1'): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port, localAddress });
    const received = new FrameReader();
    const frames: Buffer[] = [];
    const openedAt = performance.now();
    const closed = new Promise<number>((done) =>
      socket.on('close', () => done(performance.now() - openedAt)),
    );
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      for (let frame = received.next(); frame !== null; frame = received.next()) {
        frames.push(frame);
      }
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received, frames, closed }));
    socket.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('server limits', () => {
  test('maxClientCnxns: one connection too many from an address is closed unread', async () => {
    await withServer({ maxClientCnxns: 3 }, async (server) => {
      const clients = await Promise.all(
        [1, 2, 3].map(() => WireClient.connect({ host: server.host, port: server.port })),
      );
      const refused = await probe(server);
      refused.socket.write(connectFrame(30_000));
      expect(await refused.closed).toBeLessThan(5_000);
      expect(refused.frames).toHaveLength(0);
      // Another address has a budget of its own (Linux routes all of 127/8 to loopback).
      await expect(WireClient.connect({ host: server.host, port: server.port })).rejects.toThrow();
      const elsewhere = await probe(server, '127.0.0.2');
      elsewhere.socket.write(connectFrame(30_000));
      await sleep(200);
      expect(elsewhere.frames).toHaveLength(1);
      elsewhere.socket.destroy();
      // A closed connection gives its slot back.
      await clients[0]?.close();
      await sleep(100);
      const again = await WireClient.connect({ host: server.host, port: server.port });
      expect((await again.request({ type: 'exists', path: '/', watch: false })).err).toBe(0);
      await again.close();
      for (const client of clients.slice(1)) await client.close();
    });
  });

  test('a connection silent before its handshake is closed after the connect timeout', async () => {
    await withServer({ connectTimeoutMs: 300 }, async (server) => {
      const silent = await probe(server);
      const halfFrame = await probe(server);
      halfFrame.socket.write(connectFrame(30_000).subarray(0, 20));
      for (const closedAfter of [await silent.closed, await halfFrame.closed]) {
        expect(closedAfter).toBeGreaterThanOrEqual(250);
        expect(closedAfter).toBeLessThan(5_000);
      }
      // A session that pings stays open long past the connect timeout.
      const client = await WireClient.connect({ host: server.host, port: server.port });
      await sleep(900);
      expect((await client.request({ type: 'exists', path: '/', watch: false })).err).toBe(0);
      await client.close();
    });
  });

  test('an established connection stalled mid-frame closes after its session timeout', async () => {
    // tickMs 100: session timeouts negotiate within 200–2000 ms.
    await withServer({ connectTimeoutMs: 60_000, tickMs: 100 }, async (server) => {
      const stalled = await probe(server);
      stalled.socket.write(connectFrame(400));
      await sleep(100);
      expect(stalled.frames).toHaveLength(1);
      stalled.socket.write(Buffer.from([0, 0, 0, 40, 0, 0]));
      const closedAfter = await stalled.closed;
      expect(closedAfter).toBeGreaterThanOrEqual(400);
      expect(closedAfter).toBeLessThan(10_000);
    });
  });

  test('globalOutstandingLimit: a flood is read slower, all answered, others unhurt', async () => {
    await withServer({ globalOutstandingLimit: 20 }, async (server) => {
      const bystander = await WireClient.connect({ host: server.host, port: server.port });
      const flooder = await probe(server);
      const requests = 20_000;
      const writer = new JuteWriter();
      for (let xid = 1; xid <= requests; xid += 1) {
        encodeRequest(writer, xid, { type: 'exists', path: '/zookeeper', watch: false });
      }
      flooder.socket.write(Buffer.concat([connectFrame(30_000), writer.take()]));
      let slowestMs = 0;
      while (flooder.frames.length < requests + 1) {
        const startedAt = performance.now();
        const result = await bystander.request({ type: 'exists', path: '/', watch: false });
        expect(result.err).toBe(0);
        slowestMs = Math.max(slowestMs, performance.now() - startedAt);
        await sleep(5);
      }
      expect(slowestMs).toBeLessThan(1_000);
      // Every request answered once, in order: throttled, never dropped.
      const xids = flooder.frames.slice(1).map((frame) => frame.readInt32BE(0));
      expect(xids).toEqual(Array.from({ length: requests }, (_, i) => i + 1));
      flooder.socket.destroy();
      await bystander.close();
    });
  });
});
