// `pnpm bench --sections memory`: resident memory of Zoo's server processes under a sustained
// write load that leaves the tree the same size (setData on a few znodes, and create+delete
// pairs), standalone and 3-member, in memory and durable. Whatever a server keeps must have a
// bound: the curve must go flat once checkpoints have let the old log go.

import { readFileSync } from 'node:fs';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Request } from '@zoo/client/protocol';
import { LoadConnection } from './load-connection.js';
import type { Endpoint } from './targets.js';

export interface MemoryTarget {
  description: string;
  endpoints: readonly Endpoint[];
  /** Each member's process id, in member order (one for a standalone server). */
  pids(): number[];
  stop(): Promise<void>;
}

/** Resident memory after some writes: each member's, in member order (null where unknown). */
export interface MemorySample {
  writes: number;
  rssMib: (number | null)[];
}

export interface MemoryPlan {
  writes: number;
  /** RSS samples over the run. */
  samples: number;
  clients: number;
  depth: number;
}

/** Resident set size of `pids`, summed, in MiB (Linux /proc), or null where unknown. */
export function rssMib(pids: readonly number[]): number | null {
  let kib = 0;
  for (const pid of pids) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match?.[1] === undefined) return null;
      kib += Number(match[1]);
    } catch {
      return null;
    }
  }
  return kib / 1024;
}

const create = (path: string, flags = 0): Request => ({
  type: 'create',
  variant: 'create',
  path,
  data: Buffer.alloc(100),
  acl: [...OPEN_ACL_UNSAFE],
  flags,
  ttl: -1n,
});

/**
 * Every client alternates a setData of its own znode with a create and a delete of a scratch
 * znode, so the tree's size never changes; `writes` counts all three kinds.
 */
async function writeLoad(connection: LoadConnection, client: number, writes: number) {
  const node = `/memory/c${client}`;
  let sent = 0;
  let done = 0;
  let next = (): void => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    connection.whenLost(reject);
    next = () => {
      done += 1;
      if (done === writes) resolve();
      else if (sent < writes) issue();
    };
  });
  const issue = (): void => {
    const kind = sent % 3;
    sent += 1;
    const request: Request =
      kind === 0
        ? { type: 'setData', path: node, data: Buffer.alloc(100), version: -1 }
        : kind === 1
          ? create(`${node}-scratch`)
          : { type: 'delete', path: `${node}-scratch`, version: -1 };
    connection.send(request, next);
  };
  return { start: (depth: number) => Array.from({ length: depth }, issue), finished };
}

/**
 * Runs the load; returns each member's RSS (MiB) after each 1/samples of the writes, handing
 * every sample to `onSample` as it is taken (a long run shows its curve as it goes).
 */
export async function measureMemory(
  target: MemoryTarget,
  plan: MemoryPlan,
  onSample: (sample: MemorySample) => void = () => undefined,
): Promise<MemorySample[]> {
  const connections = await Promise.all(
    Array.from({ length: plan.clients }, async (_, index) => {
      const endpoint = target.endpoints[index % target.endpoints.length];
      if (endpoint === undefined) throw new Error('no endpoint');
      return LoadConnection.open(endpoint.host, endpoint.port);
    }),
  );
  const [first] = connections;
  if (first === undefined) throw new Error('no client');
  await first.request(create('/memory'));
  for (let i = 0; i < plan.clients; i++) await first.request(create(`/memory/c${i}`));
  for (const connection of connections) await connection.request({ type: 'sync', path: '/' });
  const samples: MemorySample[] = [];
  const take = (writes: number): void => {
    const sample = { writes, rssMib: target.pids().map((pid) => rssMib([pid])) };
    samples.push(sample);
    onSample(sample);
  };
  take(0);
  const perSample = Math.ceil(plan.writes / plan.samples / plan.clients);
  for (let sample = 1; sample <= plan.samples; sample++) {
    const loads = await Promise.all(connections.map((c, i) => writeLoad(c, i, perSample)));
    loads.forEach((load) => load.start(Math.min(plan.depth, perSample)));
    await Promise.all(loads.map((load) => load.finished));
    take(sample * perSample * plan.clients);
  }
  for (const connection of connections) connection.close();
  return samples;
}
