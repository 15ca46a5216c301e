// The memory section's runs and table: Zoo standalone and 3-member, in memory and durable, each
// under the same tree-neutral write load, every member's resident memory sampled along the way
// and its heap after a forced GC at the end (the heap probe, heap-probe.ts).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startZooEnsemble } from './ensemble-targets.js';
import { measureMemory, type MemorySample, type MemoryTarget } from './memory-section.js';
import { startZoo } from './targets.js';

const samples = 10;

/** A started configuration: its members' names, and their heaps after a full GC. */
interface MemoryRun extends MemoryTarget {
  memberNames(): Promise<string[]>;
  heapsAfterGcMib(): Promise<(number | null)[]>;
}

async function standalone(durable: boolean): Promise<MemoryRun> {
  const dir = await mkdtemp(join(tmpdir(), 'zoo-bench-memory-'));
  const target = await startZoo({ durable, heapProbeFile: join(dir, 'heap') });
  return {
    ...target,
    memberNames: async () => ['server'],
    heapsAfterGcMib: async () => [(await target.heapAfterGcMib?.()) ?? null],
    stop: async () => {
      await target.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function ensemble(durable: boolean): Promise<MemoryRun> {
  const target = await startZooEnsemble({ layout: 'processes', durable, heapProbe: true });
  const ask = (id: number) => target.heapAfterGcMib?.(id) ?? Promise.resolve(null);
  return {
    ...target,
    endpoints: target.members,
    memberNames: async () => {
      const leader = await target.leader();
      return target.members.map((m) => `member ${m.id}${m.id === leader ? ' (leader)' : ''}`);
    },
    heapsAfterGcMib: () => Promise.all(target.members.map((member) => ask(member.id))),
  };
}

const configurations: { label: string; start: () => Promise<MemoryRun> }[] = [
  { label: 'standalone, in memory', start: () => standalone(false) },
  { label: 'standalone, durable', start: () => standalone(true) },
  { label: '3 members, in memory', start: () => ensemble(false) },
  { label: '3 members, durable', start: () => ensemble(true) },
];

const mib = (value: number | null | undefined): string =>
  value === null || value === undefined ? '?' : value.toFixed(0);

/** One member's curve, its growth over the second half, and its heap after GC at the end. */
function memberLine(name: string, curve: readonly MemorySample[], member: number, heap: string) {
  const values = curve.map((sample) => sample.rssMib[member] ?? null);
  const settled = values[Math.floor(values.length / 2)] ?? null;
  const last = values.at(-1) ?? null;
  const growth = settled === null || last === null ? '?' : (last - settled).toFixed(0);
  return (
    `  ${name.padEnd(18)} ${values.map(mib).join(' → ')}  ` +
    `(second half: ${growth} MiB; heap+buffers after GC at the end: ${heap} MiB)\n`
  );
}

async function runConfiguration(label: string, run: MemoryRun, writes: number, clients: number) {
  const startedAt = Date.now();
  const namesBefore = await run.memberNames();
  const curve = await measureMemory(run, { writes, clients, samples, depth: 50 }, (sample) =>
    process.stderr.write(
      `memory: ${label}: ${sample.writes} writes, RSS ` +
        `${sample.rssMib.map(mib).join(', ')} MiB\n`,
    ),
  );
  const seconds = (Date.now() - startedAt) / 1000;
  const names = await run.memberNames();
  const heaps = await run.heapsAfterGcMib();
  const moved = names.join() === namesBefore.join() ? '' : `; was ${namesBefore.join(', ')}`;
  process.stdout.write(`${label} (${(writes / seconds).toFixed(0)} writes/s${moved})\n`);
  names.forEach((name, member) =>
    process.stdout.write(memberLine(name, curve, member, mib(heaps[member]))),
  );
}

export async function memorySection(options: { writes: number; clients: number }): Promise<void> {
  process.stdout.write(
    `\n== memory\nResident memory (MiB) of every server process under ${options.writes} writes ` +
      'that leave the tree the same size (setData, create+delete), sampled every ' +
      `${options.writes / samples} writes; ${options.clients} clients × 50 in flight.\n`,
  );
  for (const configuration of configurations) {
    const run = await configuration.start();
    try {
      await runConfiguration(configuration.label, run, options.writes, options.clients);
    } finally {
      await run.stop();
    }
  }
}
