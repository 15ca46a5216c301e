// `--sections znodes`: memory per znode by the state method — each system starts fresh
// (standalone, one at a time), its memory is read, N znodes are created (1,000 parents of up to
// 1,000 children, `dataBytes` of data each), the memory is read again, and the difference is
// divided by N. Resident memory for both, and the heap in use after a full GC (the JVM's by jcmd
// GC.run, Zoo's by heap-probe.ts, buffers included), which is what the znodes themselves hold —
// resident memory also counts pages a collector touched once and keeps.

import { LoadConnection } from './load-connection.js';
import { createRequest, keepInFlight } from './pipeline.js';
import { rssMib } from './memory-section.js';
import type { Endpoint, RunningTarget } from './targets.js';
import type { SystemName, ZnodeMemory } from './results.js';
import { advanceProgress, describeProgress } from './progress.js';

const childrenPerParent = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates `paths` over `connections`, each keeping `depth` creates in flight; counts errors. Each
 * znode gets its own data: `data` with the znode's index written over its first bytes, since a
 * tree of one repeated value would reward a system for sharing it, which real trees rarely allow.
 */
export async function createAll(
  connections: readonly LoadConnection[],
  paths: readonly string[],
  options: { depth: number; data: Buffer; onDone: (done: number) => void },
): Promise<number> {
  let next = 0;
  let done = 0;
  let errors = 0;
  await keepInFlight(connections, options.depth, {
    next: () => {
      const path = paths[next];
      if (path === undefined) return null;
      const data = Buffer.from(options.data);
      data.write(String(next), 'latin1');
      next += 1;
      return createRequest(path, data);
    },
    onReply: (err) => {
      done += 1;
      if (err !== 0) errors += 1;
      if (done % 10_000 === 0) options.onDone(done);
    },
  });
  return errors;
}

/** `/znodes/p0/n0 …`: the parents first (a child needs its parent), then every child. */
export function znodePaths(count: number): { parents: string[]; children: string[] } {
  const parentCount = Math.ceil(count / childrenPerParent);
  const parents = ['/znodes', ...Array.from({ length: parentCount }, (_, p) => `/znodes/p${p}`)];
  const children = Array.from(
    { length: count },
    (_, i) => `/znodes/p${Math.floor(i / childrenPerParent)}/n${i % childrenPerParent}`,
  );
  return { parents, children };
}

interface MemoryReading {
  rssMib: number | null;
  heapMib: number | null;
}

async function readMemory(target: RunningTarget): Promise<MemoryReading> {
  // The GC first: resident memory read after it leaves out what the collector frees at once.
  const heapMib = (await target.heapAfterGcMib?.()) ?? null;
  return { rssMib: rssMib(target.pids()), heapMib };
}

const perZnode = (before: number | null, after: number | null, count: number): number | null =>
  before === null || after === null ? null : ((after - before) * 1024 * 1024) / count;

/** Fills one running system with `count` znodes and reads its memory before and after. */
export async function measureZnodeMemory(
  target: RunningTarget,
  options: { count: number; dataBytes: number; clients: number },
): Promise<ZnodeMemory> {
  const endpoint: Endpoint | undefined = target.endpoints[0];
  if (endpoint === undefined) throw new Error(`${target.name} has no endpoint`);
  const connections = await Promise.all(
    Array.from({ length: options.clients }, () =>
      LoadConnection.open(endpoint.host, endpoint.port),
    ),
  );
  try {
    const { parents, children } = znodePaths(options.count);
    const data = Buffer.alloc(options.dataBytes, 7);
    const [first] = connections;
    if (first !== undefined)
      await createAll([first], parents, { depth: 1, data, onDone: () => {} });
    // Let the start-up settle before the first reading, as after the last.
    await sleep(2000);
    const before = await readMemory(target);
    const onDone = (done: number): void =>
      describeProgress(`${target.name}: ${done.toLocaleString('en-US')} znodes created`);
    const errors = await createAll(connections, children, { depth: 50, data, onDone });
    if (errors > 0) throw new Error(`${target.name}: ${errors} creates failed`);
    await sleep(2000);
    const after = await readMemory(target);
    advanceProgress(`${target.name} measured`);
    return {
      system: target.name as SystemName,
      znodes: options.count,
      dataBytes: options.dataBytes,
      rssBeforeMib: before.rssMib,
      rssAfterMib: after.rssMib,
      heapBeforeMib: before.heapMib,
      heapAfterMib: after.heapMib,
      rssBytesPerZnode: perZnode(before.rssMib, after.rssMib, options.count),
      heapBytesPerZnode: perZnode(before.heapMib, after.heapMib, options.count),
    };
  } finally {
    for (const connection of connections) connection.close();
  }
}
