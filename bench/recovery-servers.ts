// The servers the recovery section restarts: each system started as a standalone server on a
// data directory it keeps across restarts, on a fixed port, with its default durability and
// snapshot settings (fsync on; snapCount 100,000 for both). Unlike targets.ts's, stopping one
// leaves its directory for the next start.

import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledZooServer, spawnZooCli } from './targets.js';
import type { SystemName } from './results.js';
import {
  apacheZooKeeperJar,
  isApacheZooKeeperInstalled,
} from '../test/support/apache-zookeeper.js';
import { isChildAlive, stopChild } from '../test/support/child-exit.js';

export interface RecoveryServer {
  readonly pid: number | undefined;
  /** False once the process exited (a crash during recovery). */
  isAlive(): boolean;
  /** SIGTERM, as an operator stops it; the data directory stays. */
  stop(): Promise<void>;
}

export interface RecoverySystem {
  name: SystemName;
  description: string;
  /** Spawns the server on `dir` listening on `port`; returns at once (it is not serving yet). */
  start(dir: string, port: number): RecoveryServer;
}

function serverOf(child: ChildProcess): RecoveryServer {
  return {
    pid: child.pid,
    isAlive: () => isChildAlive(child),
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

const root = join(fileURLToPath(import.meta.url), '..', '..');

/**
 * Builds the server package (`tsc -b`, which skips what is up to date) so that its compiled CLI
 * is the code of this checkout. A start through tsx compiles the TypeScript every time (about
 * 0.5 s of CPU time, measured loaded), which a deployed Zoo (the package's `zoo` bin) never does.
 */
export function buildCompiledZoo(): void {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-b', join(root, 'packages', 'server')], {
    cwd: root,
    stdio: 'inherit',
  });
}

/**
 * Zoo's CLI as `pnpm start --servers 1` runs it, compiled (buildCompiledZoo first), on `dir`
 * (its member folder is `dir/port`).
 */
export function zooRecoverySystem(): RecoverySystem {
  return {
    name: 'zoo',
    description:
      'Zoo: standalone server process (zoo-server --servers 1, compiled: ' +
      `${compiledZooServer.replace(`${root}/`, '')}), durable (fsync on)`,
    start(dir, port) {
      const { child, ready } = spawnZooCli({
        args: ['--servers', '1', '--port', String(port), '--admin-port', '0', '--data-dir', dir],
        ready: /serving clients at/,
        compiled: true,
      });
      // The section waits for a read instead; a stop before the line is no failure.
      ready.catch(() => {});
      return serverOf(child);
    },
  };
}

const zkJavaOptions = ['-Xmx2g', '-Xms2g'];

/** Debian's Apache ZooKeeper 3.8 standalone on `dir`, or null when it is not installed. */
export function zooKeeperRecoverySystem(): RecoverySystem | null {
  if (!isApacheZooKeeperInstalled()) return null;
  return {
    name: 'zookeeper',
    description: `ZooKeeper 3.8: standalone JVM (${zkJavaOptions.join(' ')}), forceSync=yes`,
    start(dir, port) {
      const cfg = writeZooKeeperConfig(dir, port);
      const child = spawn(
        'java',
        [
          ...zkJavaOptions,
          '-Dzookeeper.admin.enableServer=false',
          '-cp',
          apacheZooKeeperJar,
          'org.apache.zookeeper.server.ZooKeeperServerMain',
          cfg,
        ],
        { stdio: 'ignore' },
      );
      return serverOf(child);
    },
  };
}

/** Writes the zoo.cfg for a start on `dir` (the same every time); returns its path. */
function writeZooKeeperConfig(dir: string, port: number): string {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const lines = [
    'tickTime=2000',
    `dataDir=${join(dir, 'data')}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    'maxClientCnxns=0',
  ];
  const path = join(dir, 'zoo.cfg');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
