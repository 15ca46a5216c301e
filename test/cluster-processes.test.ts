// An ensemble of separate processes, one per "host", each started from a zoo.cfg as a user
// would on real machines (`zoo-server --config zoo.cfg --myid N`), here all on loopback.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import { findFreePort, fourLetterWord } from './support/four-letter-word.js';

const root = join(import.meta.dirname, '..');
const children: ChildProcess[] = [];
const clients: ZooClient[] = [];
const dir = mkdtempSync(join(tmpdir(), 'zoo-ensemble-'));

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

function startMember(configPath: string, myid: number): Promise<string> {
  const cli = join(root, 'packages/server/src/cli/zoo-server.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=zoo-source',
      cli,
      '--config',
      configPath,
      '--myid',
      String(myid),
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening for clients at ([^;\s]+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`member ${myid} exited (${code}): ${output}`)));
  });
}

/** Polls `srvr` on every member until each reports a leader or follower mode. */
async function waitForQuorum(addresses: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const modes = await Promise.all(
      addresses.map(async (address) => {
        const [host = '', port = ''] = address.split(':');
        const text = await fourLetterWord({ host, port: Number(port) }, 'srvr').catch(() => '');
        return /Mode: (leader|follower)/.exec(text)?.[1] ?? 'none';
      }),
    );
    if (modes.every((mode) => mode !== 'none') && modes.includes('leader')) return;
    if (Date.now() > deadline) throw new Error(`no quorum: ${modes.join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('cluster: one process per host from zoo.cfg', () => {
  test('three member processes elect a leader and replicate writes', async () => {
    const clientPorts = [await findFreePort(), await findFreePort(), await findFreePort()];
    const peerPorts = [await findFreePort(), await findFreePort(), await findFreePort()];
    const lines = ['tickTime=500', 'initLimit=10', 'syncLimit=5', 'clientPortAddress=127.0.0.1'];
    peerPorts.forEach((port, index) =>
      lines.push(`server.${index + 1}=127.0.0.1:${port}:${port + 1}`),
    );
    const addresses: string[] = [];
    for (let id = 1; id <= 3; id += 1) {
      const memberConfig = join(dir, `zoo-${id}.cfg`);
      writeFileSync(memberConfig, [...lines, `clientPort=${clientPorts[id - 1]}`].join('\n'));
      addresses.push(await startMember(memberConfig, id));
    }
    await waitForQuorum(addresses);
    const writer = createClient(addresses[0] ?? '', { sessionTimeoutMs: 10_000 });
    clients.push(writer);
    await writer.create('/across-hosts', Buffer.from('hello'));
    const reader = createClient(addresses[2] ?? '', { sessionTimeoutMs: 10_000 });
    clients.push(reader);
    await reader.sync('/across-hosts');
    expect((await reader.getData('/across-hosts')).data?.toString()).toBe('hello');
  }, 60_000);
});
