// The benchmark's workloads: N pipelining clients keep `depth` requests in flight each for a
// fixed time; throughput and latency percentiles (HdrHistogram) are measured after a warm-up.

import * as hdr from 'hdr-histogram-js';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Request } from '@zoo/client/protocol';
import { LoadConnection } from './load-connection.js';

export type WorkloadName = 'create' | 'set' | 'get';

export interface WorkloadOptions {
  clients: number;
  depth: number;
  durationMs: number;
  warmupMs: number;
  dataBytes: number;
}

export interface WorkloadResult {
  operations: number;
  errors: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Creates the parent and the nodes the set/get workloads use. */
async function prepare(
  host: string,
  port: number,
  run: string,
  nodesPerClient: number,
): Promise<void> {
  const connection = await LoadConnection.open(host, port);
  const data = Buffer.alloc(16);
  const paths = ['/bench', `/bench/${run}`];
  for (let i = 0; i < nodesPerClient; i += 1) paths.push(`/bench/${run}/n${i}`);
  await new Promise<void>((resolve) => {
    let left = paths.length;
    for (const path of paths) {
      const request: Request = {
        type: 'create',
        variant: 'create',
        path,
        data,
        acl: [...OPEN_ACL_UNSAFE],
        flags: 0,
        ttl: -1n,
      };
      connection.send(request, () => {
        left -= 1;
        if (left === 0) resolve();
      });
    }
  });
  connection.close();
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

export async function runWorkload(
  target: { host: string; port: number },
  workload: WorkloadName,
  options: WorkloadOptions,
): Promise<WorkloadResult> {
  const run = `${workload}-${process.hrtime.bigint().toString(36)}`;
  await prepare(target.host, target.port, run, 1000);
  const connections = await Promise.all(
    Array.from({ length: options.clients }, () => LoadConnection.open(target.host, target.port)),
  );
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const data = Buffer.alloc(options.dataBytes, 7);
  const start = Date.now();
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
  const result = {
    operations,
    errors,
    opsPerSecond: operations / (options.durationMs / 1000),
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
  };
  histogram.destroy();
  return result;
}
