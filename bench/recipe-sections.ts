// The standalone sections of `pnpm bench` that time one event rather than a rate: lock hand-over
// with N waiters, LeaderLatch fail-over after the leader's session closes, and memory per znode
// with a million znodes. Each system runs alone on a fresh standalone server, Zoo first.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare } from './compare.js';
import { startZoo } from './targets.js';
import type { RunningTarget } from './targets.js';
import { measureLockHandover } from './lock-handover.js';
import { measureLatchFailover } from './latch-failover.js';
import { measureZnodeMemory } from './znode-memory.js';
import { printDistributions, printTable } from './report.js';
import { distributionOf } from './results.js';
import type { SystemName, ZnodeMemory } from './results.js';
import { advanceProgress, note, startProgress, stopProgress } from './progress.js';
import { reportMissing, standaloneStarters, zooEnsembleOptionsOf } from './system-sections.js';
import type { SectionContext } from './system-sections.js';

/** Runs `step` for each item on each system in turn (Zoo first), each on a fresh server. */
async function onEachSystem<S>(
  context: SectionContext,
  options: {
    section: string;
    steps: readonly S[];
    starters?: readonly (() => Promise<RunningTarget | null>)[];
  },
  step: (target: RunningTarget, item: S) => Promise<void>,
): Promise<void> {
  process.stdout.write(`\n== ${options.section}\n`);
  startProgress(options.section, options.steps.length * 2);
  const ran = await compare({
    isSequential: !context.flags.together,
    settleMs: 1000,
    starters: options.starters ?? standaloneStarters(context.flags),
    steps: options.steps,
    step: async (target, item) => {
      await step(target, item);
      advanceProgress(`${target.name} ${String(item)}`);
    },
  }).finally(stopProgress);
  reportMissing(context.flags, ran);
}

export async function handoverSection(context: SectionContext): Promise<void> {
  const { flags, results } = context;
  const found = results.distributions.length;
  await onEachSystem(context, { section: 'handover', steps: flags.waiters }, async (target, n) => {
    const samplesMs = await measureLockHandover(target.endpoints, {
      waiters: n,
      handovers: flags.handovers,
      timeoutMs: 120_000,
    });
    const label = `Lock hand-over, ${n} waiter${n === 1 ? '' : 's'}`;
    note(`  ${target.name} ${label}: ${samplesMs.length} samples`);
    const system = target.name as SystemName;
    results.distributions.push(distributionOf({ section: 'handover', label, system, samplesMs }));
  });
  printDistributions(
    'Lock hand-over: holder starts its release → next waiter holds (ms), one server',
    results.distributions.slice(found),
  );
}

export async function leaderSection(context: SectionContext): Promise<void> {
  const { flags, results } = context;
  const found = results.distributions.length;
  const participants = flags.participants;
  await onEachSystem(context, { section: 'leader', steps: [participants] }, async (target) => {
    const samplesMs = await measureLatchFailover(target.endpoints, {
      participants,
      rounds: flags.latchRounds,
      timeoutMs: 60_000,
    });
    const label = `LeaderLatch fail-over, ${participants} participants`;
    const system = target.name as SystemName;
    results.distributions.push(distributionOf({ section: 'leader', label, system, samplesMs }));
  });
  printDistributions(
    "LeaderLatch: leader's session close starts → next participant leads (ms), one server",
    results.distributions.slice(found),
  );
}

const mib = (value: number | null): string => (value === null ? '-' : value.toFixed(0));
const bytes = (value: number | null): string => (value === null ? '-' : value.toFixed(0));

export async function znodesSection(context: SectionContext): Promise<void> {
  const { flags, results } = context;
  const measured: ZnodeMemory[] = [];
  const section = { section: 'znodes', steps: [flags.znodes] };
  const probeFile = join(tmpdir(), `zoo-bench-heap-${process.pid}`);
  const starters = [
    // The probe answers SIGUSR2 with the heap after a full GC, as jcmd does for the JVM.
    () => startZoo({ ...zooEnsembleOptionsOf(flags), heapProbeFile: probeFile }),
    ...standaloneStarters(flags).slice(1),
  ];
  await onEachSystem(context, { ...section, starters }, async (target) => {
    const options = { count: flags.znodes, dataBytes: flags.data, clients: flags.clients };
    measured.push(await measureZnodeMemory(target, options));
  });
  results.znodeMemory.push(...measured);
  process.stdout.write(
    `\nMemory per znode: ${flags.znodes.toLocaleString('en-US')} znodes of ${flags.data} ` +
      'bytes (1,000 per parent), state before and after; heap (with buffers) after a full GC\n',
  );
  printTable(
    [
      'system',
      'RSS before',
      'RSS after',
      'RSS B/znode',
      'heap before',
      'heap after',
      'heap B/znode',
    ],
    measured.map((item) => [
      item.system,
      `${mib(item.rssBeforeMib)} MiB`,
      `${mib(item.rssAfterMib)} MiB`,
      bytes(item.rssBytesPerZnode),
      `${mib(item.heapBeforeMib)} MiB`,
      `${mib(item.heapAfterMib)} MiB`,
      bytes(item.heapBytesPerZnode),
    ]),
  );
}
