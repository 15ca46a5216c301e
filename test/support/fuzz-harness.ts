// What a hostile-frame run needs around the fuzzer process: spawning it, a well-behaved session
// doing round trips all along (its slowest reply and any error it saw), and the server
// process's memory after a full GC.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FuzzPlan, FuzzReport } from './frame-fuzz-child.js';
import { WireClient } from './wire-client.js';
import { spawnTsChild } from './ts-child.js';

/** Runs the fuzzer in a child process; resolves with its report. */
export async function runFuzzer(plan: FuzzPlan): Promise<FuzzReport> {
  const output = await spawnTsChild('frame-fuzz-child.ts', plan).finished;
  return JSON.parse(output.trim().split('\n').at(-1) ?? '') as FuzzReport;
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
