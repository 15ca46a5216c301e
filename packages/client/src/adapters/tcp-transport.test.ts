// The real TCP transport, and createClient over real sockets against a fake server.

import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ErrorCode, ZooError } from '../protocol/index.js';
import { createClient } from './create-client.js';
import { connectTcp } from './tcp-transport.js';
import { listenFakeZoo, type FakeZooTcpServer } from './testing/fake-zoo-tcp-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function started(): Promise<FakeZooTcpServer> {
  const fake = await listenFakeZoo();
  cleanups.push(() => fake.close());
  return fake;
}

describe('connectTcp', () => {
  test('delivers bytes both ways and reports the server closing once', async () => {
    const closes: string[] = [];
    const received: Buffer[] = [];
    const echo = net.createServer((socket) => {
      socket.once('data', (chunk) => socket.end(chunk));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => echo.close(() => resolve())));
    const address = echo.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const done = new Promise<void>((resolve) => {
      const transport = connectTcp(
        { host: '127.0.0.1', port },
        {
          onData: (chunk) => received.push(chunk),
          onClose: (reason) => {
            closes.push(reason);
            resolve();
          },
        },
      );
      transport.write(Buffer.from('ping'));
    });
    await done;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(Buffer.concat(received).toString()).toBe('ping');
    expect(closes).toHaveLength(1);
  });

  test('a refused connection is reported through onClose', async () => {
    const port = await closedPort();
    const reason = await new Promise<string>((resolve) => {
      connectTcp({ host: '127.0.0.1', port }, { onData: () => undefined, onClose: resolve });
    });
    expect(reason).toMatch(/ECONNREFUSED/);
  });
});

describe('createClient over TCP', () => {
  test('runs operations against a server on a real socket and closes cleanly', async () => {
    const fake = await started();
    const client = createClient(fake.connectString, { sessionTimeoutMs: 10_000 });
    await client.ready();
    await client.create('/tcp', 'over the wire');
    expect((await client.getData('/tcp')).data?.toString()).toBe('over the wire');
    const error = await client.getData('/none').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZooError);
    expect((error as ZooError).code).toBe(ErrorCode.NoNode);
    await client.close();
    expect(client.state).toBe('closed');
  });

  test('fails over to a second server when the first is down', async () => {
    const fake = await started();
    const deadPort = await closedPort();
    const client = createClient(`127.0.0.1:${deadPort},${fake.connectString}`, {
      reconnectDelayMaxMs: 20,
    });
    cleanups.push(() => client.close());
    await client.ready();
    expect(fake.server.connectionCount).toBe(1);
  });
});
