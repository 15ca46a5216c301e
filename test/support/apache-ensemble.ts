// Starts a replicated Apache ZooKeeper 3.8 ensemble (QuorumPeerMain, one JVM per server, each
// with its own dataDir and myid) on 127.0.0.1, finds its leader by `srvr`, and kills, restarts
// and stops members: the reference for Zoo's ensemble benchmark and failover measurements.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { apacheZooKeeperJar } from './apache-zookeeper.js';
import { findFreePort, fourLetterWord } from './four-letter-word.js';
import { isChildAlive, stopChild } from './child-exit.js';

const javaBinary = process.env['ZOO_JAVA'] ?? 'java';
const quorumTimeoutMsDefault = 60_000;
const outputTailBytesMax = 65_536;

export interface ApacheEnsembleOptions {
  /** Voting members (default 3). */
  size?: number;
  /** tickTime (default 2000); initLimit 10 and syncLimit 5 ticks as in the sample zoo.cfg. */
  tickMs?: number;
  /** False adds `-Dzookeeper.forceSync=no` (no fsync of the txn log); ZooKeeper's default is on. */
  forceSync?: boolean;
  /** Heap of each JVM in MiB, as -Xms and -Xmx (default 512: three JVMs share the machine). */
  heapMb?: number;
  /** More JVM options for every member. */
  javaOptions?: readonly string[];
  /** Put slf4j-simple on the classpath so each member logs (INFO, stderr) into its `output()`. */
  diagnosticLogging?: boolean;
}

export interface ApacheEnsembleMember {
  readonly id: number;
  readonly host: string;
  /** Client port. */
  readonly port: number;
  readonly connectString: string;
  readonly quorumPort: number;
  readonly electionPort: number;
  /** The JVM's process id, or null while the member is stopped. */
  pid(): number | null;
  isRunning(): boolean;
  /** The last 64 KiB the member's current JVM printed (stdout and stderr). */
  output(): string;
}

export type ApacheMode = 'leader' | 'follower' | 'observer' | 'standalone';

export interface ApacheEnsemble {
  /** Every member's client address, comma-separated. */
  readonly connectString: string;
  readonly members: readonly ApacheEnsembleMember[];
  readonly forceSync: boolean;
  /** The member's `Mode:` line from `srvr`, or null when it is down or not serving. */
  modeOf(id: number): Promise<ApacheMode | null>;
  /** The id of the member whose `srvr` says `Mode: leader`, or null when none does. */
  leader(): Promise<number | null>;
  /** Resolves with the leader's id once it and every running member serve (leader/follower). */
  waitForQuorum(timeoutMs?: number): Promise<number>;
  /** SIGKILLs the member's JVM and resolves once it has exited. */
  kill(id: number): Promise<void>;
  /** Starts a killed member's JVM again on the same ports and dataDir (it rejoins by itself). */
  restart(id: number): Promise<void>;
  /** Stops every JVM and removes the temporary directories. */
  stop(): Promise<void>;
}

interface MemberSlot {
  id: number;
  port: number;
  quorumPort: number;
  electionPort: number;
  cfgPath: string;
  child: ChildProcess | null;
  output: { text: string };
}

function zooCfg(options: { tickMs: number; dataDir: string; port: number }, servers: string[]) {
  const lines = [
    `tickTime=${options.tickMs}`,
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${options.dataDir}`,
    `clientPort=${options.port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    '4lw.commands.whitelist=*',
    // Benchmarks open many connections from one address; 0 lifts the default cap of 60.
    'maxClientCnxns=0',
    ...servers,
  ];
  return `${lines.join('\n')}\n`;
}

function jvmArguments(options: ApacheEnsembleOptions, cfgPath: string): string[] {
  const heap = options.heapMb ?? 512;
  const args = [`-Xms${heap}m`, `-Xmx${heap}m`, ...(options.javaOptions ?? [])];
  args.push('-Dzookeeper.admin.enableServer=false');
  if (options.forceSync === false) args.push('-Dzookeeper.forceSync=no');
  const classPath = options.diagnosticLogging
    ? `${apacheZooKeeperJar}:${path.join(path.dirname(apacheZooKeeperJar), 'slf4j-simple.jar')}`
    : apacheZooKeeperJar;
  args.push('-cp', classPath, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfgPath);
  return args;
}

/** Writes each member's dataDir (with `myid`) and zoo.cfg under `dir`, on fresh free ports. */
async function prepareSlots(dir: string, options: ApacheEnsembleOptions): Promise<MemberSlot[]> {
  const size = options.size ?? 3;
  const slots: MemberSlot[] = [];
  for (let id = 1; id <= size; id += 1) {
    const [port, quorumPort, electionPort] = [
      await findFreePort(),
      await findFreePort(),
      await findFreePort(),
    ];
    const cfgPath = path.join(dir, `zoo-${id}.cfg`);
    slots.push({ id, port, quorumPort, electionPort, cfgPath, child: null, output: { text: '' } });
  }
  const servers = slots.map((s) => `server.${s.id}=127.0.0.1:${s.quorumPort}:${s.electionPort}`);
  for (const slot of slots) {
    const dataDir = path.join(dir, `data-${slot.id}`);
    await mkdir(dataDir);
    // ZooKeeper: QuorumPeerConfig reads this member's id from `myid` in its dataDir.
    await writeFile(path.join(dataDir, 'myid'), `${slot.id}\n`);
    const tickMs = options.tickMs ?? 2000;
    await writeFile(slot.cfgPath, zooCfg({ tickMs, dataDir, port: slot.port }, servers));
  }
  return slots;
}

function launch(slot: MemberSlot, options: ApacheEnsembleOptions): void {
  // A plain child in our session, as Zoo's members are started, so that the scheduler's
  // autogroups give both systems the same share of the machine.
  const child = spawn(javaBinary, jvmArguments(options, slot.cfgPath), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sink = { text: '' };
  const append = (chunk: Buffer): void => {
    sink.text = (sink.text + chunk.toString('utf8')).slice(-outputTailBytesMax);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  slot.child = child;
  slot.output = sink;
}

async function modeAt(port: number): Promise<ApacheMode | null> {
  const endpoint = { host: '127.0.0.1', port };
  const text = await fourLetterWord(endpoint, 'srvr', { timeoutMs: 1_000 }).catch(() => '');
  const mode = /^Mode: (leader|follower|observer|standalone)$/m.exec(text)?.[1];
  return mode === undefined ? null : (mode as ApacheMode);
}

function memberView(slot: MemberSlot): ApacheEnsembleMember {
  return {
    id: slot.id,
    host: '127.0.0.1',
    port: slot.port,
    connectString: `127.0.0.1:${slot.port}`,
    quorumPort: slot.quorumPort,
    electionPort: slot.electionPort,
    pid: () => (isChildAlive(slot.child) ? (slot.child.pid ?? null) : null),
    isRunning: () => isChildAlive(slot.child),
    output: () => slot.output.text,
  };
}

function ensembleOf(
  dir: string,
  slots: MemberSlot[],
  options: ApacheEnsembleOptions,
): ApacheEnsemble {
  const slotOf = (id: number): MemberSlot => {
    const slot = slots.find((candidate) => candidate.id === id);
    if (slot === undefined) throw new RangeError(`no member ${id} in this ensemble`);
    return slot;
  };
  const modeOf = async (id: number): Promise<ApacheMode | null> => {
    const slot = slotOf(id);
    return isChildAlive(slot.child) ? modeAt(slot.port) : null;
  };
  const leader = async (): Promise<number | null> => {
    const modes = await Promise.all(slots.map((slot) => modeOf(slot.id)));
    const index = modes.indexOf('leader');
    return index < 0 ? null : (slots[index]?.id ?? null);
  };
  const waitForQuorum = async (timeoutMs = quorumTimeoutMsDefault): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = slots.filter((slot) => isChildAlive(slot.child));
      const modes = await Promise.all(running.map((slot) => modeAt(slot.port)));
      const leaders = running.filter((_, index) => modes[index] === 'leader');
      const isServing = modes.every((mode) => mode === 'leader' || mode === 'follower');
      if (isServing && leaders.length === 1 && leaders[0] !== undefined) return leaders[0].id;
      if (Date.now() > deadline) {
        const tails = slots.map(
          (slot) => `--- member ${slot.id}\n${slot.output.text.slice(-2000)}`,
        );
        const summary = `no ZooKeeper quorum within ${timeoutMs} ms (${modes.join(',')})`;
        throw new Error(`${summary}\n${tails.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    connectString: slots.map((slot) => `127.0.0.1:${slot.port}`).join(','),
    members: slots.map(memberView),
    forceSync: options.forceSync !== false,
    modeOf,
    leader,
    waitForQuorum,
    async kill(id) {
      const slot = slotOf(id);
      if (isChildAlive(slot.child)) await stopChild(slot.child, 'SIGKILL');
    },
    async restart(id) {
      const slot = slotOf(id);
      if (isChildAlive(slot.child)) throw new Error(`member ${id} is still running`);
      launch(slot, options);
    },
    async stop() {
      await Promise.all(
        slots.map((slot) => (slot.child ? stopChild(slot.child, 'SIGTERM') : null)),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts every member and resolves once one is leader and the others follow. */
export async function startApacheEnsemble(
  options: ApacheEnsembleOptions = {},
): Promise<ApacheEnsemble> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'zoo-apache-ensemble-'));
  const slots = await prepareSlots(dir, options).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  for (const slot of slots) launch(slot, options);
  const ensemble = ensembleOf(dir, slots, options);
  try {
    await ensemble.waitForQuorum();
    const dead = ensemble.members.filter((member) => !member.isRunning());
    if (dead.length > 0) {
      const tails = dead.map((member) => `--- member ${member.id}\n${member.output()}`);
      throw new Error(`ZooKeeper members exited during startup\n${tails.join('\n')}`);
    }
  } catch (error) {
    await ensemble.stop();
    throw error;
  }
  return ensemble;
}
