// The benchmark's workloads: N pipelining clients (client i on endpoint i mod n) keep `depth`
// requests in flight each for a fixed time; throughput and latency percentiles (HdrHistogram)
// are measured after a warm-up.

import * as hdr from 'hdr-histogram-js';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Request } from '@zoo/client/protocol';
import { LoadConnection } from './load-connection.js';
import type { Endpoint } from './targets.js';

export type WorkloadName = 'create' | 'set' | 'get';

export interface WorkloadOptions {
  clients: number;
  depth: number;
  durationMs: number;
  warmupMs: number;
  dataBytes: number;
  /** CPU seconds the servers have used so far (null if unknown), read around the window. */
  serverCpuSeconds?: () => number | null;
}

export interface WorkloadResult {
  operations: number;
  errors: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU time per operation in the measured window (all server processes), or null. */
  serverCpuUsPerOp: number | null;
  /** Cores the servers kept busy on average in the window, or null. */
  serverCores: number | null;
}

/** Creates the parent and the nodes the set/get workloads use. */
async function prepare(endpoint: Endpoint, run: string, nodeCount: number): Promise<void> {
  const connection = await LoadConnection.open(endpoint.host, endpoint.port);
  const data = Buffer.alloc(16);
  const paths = ['/bench', `/bench/${run}`];
  for (let i = 0; i < nodeCount; i += 1) paths.push(`/bench/${run}/n${i}`);
  await Promise.all(
    paths.map((path) =>
      roundTrip(connection, {
        type: 'create',
        variant: 'create',
        path,
        data,
        acl: [...OPEN_ACL_UNSAFE],
        flags: 0,
        ttl: -1n,
      }),
    ),
  );
  connection.close();
}

function roundTrip(connection: LoadConnection, request: Request): Promise<number> {
  return new Promise((resolve) => connection.send(request, (err) => resolve(err)));
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
      await roundTrip(connection, { type: 'sync', path: `/bench/${run}` });
      return connection;
    }),
  );
}

function requestFor(workload: WorkloadName, run: string, sequence: number, data: Buffer): Request {
  const node = `/bench/${run}/n${sequence % 1000}`;
  switch (workload) {
    case 'create':
      return {
        type: 'create',
        variant: 'create',
        path: `/bench/${run}/c`,
        data,
        acl: [...OPEN_ACL_UNSAFE],
        flags: 2,
        ttl: -1n,
      };
    case 'set':
      return { type: 'setData', path: node, data, version: -1 };
    case 'get':
      return { type: 'getData', path: node, watch: false };
  }
}

/** Reads the servers' CPU time when the measured window opens and when it closes. */
function cpuWindow(options: WorkloadOptions): { secondsUsed(): number | null } {
  const read = options.serverCpuSeconds ?? (() => null);
  let atOpen: number | null = null;
  let atClose: number | null = null;
  const open = setTimeout(() => (atOpen = read()), options.warmupMs);
  const close = setTimeout(() => (atClose = read()), options.warmupMs + options.durationMs);
  return {
    secondsUsed() {
      clearTimeout(open);
      clearTimeout(close);
      // When the last replies arrive before the closing timer runs (a fast workload on a busy
      // event loop), the window closes now instead: a moment late rather than not at all.
      atClose ??= read();
      return atOpen === null || atClose === null ? null : atClose - atOpen;
    },
  };
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
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const data = Buffer.alloc(options.dataBytes, 7);
  const start = Date.now();
  const cpu = cpuWindow(options);
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  let operations = 0;
  let errors = 0;
  let sequence = 0;
  await Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          const issue = (): void => {
            sequence += 1;
            connection.send(requestFor(workload, run, sequence, data), (err, latencyNs) => {
              const now = Date.now();
              if (now >= measureFrom && now < stopAt) {
                operations += 1;
                if (err !== 0) errors += 1;
                histogram.recordValue(Number(latencyNs / 1000n));
              }
              if (now < stopAt) issue();
              else if (connection.inFlight === 0) resolve();
            });
          };
          for (let i = 0; i < options.depth; i += 1) issue();
        }),
    ),
  );
  for (const connection of connections) connection.close();
  const cpuSeconds = cpu.secondsUsed();
  const result = {
    operations,
    errors,
    opsPerSecond: operations / (options.durationMs / 1000),
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    serverCpuUsPerOp: cpuSeconds === null ? null : (cpuSeconds * 1e6) / Math.max(1, operations),
    serverCores: cpuSeconds === null ? null : cpuSeconds / (options.durationMs / 1000),
  };
  histogram.destroy();
  return result;
}
