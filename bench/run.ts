// `pnpm bench`: Zoo against Apache ZooKeeper 3.8 on this machine — standalone and 3-server
// ensemble throughput of the wire workloads (create, set, get, mixed 90/10) with p50/p99/p999
// and server CPU per operation at each pipeline depth; the recipes (counter, lock, ids) at each
// number of contenders; throughput from 1 to 64 clients; lock hand-over, LeaderLatch fail-over
// and ensemble leader failover times; memory per znode with a million znodes. `--sections`
// picks what runs; `pnpm bench --help` lists every option.
// Fairness: both systems are child processes started alike (same session and autogroup); by
// default only one system runs at a time, and each repetition starts it fresh, warms it with
// every workload until two passes agree within 10 %, measures every workload at every load and
// stops it, alternating Zoo and ZooKeeper rep by rep (a restart per rep costs a few seconds on
// 2 cores but makes the reps independent and keeps drift in the machine's load on both sides).
// The tables give medians with min–max and Zoo/ZooKeeper ratios of the medians; the results are
// also written as JSON and as an HTML page with charts (`--out`, bench/results by default).

import os from 'node:os';
import { parseFlags } from './options.js';
import type { Section } from './options.js';
import { memorySection } from './memory-report.js';
import { emptyResults } from './results.js';
import { writeResults } from './results-file.js';
import {
  ensembleSection,
  failoverSection,
  recipesSection,
  scalingSection,
  standaloneSection,
} from './system-sections.js';
import type { SectionContext } from './system-sections.js';
import { handoverSection, leaderSection, znodesSection } from './recipe-sections.js';
import { recoverySection } from './recovery-section.js';

const flags = parseFlags();
if (flags.zooEnsemble !== 'processes' && flags.zooEnsemble !== 'one-process') {
  process.stderr.write('--zoo-ensemble must be processes or one-process\n');
  process.exit(2);
}
// ZooKeeper's default is forceSync=yes: the durable comparison uses it.
if (flags.durable) flags.zkForceSync = true;

const depths = flags.depth.join(' and ');
process.stderr.write(
  `bench: sections ${flags.sections.join(',')}; ${flags.clients} clients × ${depths} ` +
    `in flight, ${flags.reps} reps of ${flags.seconds}s per workload and load, ` +
    `${flags.data}-byte data\n`,
);
const startedAt = new Date();
const loadAverage = (): number[] => os.loadavg().map((value) => Number(value.toFixed(2)));
const order = flags.together
  ? 'both systems up together for the whole section, runs interleaved zoo, zk'
  : 'one system up at a time, reps alternating zoo, zk, each rep on a fresh start';
const method =
  `Method: ${order}; ${flags.reps} reps per system. Warm-up on every start: each workload ` +
  `at the heaviest load in ${flags.warmup}s passes until two agree within 10 % (at most ` +
  `${flags.warmupPasses}). Each measured run: ${flags.seconds}s after a ${flags.ramp}s ramp. ` +
  'Same load generator and clients for both; every table states clients × requests in flight.';
process.stdout.write(
  `Machine: ${os.availableParallelism()} cores, load average ${loadAverage().join(' ')} ` +
    `at the start.\n${method}\n`,
);
const results = emptyResults({
  startedAt,
  cores: os.availableParallelism(),
  loadAverage: loadAverage(),
  command: process.argv.slice(2),
  method,
});
const context: SectionContext = { flags, results };
const sections: Record<Section, (context: SectionContext) => Promise<void>> = {
  standalone: standaloneSection,
  ensemble: ensembleSection,
  failover: failoverSection,
  recipes: recipesSection,
  scaling: scalingSection,
  handover: handoverSection,
  leader: leaderSection,
  znodes: znodesSection,
  memory: () => memorySection({ writes: flags.memoryWrites, clients: flags.clients }),
  recovery: recoverySection,
};
try {
  for (const section of flags.sections) await sections[section](context);
} finally {
  // Whatever ran is written, even when a later section failed.
  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageAtEnd = loadAverage();
  const written = await writeResults(flags.out, results);
  process.stdout.write(`\nResults: ${written.join(', ')}\n`);
}
process.stdout.write(
  `\nTargets (issue 3): zoo ≥ 1.5x zk throughput, zoo p99 ≤ zk p99, failover ≤ 0.5x zk.\n` +
    `Bench took ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s; load average ` +
    `${loadAverage().join(' ')} at the end (other processes on this machine skew both ` +
    'systems).\n',
);
