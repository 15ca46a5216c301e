// Finds the real ZooKeeper clients these compatibility tests drive (kazoo's python, javac with
// the ZooKeeper and Curator jars, zkCli.sh, the C client's cli_st/cli_mt) and says, for each
// one missing, which Debian package brings it, so a test can skip with a visible reason.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { apacheZooKeeperJar } from '../apache-zookeeper.js';

export type Tool = { available: true; path: string } | { available: false; reason: string };

const javaDir = path.dirname(apacheZooKeeperJar);

/** Curator's jars; their manifests' Class-Path pulls in guava, slf4j, zookeeper and jute. */
export const curatorJars: readonly string[] = ['recipes', 'framework', 'client'].map((name) =>
  path.join(javaDir, `curator-${name}.jar`),
);

function runsCleanly(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return result.status === 0;
}

function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((candidate) => existsSync(candidate));
}

/** A python3 that can `import kazoo` (Debian's python3-kazoo lives in /usr/bin/python3's path). */
export function findKazooPython(): Tool {
  const override = process.env['ZOO_KAZOO_PYTHON'];
  const candidates = override !== undefined ? [override] : ['/usr/bin/python3', 'python3'];
  const found = candidates.find((python) => runsCleanly(python, ['-c', 'import kazoo']));
  return found !== undefined
    ? { available: true, path: found }
    : { available: false, reason: 'no python3 can import kazoo (apt-get install python3-kazoo)' };
}

/** javac, provided the ZooKeeper client jar is there to compile against. */
export function findJavaCompiler(): Tool {
  const javac = process.env['ZOO_JAVAC'] ?? 'javac';
  if (!runsCleanly(javac, ['-version'])) {
    return { available: false, reason: 'no javac (apt-get install default-jdk-headless)' };
  }
  if (!existsSync(apacheZooKeeperJar)) {
    return { available: false, reason: `no ${apacheZooKeeperJar} (apt-get install zookeeper)` };
  }
  return { available: true, path: javac };
}

/** javac plus Curator's jars (Debian libcurator-{recipes,framework,client}-java). */
export function findCurator(): Tool {
  const javac = findJavaCompiler();
  if (!javac.available) return javac;
  const missing = curatorJars.filter((jar) => !existsSync(jar));
  if (missing.length > 0) {
    const reason =
      `missing ${missing.join(', ')} (apt-get install libcurator-framework-java ` +
      'libcurator-recipes-java libcurator-client-java)';
    return { available: false, reason };
  }
  return javac;
}

/** Apache's zkCli.sh shell (Debian `zookeeper`). */
export function findZkCli(): Tool {
  const zkCli = firstExisting([
    process.env['ZOO_ZKCLI'] ?? '/usr/share/zookeeper/bin/zkCli.sh',
    '/usr/bin/zkCli.sh',
  ]);
  return zkCli !== undefined
    ? { available: true, path: zkCli }
    : { available: false, reason: 'no zkCli.sh (apt-get install zookeeper)' };
}

/** The C client's sample shell: cli_st if present, else cli_mt (Debian `zookeeper-bin`). */
export function findCClientShell(): Tool {
  const dirs = ['/usr/lib/zookeeper/bin', '/usr/bin', '/usr/local/bin'];
  const names = ['cli_st', 'cli_mt'];
  const candidates = names.flatMap((name) => dirs.map((dir) => path.join(dir, name)));
  const found = firstExisting([process.env['ZOO_C_CLI'] ?? '', ...candidates].filter(Boolean));
  return found !== undefined
    ? { available: true, path: found }
    : { available: false, reason: 'no cli_st or cli_mt (apt-get install zookeeper-bin)' };
}
