// `pnpm start` stopped after whoever read its output has gone (a bench or a shell pipe that
// closed): the stop line meets a closed pipe (EPIPE), and the server must still close and exit
// 0 rather than die of an unhandled 'error' event.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { stopChild } from './support/child-exit.js';

const root = join(import.meta.dirname, '..');

test('SIGTERM after the output pipes closed: zoo-server stops cleanly, exit code 0', async () => {
  const cli = join(root, 'packages/server/src/cli/zoo-server.ts');
  const args = ['--servers', '1', '--port', '0', '--in-memory', '--admin-port', '0'];
  const argv = ['--import', 'tsx', '--conditions=zoo-source', cli, ...args];
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (/ready/.test(stdout)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`zoo-server exited ${code} before ready`)));
    });
    child.stdout.destroy();
    child.stderr.destroy();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    await stopChild(child, 'SIGKILL');
  }
}, 30_000);
