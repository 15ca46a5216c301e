// `pnpm start` killed with SIGKILL (its whole process group, as a power cut would leave it) and
// started again: every write it acknowledged is there. Standalone and a 3-member ensemble,
// each in its own process group, with a data directory; bounded in time.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import { findFreePort } from './support/four-letter-word.js';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'zoo-kill-'));
const groups = new Set<number>();

afterAll(() => {
  for (const pid of groups) killGroup(pid);
  rmSync(dir, { recursive: true, force: true });
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  groups.delete(pid);
}

/** Starts the CLI in its own process group; resolves with its pid once it says it is ready. */
function startZoo(args: string[]): Promise<number> {
  const cli = join(root, 'packages/server/src/cli/zoo-server.ts');
  const child = spawn(
    process.execPath,
    // --admin-port 0: tests run side by side, and none may take the default admin port 8080.
    [
      '--import',
      'tsx',
      '--conditions=zoo-source',
      cli,
      '--admin-port',
      '0',
      '--log-level',
      'warn',
      ...args,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('no pid');
  groups.add(pid);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/ready/.test(output)) resolve(pid);
    });
    child.once('exit', (code) => reject(new Error(`zoo exited (${code}): ${output}`)));
  });
}

/** Writes until `count` creates are acknowledged, concurrently; returns the acknowledged paths. */
async function writeSome(client: ZooClient, prefix: string, count: number): Promise<string[]> {
  const acknowledged: string[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async (_, lane) => {
      for (let i = lane; i < count; i += 8) {
        const path = `/${prefix}${i}`;
        await client.create(path, Buffer.from(path));
        acknowledged.push(path);
      }
    }),
  );
  return acknowledged;
}

async function checkAll(connectString: string, paths: readonly string[]): Promise<void> {
  const client = createClient(connectString);
  const children = new Set(await client.getChildren('/'));
  const missing = paths.filter((path) => !children.has(path.slice(1)));
  await client.close();
  expect(missing).toEqual([]);
}

describe.each([1, 3])('pnpm start --servers %i, killed with SIGKILL', (servers) => {
  test('comes back with every acknowledged write, several rounds', async () => {
    const port = await findFreePort();
    const args = ['--servers', String(servers), '--port', String(port), '--data-dir', dir];
    const connectString = Array.from({ length: servers }, (_, i) => `127.0.0.1:${port + i}`).join(
      ',',
    );
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      const pid = await startZoo(args);
      await checkAll(connectString, acknowledged);
      const client = createClient(connectString);
      acknowledged.push(...(await writeSome(client, `s${servers}r${round}n`, 300)));
      // Kill with writes still in flight: only the acknowledged ones are owed.
      void writeSome(client, `s${servers}r${round}late`, 300).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      killGroup(pid);
      await client.close().catch(() => undefined);
    }
    const pid = await startZoo(args);
    await checkAll(connectString, acknowledged);
    killGroup(pid);
  }, 90_000);
});
