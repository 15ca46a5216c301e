// The standalone servers a benchmark compares, each started the same way: a child process of the
// benchmark in the same session (no setsid), so the scheduler's autogroups treat them alike.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { jvmHeapAfterGcMib } from './jvm-heap.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
} from '../test/support/apache-zookeeper.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface RunningTarget {
  name: string;
  /** How it runs, printed beside its figures. */
  description: string;
  endpoints: Endpoint[];
  /** Process ids of the server's processes, for CPU accounting. */
  pids(): number[];
  /** Heap in use after a full GC (MiB), where the system can be asked for it. */
  heapAfterGcMib?: () => Promise<number | null>;
  stop(): Promise<void>;
}

const root = join(fileURLToPath(import.meta.url), '..', '..');
const cliSource = join(root, 'packages/server/src/cli/zoo-server.ts');

export interface ZooCliProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line matching `ready`; rejects if the process exits first. */
  ready: Promise<string>;
}

/** Node flags that make a Zoo process write a V8 CPU profile into `dir` when it exits. */
export function cpuProfileFlags(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** The built CLI (`pnpm build`): what the package's `zoo` bin runs, without tsx. */
export const compiledZooServer = join(root, 'packages/server/dist/cli/zoo-server.js');

/**
 * Zoo's CLI (`pnpm start …`) in a child Node process, logging warnings only; with `compiled`,
 * the built JavaScript (compiledZooServer, which the caller keeps up to date) instead of the
 * TypeScript through tsx, as a deployed Zoo runs.
 */
export function spawnZooCli(options: {
  args: readonly string[];
  ready: RegExp;
  nodeFlags?: readonly string[];
  /** Modules imported after tsx (so they may be TypeScript), before the CLI runs. */
  preload?: readonly string[];
  env?: NodeJS.ProcessEnv;
  compiled?: boolean;
}): ZooCliProcess {
  const preload = (options.preload ?? []).flatMap((module) => ['--import', module]);
  const entry = options.compiled
    ? [...preload, compiledZooServer]
    : ['--import', 'tsx', ...preload, '--conditions=zoo-source', cliSource];
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), ...entry, ...options.args, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: options.env ?? process.env },
  );
  const ready = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n').find((candidate) => options.ready.test(candidate));
      if (line !== undefined) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`zoo-server exited early (${code}): ${text}`)));
  });
  return { child, ready };
}

const heapProbeModule = pathToFileURL(join(root, 'bench', 'heap-probe.ts')).href;

/** What spawnZooCli needs to load the heap probe (heap-probe.ts), answering into `file`. */
export function heapProbeSpawnOptions(file: string | undefined) {
  if (file === undefined) return { nodeFlags: [], preload: [], env: process.env };
  return {
    nodeFlags: ['--expose-gc'],
    preload: [heapProbeModule],
    env: { ...process.env, ZOO_BENCH_HEAP_FILE: file },
  };
}

/** Signals the heap probe (heap-probe.ts) in `child` and reads its answer, in MiB. */
export async function askHeapProbe(child: ChildProcess, file: string): Promise<number | null> {
  await rm(file, { force: true });
  child.kill('SIGUSR2');
  for (let waitedMs = 0; waitedMs < 30_000; waitedMs += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null && text !== '') return Number(text) / (1024 * 1024);
  }
  return null;
}

/** The CLI's storage flags: a data directory, or none at all. */
export function storageArgs(dataDir: string | null): string[] {
  return dataDir === null ? ['--in-memory'] : ['--data-dir', dataDir];
}

/** Zoo's CLI as a standalone server, as `pnpm start --servers 1 --port 0` runs it. */
export async function startZoo(
  options: { cpuProfileDir?: string; durable?: boolean; heapProbeFile?: string } = {},
): Promise<RunningTarget> {
  const dir = options.cpuProfileDir;
  const dataDir = options.durable === true ? await mkdtemp(join(tmpdir(), 'zoo-bench-')) : null;
  const probe = options.heapProbeFile;
  const probed = heapProbeSpawnOptions(probe);
  const { child, ready } = spawnZooCli({
    ...probed,
    args: ['--servers', '1', '--port', '0', ...storageArgs(dataDir)],
    nodeFlags: [...(dir === undefined ? [] : cpuProfileFlags(dir)), ...probed.nodeFlags],
    ready: /serving clients at [^:\s]+:\d+/,
  });
  const line = await ready;
  const port = Number(/serving clients at [^:\s]+:(\d+)/.exec(line)?.[1]);
  return {
    name: 'zoo',
    description:
      'Zoo: standalone server process (zoo-server --servers 1), ' +
      (dataDir === null ? 'in memory' : 'durable (data dir, one O_DSYNC write per group)'),
    endpoints: [{ host: '127.0.0.1', port }],
    pids: () => (child.pid === undefined ? [] : [child.pid]),
    ...(probe === undefined ? {} : { heapAfterGcMib: () => askHeapProbe(child, probe) }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Apache ZooKeeper 3.8 standalone, or null when it is not installed. */
export async function startReference(options: {
  forceSync: boolean;
}): Promise<RunningTarget | null> {
  if (!isApacheZooKeeperInstalled()) return null;
  const javaOptions = ['-Xmx2g', '-Xms2g'];
  if (!options.forceSync) javaOptions.push('-Dzookeeper.forceSync=no');
  const server = await startApacheZooKeeper({ javaOptions });
  const sync = options.forceSync ? 'fsync on (forceSync=yes)' : 'no fsync (forceSync=no)';
  return {
    name: 'zookeeper',
    description: `ZooKeeper 3.8: standalone JVM (-Xmx2g), txn log ${sync}`,
    endpoints: [{ host: server.host, port: server.port }],
    pids: () => [server.pid],
    heapAfterGcMib: async () => jvmHeapAfterGcMib(server.pid),
    stop: () => server.stop(),
  };
}
