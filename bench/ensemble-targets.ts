// The 3-server ensembles the benchmark compares, each member a child process of the benchmark:
// Zoo as member processes started from zoo.cfg files (`zoo-server --config f --myid N`), or the
// one-process CLI ensemble (`--servers 3`), and Apache ZooKeeper 3.8 as one JVM per server.

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isApacheZooKeeperInstalled } from '../test/support/apache-zookeeper.js';
import { startApacheEnsemble } from '../test/support/apache-ensemble.js';
import { findFreePort, fourLetterWord } from '../test/support/four-letter-word.js';
import { isChildAlive, stopChild } from '../test/support/child-exit.js';
import {
  askHeapProbe,
  cpuProfileFlags,
  heapProbeSpawnOptions,
  spawnZooCli,
  storageArgs,
} from './targets.js';

export interface EnsembleMember {
  id: number;
  host: string;
  port: number;
  connectString: string;
}

export interface EnsembleTarget {
  name: 'zoo' | 'zookeeper';
  /** How it runs, printed beside its figures (process layout, fsync). */
  description: string;
  members: readonly EnsembleMember[];
  /** Process ids of the running members, for CPU accounting. */
  pids(): number[];
  leader(): Promise<number | null>;
  /** Resolves with the leader's id once it and every running member serve. */
  waitForQuorum(timeoutMs?: number): Promise<number>;
  /** SIGKILLs the member's process; resolves once it has exited. */
  kill(id: number): Promise<void>;
  restart(id: number): Promise<void>;
  /** A member's heap in use after a full GC (MiB), when started with `heapProbe`. */
  heapAfterGcMib?: (id: number) => Promise<number | null>;
  stop(): Promise<void>;
}

export interface ZooEnsembleOptions {
  /** 'processes': one process per member (default); 'one-process': the `--servers 3` CLI. */
  layout: 'processes' | 'one-process';
  /** Directory for `node --cpu-prof` profiles of the member processes, if wanted. */
  cpuProfileDir?: string;
  /** Members keep a data directory (a fresh temp one per start); else they run in memory. */
  durable?: boolean;
  /** Load the heap probe (heap-probe.ts) into each member process ('processes' layout only). */
  heapProbe?: boolean;
}

const tickMs = 2000;

async function modeAt(port: number): Promise<string | null> {
  const endpoint = { host: '127.0.0.1', port };
  const text = await fourLetterWord(endpoint, 'srvr', { timeoutMs: 1_000 }).catch(() => '');
  return /^Mode: (\w+)$/m.exec(text)?.[1] ?? null;
}

/** Polls `srvr` until exactly one running member leads and every running member serves. */
async function waitForModes(
  ports: () => { id: number; port: number }[],
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = ports();
    const modes = await Promise.all(running.map((member) => modeAt(member.port)));
    const leaders = running.filter((_, index) => modes[index] === 'leader');
    const isServing = modes.every((mode) => mode === 'leader' || mode === 'follower');
    if (isServing && leaders.length === 1 && leaders[0] !== undefined) return leaders[0].id;
    if (Date.now() > deadline) throw new Error(`no Zoo quorum: ${modes.join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The running member whose `srvr` says `Mode: leader`, or null when none does. */
async function leaderOf(running: { id: number; port: number }[]): Promise<number | null> {
  const modes = await Promise.all(running.map((member) => modeAt(member.port)));
  return running.find((_, index) => modes[index] === 'leader')?.id ?? null;
}

function memberOf(id: number, port: number): EnsembleMember {
  return { id, host: '127.0.0.1', port, connectString: `127.0.0.1:${port}` };
}

/** Writes one zoo.cfg per member, as a user would on three hosts, all on loopback here. */
async function writeMemberConfigs(dir: string, size: number, durable: boolean) {
  const members: (EnsembleMember & { cfgPath: string })[] = [];
  const serverLines: string[] = [];
  for (let id = 1; id <= size; id += 1) {
    members.push({ ...memberOf(id, await findFreePort()), cfgPath: join(dir, `zoo-${id}.cfg`) });
    // Zoo needs no separate election port; a free one keeps the line in ZooKeeper's form.
    serverLines.push(`server.${id}=127.0.0.1:${await findFreePort()}:${await findFreePort()}`);
  }
  // No admin servers: three members on one host would contend for the default port 8080, and
  // the Apache ensemble runs without one too.
  const common = [`tickTime=${tickMs}`, 'initLimit=10', 'syncLimit=5', 'admin.enableServer=false'];
  for (const member of members) {
    const lines = [...common, 'clientPortAddress=127.0.0.1', `clientPort=${member.port}`];
    if (durable) lines.push(`dataDir=${join(dir, `data-${member.id}`)}`);
    await writeFile(member.cfgPath, `${[...lines, ...serverLines].join('\n')}\n`);
  }
  return members;
}

async function startZooProcesses(options: ZooEnsembleOptions): Promise<EnsembleTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'zoo-bench-ensemble-'));
  const durable = options.durable === true;
  const members = await writeMemberConfigs(dir, 3, durable);
  const children = new Map<number, ChildProcess>();
  const profile = options.cpuProfileDir === undefined ? [] : cpuProfileFlags(options.cpuProfileDir);
  const probeFile = (id: number) => join(dir, `heap-${id}`);
  const launch = async (member: (typeof members)[number]): Promise<void> => {
    const args = ['--config', member.cfgPath, '--myid', String(member.id)];
    const probe = heapProbeSpawnOptions(
      options.heapProbe === true ? probeFile(member.id) : undefined,
    );
    const started = spawnZooCli({
      ...probe,
      args,
      nodeFlags: [...profile, ...probe.nodeFlags],
      ready: /listening for clients at/,
    });
    children.set(member.id, started.child);
    await started.ready;
  };
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map((child) => stopChild(child, 'SIGTERM')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(members.map(launch));
  } catch (error) {
    await stop();
    throw error;
  }
  const running = () => members.filter((member) => isChildAlive(children.get(member.id)));
  return {
    name: 'zoo',
    description:
      'Zoo: 3 member processes (zoo-server --config zoo-N.cfg --myid N), ' +
      (durable ? 'durable (dataDir, one O_DSYNC write per group)' : 'in memory'),
    members: members.map((member) => memberOf(member.id, member.port)),
    pids: () => [...children.values()].filter(isChildAlive).flatMap((child) => child.pid ?? []),
    leader: () => leaderOf(running()),
    waitForQuorum: (timeoutMs = 60_000) => waitForModes(running, timeoutMs),
    async kill(id) {
      const child = children.get(id);
      if (child !== undefined) await stopChild(child, 'SIGKILL');
    },
    async restart(id) {
      const member = members.find((candidate) => candidate.id === id);
      if (member === undefined || isChildAlive(children.get(id)))
        throw new Error(`cannot restart ${id}`);
      await launch(member);
    },
    stop,
    ...(options.heapProbe === true
      ? {
          heapAfterGcMib: async (id: number) => {
            const child = children.get(id);
            return child === undefined ? null : askHeapProbe(child, probeFile(id));
          },
        }
      : {}),
  };
}

/** `zoo-server --servers 3 --port BASE`: the whole ensemble in one Node process. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port that is free together with the `count − 1` ports after it (the CLI's --port BASE). */
async function findFreePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const base = await findFreePort();
    const rest = Array.from({ length: count - 1 }, (_, index) => isPortFree(base + index + 1));
    if ((await Promise.all(rest)).every(Boolean)) return base;
  }
  throw new Error(`no run of ${count} free ports found`);
}

async function startZooOneProcess(options: ZooEnsembleOptions): Promise<EnsembleTarget> {
  const base = await findFreePortRun(3);
  const profile = options.cpuProfileDir === undefined ? [] : cpuProfileFlags(options.cpuProfileDir);
  const dataDir = options.durable === true ? await mkdtemp(join(tmpdir(), 'zoo-bench-')) : null;
  const started = spawnZooCli({
    args: ['--servers', '3', '--port', String(base), ...storageArgs(dataDir)],
    nodeFlags: profile,
    ready: /Zoo ensemble ready: .* serving clients at (\S+)/,
  });
  const line = await started.ready;
  const addresses = /serving clients at (\S+)/.exec(line)?.[1]?.split(',') ?? [];
  const members = addresses.map((address, index) =>
    memberOf(index + 1, Number(address.split(':')[1])),
  );
  const everyone = () => members;
  return {
    name: 'zoo',
    description: 'Zoo: one process running all 3 members (zoo-server --servers 3)',
    members,
    pids: () => (started.child.pid === undefined ? [] : [started.child.pid]),
    leader: () => leaderOf(members),
    waitForQuorum: (timeoutMs = 60_000) => waitForModes(everyone, timeoutMs),
    kill: () => Promise.reject(new Error('one-process ensemble: members cannot be killed alone')),
    restart: () => Promise.reject(new Error('one-process ensemble: members cannot be restarted')),
    stop: async () => {
      await stopChild(started.child, 'SIGTERM');
      if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startZooEnsemble(options: ZooEnsembleOptions): Promise<EnsembleTarget> {
  const target =
    options.layout === 'processes'
      ? await startZooProcesses(options)
      : await startZooOneProcess(options);
  try {
    await target.waitForQuorum();
  } catch (error) {
    await target.stop();
    throw error;
  }
  return target;
}

/** Apache ZooKeeper 3.8 as 3 JVMs (512 MiB heap each), or null when it is not installed. */
export async function startReferenceEnsemble(options: {
  forceSync: boolean;
}): Promise<EnsembleTarget | null> {
  if (!isApacheZooKeeperInstalled()) return null;
  const ensemble = await startApacheEnsemble({ forceSync: options.forceSync, heapMb: 512 });
  const sync = options.forceSync ? 'fsync on (forceSync=yes)' : 'no fsync (forceSync=no)';
  return {
    name: 'zookeeper',
    description: `ZooKeeper 3.8: 3 JVMs (QuorumPeerMain, -Xmx512m), txn log ${sync}`,
    members: ensemble.members.map((member) => memberOf(member.id, member.port)),
    pids: () => ensemble.members.flatMap((member) => member.pid() ?? []),
    leader: () => ensemble.leader(),
    waitForQuorum: (timeoutMs) => ensemble.waitForQuorum(timeoutMs),
    kill: (id) => ensemble.kill(id),
    restart: (id) => ensemble.restart(id),
    stop: () => ensemble.stop(),
  };
}
