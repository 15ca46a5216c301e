// Starts the Debian-packaged Apache ZooKeeper 3.8.0 as a standalone server in a child process
// (java 17, temp dataDir, free port on 127.0.0.1), waits for `ruok` → `imok`, and stops it.
// It is the oracle every compatibility and differential test is first proven against.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort, fourLetterWord } from './four-letter-word.js';
import { stopChild } from './child-exit.js';

/** The jar whose manifest Class-Path pulls in every dependency (Debian `zookeeper` package). */
export const apacheZooKeeperJar =
  process.env['ZOO_APACHE_ZOOKEEPER_JAR'] ?? '/usr/share/java/zookeeper.jar';
const javaBinary = process.env['ZOO_JAVA'] ?? 'java';
const startupTimeoutMs = 60_000;
const outputTailBytesMax = 262_144;

export interface ApacheZooKeeperOptions {
  /** tickTime; 2000 as in the sample zoo.cfg (sessions 4 s … 40 s). */
  tickMs?: number;
  /** `-Dzookeeper.extendedTypesEnabled` (TTL nodes); on unless false. */
  extendedTypesEnabled?: boolean;
  /** `-Dzookeeper.DigestAuthenticationProvider.superDigest`, e.g. `super:xQJm…`. */
  superDigest?: string;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** `-Dznode.container.checkIntervalMs`: how often containers and TTL nodes are reaped. */
  containerCheckIntervalMs?: number;
  /** Put slf4j-simple on the classpath so the server logs (INFO, stderr) into `output()`. */
  diagnosticLogging?: boolean;
  /** Extra JVM options (e.g. heap size for a benchmark). */
  javaOptions?: readonly string[];
}

export interface ApacheZooKeeper {
  connectString: string;
  host: string;
  port: number;
  dataDir: string;
  pid: number;
  /** The last 16 KiB the JVM printed (stdout and stderr), for diagnosing a crash. */
  output(): string;
  /** True while the JVM runs. */
  isRunning(): boolean;
  stop(): Promise<void>;
}

let installedCache: boolean | undefined;

/** True when the ZooKeeper jar and a working `java` are present (tests skip visibly otherwise). */
export function isApacheZooKeeperInstalled(): boolean {
  if (installedCache === undefined) {
    const hasJava = spawnSync(javaBinary, ['-version'], { stdio: 'ignore' }).status === 0;
    installedCache = hasJava && existsSync(apacheZooKeeperJar);
  }
  return installedCache;
}

function zooCfg(options: ApacheZooKeeperOptions, port: number, dataDir: string): string {
  const lines = [
    `tickTime=${options.tickMs ?? 2000}`,
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    '4lw.commands.whitelist=*',
    // Tests open many connections from one address; 0 lifts the default cap of 60.
    'maxClientCnxns=0',
  ];
  if (options.minSessionTimeoutMs !== undefined) {
    lines.push(`minSessionTimeout=${options.minSessionTimeoutMs}`);
  }
  if (options.maxSessionTimeoutMs !== undefined) {
    lines.push(`maxSessionTimeout=${options.maxSessionTimeoutMs}`);
  }
  return `${lines.join('\n')}\n`;
}

function jvmArguments(options: ApacheZooKeeperOptions, cfgPath: string): string[] {
  const args = [...(options.javaOptions ?? [])];
  args.push(`-Dzookeeper.extendedTypesEnabled=${options.extendedTypesEnabled !== false}`);
  args.push('-Dzookeeper.admin.enableServer=false');
  if (options.superDigest !== undefined) {
    args.push(`-Dzookeeper.DigestAuthenticationProvider.superDigest=${options.superDigest}`);
  }
  if (options.containerCheckIntervalMs !== undefined) {
    args.push(`-Dznode.container.checkIntervalMs=${options.containerCheckIntervalMs}`);
  }
  const classPath = options.diagnosticLogging
    ? `${apacheZooKeeperJar}:${path.join(path.dirname(apacheZooKeeperJar), 'slf4j-simple.jar')}`
    : apacheZooKeeperJar;
  args.push('-cp', classPath, 'org.apache.zookeeper.server.ZooKeeperServerMain', cfgPath);
  return args;
}

/** Starts a standalone server and resolves once it answers `imok`. */
export async function startApacheZooKeeper(
  options: ApacheZooKeeperOptions = {},
): Promise<ApacheZooKeeper> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zoo-apache-zk-'));
  try {
    const port = await findFreePort();
    const cfgPath = path.join(dataDir, 'zoo.cfg');
    await writeFile(cfgPath, zooCfg(options, port, path.join(dataDir, 'data')));
    const child = spawn(javaBinary, jvmArguments(options, cfgPath), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captureOutput(child);
    await waitUntilServing({ child, port, output: () => output.text });
    const host = '127.0.0.1';
    return {
      connectString: `${host}:${port}`,
      host,
      port,
      dataDir,
      pid: child.pid ?? -1,
      output: () => output.text,
      isRunning: () => child.exitCode === null && child.signalCode === null,
      stop: () => stopAndClean(child, dataDir),
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

function captureOutput(child: ChildProcess): { text: string } {
  const sink = { text: '' };
  const append = (chunk: Buffer): void => {
    sink.text = (sink.text + chunk.toString('utf8')).slice(-outputTailBytesMax);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return sink;
}

async function waitUntilServing(options: {
  child: ChildProcess;
  port: number;
  output: () => string;
}): Promise<void> {
  const { child, port } = options;
  const deadline = Date.now() + startupTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ZooKeeper exited during startup (${child.exitCode}):\n${options.output()}`);
    }
    if (await isServing(port)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`ZooKeeper was not serving within ${startupTimeoutMs} ms:\n${options.output()}`);
}

/**
 * `ruok` answers `imok` as soon as the port is open, before the server takes sessions (it then
 * closes every handshake); `srvr` reports "not currently serving" until it does.
 */
async function isServing(port: number): Promise<boolean> {
  const endpoint = { host: '127.0.0.1', port };
  const ruok = await fourLetterWord(endpoint, 'ruok', { timeoutMs: 1_000 }).catch(() => '');
  if (ruok !== 'imok') return false;
  const srvr = await fourLetterWord(endpoint, 'srvr', { timeoutMs: 1_000 }).catch(() => '');
  return srvr.startsWith('Zookeeper version:');
}

async function stopAndClean(child: ChildProcess, dataDir: string): Promise<void> {
  await stopChild(child, 'SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
}
