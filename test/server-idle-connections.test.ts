// What an idle connection costs the server: connections with established sessions, held open by
// another process and sending nothing, measured as the server process's heap and RSS after GC
// (per connection), and given back once they close.
//
// `pnpm test` holds 1,000. The long run: ZOO_IDLE_CONNECTIONS=19000 npx vitest run
// test/server-idle-connections.test.ts (one process may hold 20,000 descriptors here, so the
// server's 19,000 sockets are about the most one process can serve). The numbers are printed.

import { afterEach, describe, expect, test } from 'vitest';
import { startServer } from '@zoo/server';
import type { ZooServer } from '@zoo/server';
import { WireClient } from './support/wire-client.js';
import { memoryAfterGc } from './support/fuzz-harness.js';
import { spawnTsChild } from './support/ts-child.js';
import type { TsChild } from './support/ts-child.js';

const count = Number(process.env['ZOO_IDLE_CONNECTIONS'] ?? 1_000);
/**
 * Bounds per idle connection, well above what is measured (about 3.5 KB of heap and 20 KB of
 * RSS at 2,000): a connection that kept a buffer or a queue per idle client would cross them.
 */
const heapBytesPerConnectionMax = 8 * 1024;
const rssBytesPerConnectionMax = 48 * 1024;

let server: ZooServer | null = null;
let clients: TsChild | null = null;

afterEach(async () => {
  clients?.process.kill('SIGKILL');
  clients = null;
  await server?.close();
  server = null;
});

describe('idle connections', () => {
  test(`${count} idle connections cost bounded memory, given back when they close`, async () => {
    // tickMs 2000: sessions may last 40 s, longer than the measurement, with no pings.
    server = await startServer({ port: 0, maxClientCnxns: 0, logLevel: 'warn' });
    const probe = await WireClient.connect({ host: server.host, port: server.port });
    await probe.request({ type: 'exists', path: '/', watch: false });
    const before = await memoryAfterGc();
    const plan = { host: server.host, port: server.port, count, sessionTimeoutMs: 40_000 };
    const startedAt = performance.now();
    clients = spawnTsChild('idle-clients-child.ts', plan);
    await clients.lineMatching(/^ready \d+/);
    const openMs = Math.round(performance.now() - startedAt);
    const held = await memoryAfterGc();
    // The server still answers promptly with every connection open.
    const roundTripAt = performance.now();
    expect((await probe.request({ type: 'exists', path: '/', watch: false })).err).toBe(0);
    const roundTripMs = Math.round(performance.now() - roundTripAt);
    clients.process.kill('SIGKILL');
    clients = null;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await memoryAfterGc();
    const perConnection = (from: number, to: number) => Math.round(((to - from) * 2 ** 20) / count);
    const heapBytes = perConnection(before.heapUsedMb, held.heapUsedMb);
    const rssBytes = perConnection(before.rssMb, held.rssMb);
    const summary = { count, openMs, roundTripMs, before, held, after, heapBytes, rssBytes };
    console.log(`idle connections: ${JSON.stringify(summary)}`);
    expect(heapBytes).toBeLessThan(heapBytesPerConnectionMax);
    expect(rssBytes).toBeLessThan(rssBytesPerConnectionMax);
    // Closed, they are given back: the heap returns near where it started.
    expect(after.heapUsedMb).toBeLessThan(
      before.heapUsedMb + (held.heapUsedMb - before.heapUsedMb) / 2,
    );
    await probe.close();
  }, 180_000);
});
