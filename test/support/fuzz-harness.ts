// What a hostile-frame run needs around the fuzzer process: spawning it, a well-behaved session
// doing round trips all along (its slowest reply and any error it saw), and the server
// process's memory after a full GC.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FuzzPlan, FuzzReport } from './frame-fuzz-child.js';
import { WireClient } from './wire-client.js';

const childPath = fileURLToPath(new URL('./frame-fuzz-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the fuzzer in a child process; resolves with its report. */
export function runFuzzer(plan: FuzzPlan): Promise<FuzzReport> {
  const args = ['--import', 'tsx', '--conditions=zoo-source', childPath, JSON.stringify(plan)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') reject(new Error(`fuzzer exited ${code}: ${errors}`));
      else resolve(JSON.parse(line) as FuzzReport);
    });
  });
}

export interface GoodSessionResult {
  roundTrips: number;
  slowestMs: number;
  errors: string[];
}

/**
 * A session that reads `path` in a loop until `stop` resolves, timing every reply; any failure
 * or unexpected answer is recorded, not thrown, so the run goes on and reports it.
 */
export async function goodSession(
  target: { host: string; port: number },
  path: string,
  stop: Promise<unknown>,
): Promise<GoodSessionResult> {
  const result: GoodSessionResult = { roundTrips: 0, slowestMs: 0, errors: [] };
  const client = await WireClient.connect({ ...target, timeoutMs: 5_000 });
  let isStopped = false;
  void stop.finally(() => (isStopped = true));
  while (!isStopped) {
    const startedAt = performance.now();
    try {
      const reply = await client.request({ type: 'getData', path, watch: false });
      if (reply.err !== 0) result.errors.push(`getData answered ${reply.err}`);
    } catch (error) {
      result.errors.push(String(error));
      break;
    }
    result.slowestMs = Math.max(result.slowestMs, performance.now() - startedAt);
    result.roundTrips += 1;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await client.close();
  return result;
}

let collectGarbage: (() => void) | null = null;

/** Heap used and RSS after full collections (V8's gc is turned on here if it was not). */
export async function memoryAfterGc(): Promise<{ heapUsedMb: number; rssMb: number }> {
  if (collectGarbage === null) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  for (let round = 0; round < 3; round += 1) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return { heapUsedMb: mb(usage.heapUsed), rssMb: mb(usage.rss) };
}
