// `pnpm start`'s admin flags: `--admin-port N` serves the admin commands there, and
// `--log-format json` writes every log line as one JSON object.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { findFreePort } from './support/four-letter-word.js';
import { adminCommand } from './support/admin-http.js';
import { stopChild } from './support/child-exit.js';

const root = join(import.meta.dirname, '..');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await stopChild(child, 'SIGTERM');
});

test('pnpm start --admin-port N --log-format json: admin serves there, logs are JSON', async () => {
  const [port, adminPort] = [await findFreePort(), await findFreePort()];
  const cli = join(root, 'packages/server/src/cli/zoo-server.ts');
  const args = ['--servers', '1', '--in-memory', '--port', String(port)];
  args.push('--admin-port', String(adminPort), '--log-format', 'json', '--log-level', 'info');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=zoo-source', cli, ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (/ready/.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`zoo-server exited ${code}: ${stderr}`)));
  });
  expect(await adminCommand(adminPort, 'ruok')).toEqual({ command: 'ruok', error: null });
  const srvr = await adminCommand(adminPort, 'srvr');
  expect(srvr['server_stats']).toMatchObject({ server_state: 'standalone' });
  const lines = stderr.split('\n').filter((line) => line !== '');
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
