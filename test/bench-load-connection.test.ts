// The benchmark's load connection fails loudly when a server drops it with replies
// outstanding (as the durable ensemble did once, leaving a run waiting forever): against a
// server that completes the handshake and then closes on the first request. And it keeps its
// session alive while it waits, as a real client does: the memory section's ensemble run lost
// a connection that sat idle longer than its session timeout while slower clients finished.

import { createServer, type Server } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { encodeConnectResponse, JuteWriter } from '@zoo/client/protocol';
import { startServer, type ZooServer } from '@zoo/server';
import { LoadConnection } from '../bench/load-connection.js';
import { createRequest, keepInFlight } from '../bench/pipeline.js';

let server: Server | null = null;
let zoo: ZooServer | null = null;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
  await zoo?.close();
  zoo = null;
});

/** A server that answers the connect request, then closes on the first request it reads. */
async function droppingServer(): Promise<number> {
  const listening = createServer((socket) => {
    let isConnected = false;
    socket.on('data', () => {
      if (isConnected) {
        socket.destroy();
        return;
      }
      isConnected = true;
      const writer = new JuteWriter();
      encodeConnectResponse(writer, {
        protocolVersion: 0,
        timeoutMs: 30_000,
        sessionId: 1n,
        passwd: Buffer.alloc(16),
      });
      socket.write(writer.take());
    });
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const address = listening.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('a request whose connection is dropped rejects, and a later send throws', async () => {
  const connection = await LoadConnection.open('127.0.0.1', await droppingServer());
  await expect(connection.request(createRequest('/a', Buffer.alloc(1)))).rejects.toThrow(
    /closed by the server with 1 replies outstanding/,
  );
  expect(() => connection.send(createRequest('/b', Buffer.alloc(1)), () => undefined)).toThrow(
    /closed by the server/,
  );
});

test('a pipelined run over a dropped connection rejects instead of waiting', async () => {
  const connection = await LoadConnection.open('127.0.0.1', await droppingServer());
  let sent = 0;
  const run = keepInFlight([connection], 8, {
    next: () => (sent++ < 100 ? createRequest('/a', Buffer.alloc(1)) : null),
    onReply: () => undefined,
  });
  await expect(run).rejects.toThrow(/8 replies outstanding/);
});

test('an idle connection outlives its session timeout: it pings', async () => {
  // tickMs 100: the 30 s session asked for is cut to 20 ticks, 2 s.
  zoo = await startServer({ port: 0, tickMs: 100, logLevel: 'warn' });
  const connection = await LoadConnection.open(zoo.host, zoo.port);
  expect(connection.sessionTimeoutMs).toBe(2_000);
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  expect(await connection.request(createRequest('/a', Buffer.alloc(1)))).toBe(0);
  connection.close();
}, 15_000);
