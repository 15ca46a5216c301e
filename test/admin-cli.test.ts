// `pnpm start`'s admin flags: `--admin-port N` serves the admin commands there, and
// `--log-format json` writes every log line as one JSON object.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { findFreePort, fourLetterWord } from './support/four-letter-word.js';
import { adminCommand } from './support/admin-http.js';
import { stopChild } from './support/child-exit.js';

const root = join(import.meta.dirname, '..');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await stopChild(child, 'SIGTERM');
});

/** Starts zoo-server with `args`; resolves with its stderr so far once stdout matches `ready`. */
async function startZooServer(args: string[], ready: RegExp): Promise<() => string> {
  const cli = join(root, 'packages/server/src/cli/zoo-server.ts');
  const argv = ['--import', 'tsx', '--conditions=zoo-source', cli, ...args];
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (ready.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`zoo-server exited ${code}: ${stderr}`)));
  });
  return () => stderr;
}

test('pnpm start --admin-port N --log-format json: admin serves there, logs are JSON', async () => {
  const [port, adminPort] = [await findFreePort(), await findFreePort()];
  const args = ['--servers', '1', '--in-memory', '--port', String(port)];
  args.push('--admin-port', String(adminPort), '--log-format', 'json', '--log-level', 'info');
  const stderrOf = await startZooServer(args, /ready/);
  expect(await adminCommand(adminPort, 'ruok')).toEqual({ command: 'ruok', error: null });
  const srvr = await adminCommand(adminPort, 'srvr');
  expect(srvr['server_stats']).toMatchObject({ server_state: 'standalone' });
  const lines = stderrOf()
    .split('\n')
    .filter((line) => line !== '');
  expect(lines.length).toBeGreaterThan(0);
  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(entries).toContainEqual({
    time: expect.any(String),
    level: 'info',
    member: 'zoo',
    msg: `admin server on 127.0.0.1:${adminPort}`,
    fields: { adminPort },
  });
});

test('pnpm start --config: zoo.cfg’s admin.serverPort places the admin server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-admin-cfg-'));
  try {
    const [port, peerPort, adminPort] = [
      await findFreePort(),
      await findFreePort(),
      await findFreePort(),
    ];
    const configPath = join(dir, 'zoo.cfg');
    const lines = ['tickTime=500', `clientPort=${port}`, 'clientPortAddress=127.0.0.1'];
    lines.push(`server.1=127.0.0.1:${peerPort}:${peerPort}`, `admin.serverPort=${adminPort}`);
    writeFileSync(configPath, `${lines.join('\n')}\n`);
    const args = ['--config', configPath, '--myid', '1', '--in-memory', '--log-level', 'warn'];
    await startZooServer(args, /listening for clients/);
    const view = await untilServing(adminPort, 'voting_view');
    expect(view['current_config']).toEqual({
      '1': {
        server_addresses: [`127.0.0.1:${peerPort}`],
        election_addresses: [`127.0.0.1:${peerPort}`],
        client_address: `127.0.0.1:${port}`,
        learner_type: 'participant',
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pnpm start --config: zoo.cfg’s 4lw.commands.whitelist rules unless a flag says', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-words-cfg-'));
  try {
    // srvr is always enabled (as in ZooKeeper), so conf shows the whitelist at work.
    const wordsOf = async (extra: string[]): Promise<{ ruok: string; conf: string }> => {
      const [port, peerPort] = [await findFreePort(), await findFreePort()];
      const configPath = join(dir, `zoo-${port}.cfg`);
      const lines = ['tickTime=500', `clientPort=${port}`, 'clientPortAddress=127.0.0.1'];
      lines.push(`server.1=127.0.0.1:${peerPort}:${peerPort}`, '4lw.commands.whitelist=ruok');
      writeFileSync(configPath, `${lines.join('\n')}\n`);
      const args = ['--config', configPath, '--myid', '1', '--in-memory', '--admin-port', '0'];
      await startZooServer([...args, '--log-level', 'warn', ...extra], /listening for clients/);
      const endpoint = { host: '127.0.0.1', port };
      return {
        ruok: await fourLetterWord(endpoint, 'ruok'),
        conf: await fourLetterWord(endpoint, 'conf'),
      };
    };
    const fromFile = await wordsOf([]);
    expect(fromFile.ruok).toBe('imok');
    expect(fromFile.conf).toBe('conf is not executed because it is not in the whitelist.\n');
    const fromFlag = await wordsOf(['--four-letter-words', 'ruok,conf']);
    expect(fromFlag.conf).toMatch(/^clientPort=/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A member answers once it leads or follows: ask until the command has no error. */
async function untilServing(port: number, name: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await adminCommand(port, name);
    if (answer['error'] === null || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
