// `--sections recovery` (recovery.ts): each system in turn, Zoo first, alone on the machine;
// the times go into the results as distributions of the section 'recovery'.

import { measureRecovery } from './recovery.js';
import type { RecoveryTimings } from './recovery.js';
import {
  buildCompiledZoo,
  zooKeeperRecoverySystem,
  zooRecoverySystem,
} from './recovery-servers.js';
import type { RecoverySystem } from './recovery-servers.js';
import { printDistributions } from './report.js';
import { distributionOf } from './results.js';
import type { Distribution, SystemName } from './results.js';
import { startProgress, stopProgress } from './progress.js';
import type { SectionContext } from './system-sections.js';

function distributionsOf(system: SystemName, count: number, timings: RecoveryTimings) {
  const znodes = `${count.toLocaleString('en-US')} znodes`;
  const cpu = (items: readonly { cpuMs: number | null }[]): number[] =>
    items.flatMap((item) => (item.cpuMs === null ? [] : [item.cpuMs]));
  const of = (label: string, samplesMs: readonly number[]): Distribution =>
    distributionOf({ section: 'recovery', label, system, samplesMs });
  return [
    of('empty data dir: wall', [timings.empty.wallMs]),
    of('empty data dir: CPU', cpu([timings.empty])),
    of(
      `${znodes}: wall`,
      timings.recovered.map((item) => item.wallMs),
    ),
    of(`${znodes}: CPU`, cpu(timings.recovered)),
  ];
}

export async function recoverySection(context: SectionContext): Promise<void> {
  const { flags, results } = context;
  const reference = flags.reference ? zooKeeperRecoverySystem() : null;
  const systems: RecoverySystem[] = [zooRecoverySystem(), ...(reference ? [reference] : [])];
  if (flags.reference && reference === null) {
    process.stdout.write('Apache ZooKeeper is not installed (apt-get install zookeeper)\n');
  }
  process.stdout.write('\n== recovery\n');
  process.stdout.write('building the server package (tsc -b packages/server)\n');
  buildCompiledZoo();
  startProgress('recovery', systems.length * (2 + flags.reps));
  const found = results.distributions.length;
  try {
    for (const system of systems) {
      process.stdout.write(`${system.description}\n`);
      const options = {
        count: flags.znodes,
        dataBytes: flags.data,
        clients: flags.clients,
        reps: flags.reps,
      };
      const timings = await measureRecovery(system, options);
      results.distributions.push(...distributionsOf(system.name, flags.znodes, timings));
    }
  } finally {
    stopProgress();
  }
  printDistributions(
    `Start → first read served (ms), standalone, durable; ${flags.data}-byte znodes, ` +
      '1,000 per parent; wall time and the server process’s CPU time',
    results.distributions.slice(found),
  );
}
