// `pnpm bench`: Zoo standalone against Apache ZooKeeper 3.8 standalone on this machine, in the
// same run: creates, sets and gets by pipelining clients; throughput, p50/p99 and the ratios.

import { Command } from 'commander';
import { runWorkload } from './workloads.js';
import type { WorkloadName, WorkloadResult } from './workloads.js';
import { startReference, startZoo } from './targets.js';
import type { RunningTarget } from './targets.js';

const program = new Command()
  .name('zoo-bench')
  .option('--clients <n>', 'pipelining clients', Number, 8)
  .option('--depth <n>', 'requests in flight per client', Number, 50)
  .option('--seconds <s>', 'measured seconds per workload', Number, 5)
  .option('--warmup <s>', 'warm-up seconds per workload', Number, 2)
  .option('--data <bytes>', 'bytes of data per create/set', Number, 100)
  .option('--workloads <list>', 'create,set,get', 'create,set,get')
  .option('--no-reference', 'skip Apache ZooKeeper')
  .parse();

const flags = program.opts<{
  clients: number;
  depth: number;
  seconds: number;
  warmup: number;
  data: number;
  workloads: string;
  reference: boolean;
}>();
const workloads = flags.workloads.split(',') as WorkloadName[];
const options = {
  clients: flags.clients,
  depth: flags.depth,
  durationMs: flags.seconds * 1000,
  warmupMs: flags.warmup * 1000,
  dataBytes: flags.data,
};

async function measure(target: RunningTarget): Promise<Map<WorkloadName, WorkloadResult>> {
  const results = new Map<WorkloadName, WorkloadResult>();
  for (const workload of workloads) {
    results.set(workload, await runWorkload(target, workload, options));
    process.stderr.write(`  ${target.name} ${workload} done\n`);
  }
  return results;
}

async function withTarget(start: () => Promise<RunningTarget | null>) {
  const target = await start();
  if (target === null) return null;
  try {
    return await measure(target);
  } finally {
    await target.stop();
  }
}

const fixed = (value: number, digits = 0): string => value.toFixed(digits);
process.stderr.write(
  `bench: ${flags.clients} clients × ${flags.depth} in flight, ` +
    `${flags.seconds}s per workload after ${flags.warmup}s warm-up, ${flags.data}-byte data\n`,
);
const zoo = await withTarget(startZoo);
const reference = flags.reference ? await withTarget(startReference) : null;
if (flags.reference && reference === null) {
  process.stdout.write(
    'Apache ZooKeeper is not installed (apt-get install zookeeper): Zoo figures only\n',
  );
}
const header = [
  'workload',
  'zoo ops/s',
  'zk ops/s',
  'ratio',
  'zoo p50',
  'zk p50',
  'zoo p99',
  'zk p99',
  'p99 ratio',
];
const rows = workloads.map((workload) => {
  const z = zoo?.get(workload);
  const r = reference?.get(workload);
  if (z === undefined) return [workload, 'n/a'];
  if (z.errors > 0) process.stdout.write(`warning: zoo ${workload} had ${z.errors} errors\n`);
  return [
    workload,
    fixed(z.opsPerSecond),
    r ? fixed(r.opsPerSecond) : '-',
    r ? `${fixed(z.opsPerSecond / r.opsPerSecond, 2)}x` : '-',
    `${fixed(z.p50Ms, 2)}ms`,
    r ? `${fixed(r.p50Ms, 2)}ms` : '-',
    `${fixed(z.p99Ms, 2)}ms`,
    r ? `${fixed(r.p99Ms, 2)}ms` : '-',
    r ? `${fixed(z.p99Ms / r.p99Ms, 2)}x` : '-',
  ];
});
const widths = header.map((_, column) =>
  Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
);
for (const row of [header, ...rows]) {
  process.stdout.write(
    `${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`,
  );
}
