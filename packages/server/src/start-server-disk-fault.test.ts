// A disk that fails (EIO or ENOSPC on a log write) stops the server: it acknowledges no
// write it could not make durable, closes its client port, and what it did acknowledge is on
// disk for the next start (ZooKeeper: a failed txn log write exits the server).

import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createClient, ErrorCode, ZooError } from '@zoo/client';
import { startServer } from './start-server.js';
import { startServerOn } from './start-server.js';
import { fsError, recordingDiskFs } from './adapters/disk/testing/disk-fixtures.js';

let dataDir = '';
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each([
  // The log's writes are O_DSYNC: a failed sync is a failed write.
  ['EIO on a durable write', 'write:log.', () => fsError('EIO', 'write')],
  ['ENOSPC on write', 'write:log.', () => fsError('ENOSPC', 'write')],
] as const)('a server whose disk fails (%s)', (_name, callPrefix, failure) => {
  test('stops acknowledging and stops serving; acknowledged writes survive', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zoo-disk-fault-'));
    let isFailing = false;
    const fs = recordingDiskFs({
      calls: [],
      failOn: (call) => (isFailing && call.startsWith(callPrefix) ? failure() : null),
    });
    const server = await startServerOn({ dataDir }, { fs });
    const client = createClient(server.connectString, { sessionTimeoutMs: 4000 });
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      await client.create(`/ok${i}`, null);
      acknowledged.push(`ok${i}`);
    }
    isFailing = true;
    const outcome = await client.create('/lost', null).then(
      () => 'acknowledged',
      (error: unknown) => (error instanceof ZooError ? error.code : String(error)),
    );
    // Never acknowledged: the client sees its connection go (the server closed itself).
    expect(outcome).toBe(ErrorCode.ConnectionLoss);
    // The client port is closed: nothing answers there any more.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: server.host, port: server.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await client.close().catch(() => undefined);
    await server.close();

    const again = await startServer({ dataDir });
    const reader = createClient(again.connectString);
    const children = await reader.getChildren('/');
    for (const name of acknowledged) expect(children).toContain(name);
    await reader.close();
    await again.close();
  });
});
