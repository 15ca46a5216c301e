// The benchmark's wire workloads: N pipelining clients (client i on endpoint i mod n) keep
// `depth` requests in flight each for a fixed time; throughput and latency percentiles
// (HdrHistogram) are measured after a warm-up. `mixed` is 90 % getData and 10 % setData.

import type { Request } from '@zoo/client/protocol';
import { LoadConnection } from './load-connection.js';
import { createRequest, keepInFlight } from './pipeline.js';
import type { Endpoint } from './targets.js';
import { cpuWindow, latencyHistogram, resultOf } from './measured-window.js';
import type { WindowOptions, WorkloadResult, WorkloadRunner } from './measured-window.js';

export type { WorkloadResult } from './measured-window.js';

export const wireWorkloadNames = ['create', 'set', 'get', 'mixed'] as const;
export type WorkloadName = (typeof wireWorkloadNames)[number];

export interface WorkloadOptions extends WindowOptions {
  clients: number;
  depth: number;
  dataBytes: number;
}

/** Creates the parent and the nodes the set/get workloads use. */
async function prepare(endpoint: Endpoint, run: string, nodeCount: number): Promise<void> {
  const connection = await LoadConnection.open(endpoint.host, endpoint.port);
  const data = Buffer.alloc(16);
  const paths = ['/bench', `/bench/${run}`];
  for (let i = 0; i < nodeCount; i += 1) paths.push(`/bench/${run}/n${i}`);
  await Promise.all(paths.map((path) => connection.request(createRequest(path, data))));
  connection.close();
}

/**
 * Opens client i on endpoint i mod n; each first syncs so a member that is not the one the
 * nodes were created through has applied them before it is asked for them.
 */
async function openClients(endpoints: readonly Endpoint[], count: number, run: string) {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const endpoint = endpoints[index % endpoints.length];
      if (endpoint === undefined) throw new Error('no endpoint to connect to');
      const connection = await LoadConnection.open(endpoint.host, endpoint.port);
      await connection.request({ type: 'sync', path: `/bench/${run}` });
      return connection;
    }),
  );
}

function requestFor(workload: WorkloadName, run: string, sequence: number, data: Buffer): Request {
  const node = `/bench/${run}/n${sequence % 1000}`;
  switch (workload) {
    case 'create':
      return createRequest(`/bench/${run}/c`, data, 2);
    case 'set':
      return { type: 'setData', path: node, data, version: -1 };
    case 'get':
      return { type: 'getData', path: node, watch: false };
    case 'mixed':
      // One write in ten, spread evenly over the sequence so every client sees the same mix.
      return sequence % 10 === 0
        ? { type: 'setData', path: node, data, version: -1 }
        : { type: 'getData', path: node, watch: false };
  }
}

export async function runWorkload(
  endpoints: readonly Endpoint[],
  workload: WorkloadName,
  options: WorkloadOptions,
): Promise<WorkloadResult> {
  const run = `${workload}-${process.hrtime.bigint().toString(36)}`;
  const first = endpoints[0];
  if (first === undefined) throw new Error('no endpoint to benchmark');
  await prepare(first, run, 1000);
  const connections = await openClients(endpoints, options.clients, run);
  const histogram = latencyHistogram();
  const data = Buffer.alloc(options.dataBytes, 7);
  const start = Date.now();
  const cpu = cpuWindow(options);
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  let operations = 0;
  let errors = 0;
  let sequence = 0;
  await keepInFlight(connections, options.depth, {
    next: () => {
      sequence += 1;
      return Date.now() < stopAt ? requestFor(workload, run, sequence, data) : null;
    },
    onReply: (err, latencyNs) => {
      const now = Date.now();
      if (now < measureFrom || now >= stopAt) return;
      operations += 1;
      if (err !== 0) errors += 1;
      histogram.recordValue(Number(latencyNs / 1000n));
    },
  });
  for (const connection of connections) connection.close();
  const cpuSeconds = cpu.secondsUsed();
  return resultOf({ histogram, operations, errors, durationMs: options.durationMs, cpuSeconds });
}

const isWireWorkload = (name: string): name is WorkloadName =>
  (wireWorkloadNames as readonly string[]).includes(name);

/** The runner the throughput section drives: the load level is the pipeline depth. */
export function wireRunner(options: { clients: number; dataBytes: number }): WorkloadRunner {
  return async (endpoints, { workload, level, window }) => {
    if (!isWireWorkload(workload)) throw new Error(`not a wire workload: ${workload}`);
    return runWorkload(endpoints, workload, { ...options, ...window, depth: level });
  };
}
