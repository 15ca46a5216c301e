// `--sections recovery`: how long a standalone server holding N znodes takes from process start
// to serving a read. Each system, alone, is first started on an empty data directory (the fixed
// cost of a start), then filled with N znodes (znode-memory.ts's tree: 1,000 per parent), stopped
// (SIGTERM), and started again `reps` times on the same directory. Both run with their default
// snapshot settings (snapCount 100,000), so each recovers from its newest snapshot plus the log
// after it. A start is timed from spawn to the first getData of the last znode created answered
// Ok (tried every 20 ms), with the CPU time the process had used by then (/proc): the machine's
// other load stretches wall time, much less CPU time.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../test/support/four-letter-word.js';
import { LoadConnection } from './load-connection.js';
import { cpuSecondsOf } from './process-cpu.js';
import { advanceProgress, describeProgress } from './progress.js';
import { readsOk } from './recovery-probe.js';
import type { RecoveryServer, RecoverySystem } from './recovery-servers.js';
import { createAll, znodePaths } from './znode-memory.js';

const host = '127.0.0.1';
const startTimeoutMs = 300_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One start: wall time from spawn to the read, and the server's CPU time by then. */
export interface StartTiming {
  wallMs: number;
  cpuMs: number | null;
}

export interface RecoveryTimings {
  empty: StartTiming;
  recovered: StartTiming[];
}

/** Tries the read every 20 ms until it is answered Ok; the server is left running. */
async function waitForRead(server: RecoveryServer, port: number, path: string): Promise<void> {
  const startedAt = performance.now();
  while (!(await readsOk({ host, port }, path, 2000))) {
    if (!server.isAlive()) throw new Error(`the server exited before it served ${path}`);
    if (performance.now() - startedAt > startTimeoutMs) {
      throw new Error(`no read of ${path} within ${startTimeoutMs} ms`);
    }
    await sleep(20);
  }
}

/** Starts `system` on `dir`, times it to its first read of `path`, and stops it again. */
async function timeStart(
  system: RecoverySystem,
  where: { dir: string; port: number },
  path: string,
): Promise<StartTiming> {
  const startedAt = performance.now();
  const server = system.start(where.dir, where.port);
  try {
    await waitForRead(server, where.port, path);
    const wallMs = performance.now() - startedAt;
    const cpuSeconds = cpuSecondsOf(server.pid === undefined ? [] : [server.pid]);
    return { wallMs, cpuMs: cpuSeconds === null ? null : cpuSeconds * 1000 };
  } finally {
    await server.stop();
  }
}

/** Starts `system` on `dir` and creates the tree over `clients` connections, then stops it. */
async function fill(
  system: RecoverySystem,
  where: { dir: string; port: number },
  options: { count: number; dataBytes: number; clients: number },
): Promise<string> {
  const server = system.start(where.dir, where.port);
  try {
    await waitForRead(server, where.port, '/');
    const connections = await Promise.all(
      Array.from({ length: options.clients }, () => LoadConnection.open(host, where.port)),
    );
    try {
      const { parents, children } = znodePaths(options.count);
      const data = Buffer.alloc(options.dataBytes, 7);
      const [first] = connections;
      if (first !== undefined) {
        await createAll([first], parents, { depth: 1, data, onDone: () => {} });
      }
      const onDone = (done: number): void =>
        describeProgress(`${system.name}: ${done.toLocaleString('en-US')} znodes created`);
      const errors = await createAll(connections, children, { depth: 50, data, onDone });
      if (errors > 0) throw new Error(`${system.name}: ${errors} creates failed`);
      return children.at(-1) ?? '/znodes';
    } finally {
      for (const connection of connections) connection.close();
    }
  } finally {
    await server.stop();
  }
}

/** The empty start, the fill, then `reps` recoveries of one system on a fresh directory. */
export async function measureRecovery(
  system: RecoverySystem,
  options: { count: number; dataBytes: number; clients: number; reps: number },
): Promise<RecoveryTimings> {
  const dir = await mkdtemp(join(tmpdir(), `zoo-bench-recovery-${system.name}-`));
  try {
    const where = { dir, port: await findFreePort() };
    const empty = await timeStart(system, where, '/');
    advanceProgress(`${system.name} empty start`);
    const last = await fill(system, where, options);
    advanceProgress(`${system.name} filled`);
    const recovered: StartTiming[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      recovered.push(await timeStart(system, where, last));
      advanceProgress(`${system.name} recovery ${rep + 1}`);
    }
    return { empty, recovered };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
