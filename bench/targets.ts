// The servers a benchmark compares, each started the same way: a child process of the
// benchmark in the same session (no setsid), so the scheduler's autogroups treat them alike.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
} from '../test/support/apache-zookeeper.js';

export interface RunningTarget {
  name: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** Zoo's CLI in a child Node process, as `pnpm start --port 0` runs it. */
export async function startZoo(): Promise<RunningTarget> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=zoo-source',
      join(root, 'packages/server/src/cli/zoo-server.ts'),
      '--port',
      '0',
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /serving clients at [^:\s]+:(\d+)/.exec(text);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`zoo-server exited early (${code})`)));
  });
  return {
    name: 'zoo',
    host: '127.0.0.1',
    port,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Debian's Apache ZooKeeper 3.8, or null when it is not installed. */
export async function startReference(): Promise<RunningTarget | null> {
  if (!isApacheZooKeeperInstalled()) return null;
  const server = await startApacheZooKeeper({
    javaOptions: ['-Xmx2g', '-Xms2g', '-Dzookeeper.forceSync=no'],
  });
  return { name: 'zookeeper', host: server.host, port: server.port, stop: () => server.stop() };
}
