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

function startMember(configPath: string, myid: number): Promise<Member> {
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
      // Tests run side by side: no member takes the default admin port 8080.
      '--admin-port',
      '0',
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    // Kept for the failure message: vitest may not show a child's own stderr.
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening for clients at ([^;\s]+)/.exec(output);
      if (match?.[1] !== undefined) resolve({ address: match[1], child, configPath });
    });
    child.once('exit', (code) => reject(new Error(`member ${myid} exited (${code}): ${output}`)));
  });
}

interface Member {
  address: string;
  child: ChildProcess;
  configPath: string;
}

/** Writes one zoo.cfg per member of a three-member ensemble and starts a process for each. */
async function startEnsemble(name: string): Promise<Member[]> {
  const clientPorts = [await findFreePort(), await findFreePort(), await findFreePort()];
  const lines = ['tickTime=500', 'initLimit=10', 'syncLimit=5', 'clientPortAddress=127.0.0.1'];
  for (let id = 1; id <= 3; id += 1) {
    // Zoo needs no election port, but the line names one as ZooKeeper's does; it is free too.
    lines.push(`server.${id}=127.0.0.1:${await findFreePort()}:${await findFreePort()}`);
  }
  const members: Member[] = [];
  for (let id = 1; id <= 3; id += 1) {
    const memberConfig = join(dir, `${name}-${id}.cfg`);
    writeFileSync(memberConfig, [...lines, `clientPort=${clientPorts[id - 1]}`].join('\n'));
    members.push(await startMember(memberConfig, id));
  }
  return members;
}

async function modeOf(address: string): Promise<string> {
  const [host = '', port = ''] = address.split(':');
  const text = await fourLetterWord({ host, port: Number(port) }, 'srvr').catch(() => '');
  return /Mode: (leader|follower)/.exec(text)?.[1] ?? 'none';
}

/** Polls `srvr` on every member until each reports a leader or follower mode. */
async function waitForQuorum(addresses: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const modes = await Promise.all(addresses.map(modeOf));
    if (modes.every((mode) => mode !== 'none') && modes.includes('leader')) return;
    if (Date.now() > deadline) throw new Error(`no quorum: ${modes.join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('cluster: one process per host from zoo.cfg', () => {
  test('three member processes elect a leader and replicate writes', async () => {
    const addresses = (await startEnsemble('replicate')).map((m) => m.address);
    await waitForQuorum(addresses);
    const writer = createClient(addresses[0] ?? '', { sessionTimeoutMs: 10_000 });
    clients.push(writer);
    await writer.create('/across-hosts', Buffer.from('hello'));
    const reader = createClient(addresses[2] ?? '', { sessionTimeoutMs: 10_000 });
    clients.push(reader);
    await reader.sync('/across-hosts');
    expect((await reader.getData('/across-hosts')).data?.toString()).toBe('hello');
  }, 60_000);

  test('a restarted member 1 serves again soon after its process is up', async () => {
    const members = await startEnsemble('rejoin');
    const addresses = members.map((m) => m.address);
    await waitForQuorum(addresses);
    const [first, ...others] = members;
    if (first === undefined) throw new Error('no member 1');
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    await waitForQuorum(others.map((m) => m.address));
    // Down long enough for the peers' redial back-off to reach its 2 s cap.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const again = await startMember(first.configPath, 1);
    const upAtMs = Date.now();
    // Before members knocked, member 1 waited out its peers' back-off (measured: up to 5.8 s);
    // now it dials them and they call back at once.
    while ((await modeOf(again.address)) === 'none') {
      if (Date.now() - upAtMs > 10_000) throw new Error('member 1 never rejoined');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const rejoinMs = Date.now() - upAtMs;
    const client = createClient(again.address, { sessionTimeoutMs: 10_000 });
    clients.push(client);
    await client.create('/after-rejoin', Buffer.from('back'));
    expect((await client.getData('/after-rejoin')).data?.toString()).toBe('back');
    expect(rejoinMs).toBeLessThan(1000);
  }, 60_000);
});
