// Ensemble members as separate processes for crash tests: one zoo.cfg per member (each with
// its own dataDir, on free ports), each member started with `zoo-server --config` in its own
// process group so that `kill -9` of the group is a power cut for that member and nothing else.

import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort, fourLetterWord } from './four-letter-word.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'packages/server/src/cli/zoo-server.ts');
const inspector = join(root, 'packages/server/src/cli/zoo-data.ts');

export interface MemberConfig {
  myid: number;
  configPath: string;
  dataDir: string;
  /** host:port of its client port. */
  address: string;
}

/** Writes `zoo-<id>.cfg` for `size` members under `dir`, each with its own data directory. */
export async function writeEnsembleConfigs(dir: string, size: number): Promise<MemberConfig[]> {
  const ids = Array.from({ length: size }, (_, index) => index + 1);
  const clientPorts: number[] = [];
  const serverLines: string[] = [];
  for (const id of ids) {
    clientPorts.push(await findFreePort());
    serverLines.push(`server.${id}=127.0.0.1:${await findFreePort()}:${await findFreePort()}`);
  }
  const shared = ['tickTime=500', 'initLimit=10', 'syncLimit=5', 'clientPortAddress=127.0.0.1'];
  return ids.map((myid, index) => {
    const dataDir = join(dir, `data-${myid}`);
    const configPath = join(dir, `zoo-${myid}.cfg`);
    const clientPort = clientPorts[index] ?? 0;
    const lines = [...shared, ...serverLines, `clientPort=${clientPort}`, `dataDir=${dataDir}`];
    writeFileSync(configPath, `${lines.join('\n')}\n`);
    return { myid, configPath, dataDir, address: `127.0.0.1:${clientPort}` };
  });
}

export interface MemberProcess {
  member: MemberConfig;
  /** The process id, also its process group's id. */
  pid: number;
  /** When it was spawned, and when it said it listens for clients (Date.now()). */
  spawnedAtMs: number;
  upAtMs: number;
}

/** Process groups started and not yet killed; an afterAll kills what is left. */
export const liveGroups = new Set<number>();

/**
 * Spawns the member in a new process group; resolves once it listens for clients (its data
 * directory recovered), rejects if it exits first.
 */
export function spawnMember(
  member: MemberConfig,
  extraArgs: string[] = [],
): Promise<MemberProcess> {
  const spawnedAtMs = Date.now();
  const args = ['--config', member.configPath, '--myid', String(member.myid)];
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=zoo-source',
      cli,
      ...args,
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`member ${member.myid}: no pid`);
  liveGroups.add(pid);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/listening for clients at/.test(output)) {
        resolve({ member, pid, spawnedAtMs, upAtMs: Date.now() });
      }
    });
    child.once('exit', (code, signal) => {
      liveGroups.delete(pid);
      reject(new Error(`member ${member.myid} exited (${code ?? signal}): ${output}`));
    });
  });
}

/** SIGKILL of the member's whole process group: no handler runs, nothing is flushed. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  liveGroups.delete(pid);
}

export type MemberMode = 'leader' | 'follower' | 'none';

/** What `srvr` says the member at `address` is; 'none' when it does not serve (or answer). */
export async function modeOf(address: string): Promise<MemberMode> {
  const [host = '', port = ''] = address.split(':');
  const text = await fourLetterWord({ host, port: Number(port) }, 'srvr').catch(() => '');
  const mode = /Mode: (leader|follower)/.exec(text)?.[1];
  return mode === 'leader' || mode === 'follower' ? mode : 'none';
}

/** Polls `srvr` every 20 ms until the member serves; resolves with that moment (Date.now()). */
export async function waitUntilServing(address: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await modeOf(address)) !== 'none') return Date.now();
    if (Date.now() > deadline) throw new Error(`${address} not serving within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `zoo-data verify` of a member's data directory: its exit code and what it printed. */
export function verifyDataDir(dataDir: string): Promise<{ code: number; output: string }> {
  const argv = ['--import', 'tsx', '--conditions=zoo-source', inspector, 'verify', dataDir];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: root }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
