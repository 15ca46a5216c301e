// The memory section's runs and table: Zoo standalone and 3-member, in memory and durable, each
// under the same tree-neutral write load, resident memory sampled along the way.

import { startZooEnsemble } from './ensemble-targets.js';
import { measureMemory, type MemoryTarget } from './memory-section.js';
import { startZoo } from './targets.js';

const samples = 10;

const configurations: { label: string; start: () => Promise<MemoryTarget> }[] = [
  { label: 'standalone, in memory', start: () => startZoo({ durable: false }) },
  { label: 'standalone, durable', start: () => startZoo({ durable: true }) },
  {
    label: '3 members, in memory',
    start: async () => {
      const target = await startZooEnsemble({ layout: 'processes', durable: false });
      return { ...target, endpoints: target.members };
    },
  },
  {
    label: '3 members, durable',
    start: async () => {
      const target = await startZooEnsemble({ layout: 'processes', durable: true });
      return { ...target, endpoints: target.members };
    },
  },
];

export async function memorySection(options: { writes: number; clients: number }): Promise<void> {
  process.stdout.write(
    `\n== memory\nResident memory (MiB, all server processes) under ${options.writes} writes ` +
      'that leave the tree the same size (setData, create+delete), sampled every ' +
      `${options.writes / samples} writes; ${options.clients} clients × 50 in flight.\n`,
  );
  for (const configuration of configurations) {
    const target = await configuration.start();
    const startedAt = Date.now();
    let curve: { writes: number; rssMib: number | null }[];
    try {
      curve = await measureMemory(target, { ...options, samples, depth: 50 });
    } finally {
      await target.stop();
    }
    const seconds = (Date.now() - startedAt) / 1000;
    const values = curve.map((point) => (point.rssMib === null ? '?' : point.rssMib.toFixed(0)));
    const settled = curve[Math.floor(curve.length / 2)]?.rssMib ?? null;
    const last = curve.at(-1)?.rssMib ?? null;
    const growth =
      settled === null || last === null ? 'unknown' : `${(last - settled).toFixed(0)} MiB`;
    process.stdout.write(
      `${configuration.label.padEnd(24)} ${values.join(' → ')}  ` +
        `(second half: ${growth}; ${(options.writes / seconds).toFixed(0)} writes/s)\n`,
    );
  }
}
