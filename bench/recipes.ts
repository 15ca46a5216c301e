// `npx tsx --conditions=zoo-source bench/recipes.ts`: the recipes of @zoo/client/recipes on Zoo
// beside the same recipe on Apache ZooKeeper 3.8, in one run — Counter increments/s with 1, 8
// and 32 contenders (each its own client), and IDs/s of each ID generator. Each system is a
// standalone child process started as `pnpm bench` starts it (bench/targets.ts), one at a time;
// ZooKeeper without fsync, Zoo in memory, as `pnpm bench` compares them by default.

import { Command } from 'commander';
import { createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import {
  Counter,
  RetriesExhaustedError,
  SegmentIdGenerator,
  SequentialIdGenerator,
  SnowflakeIdGenerator,
} from '@zoo/client/recipes';
import { parseCount, parseDepths } from './cli-lists.js';
import { startReference, startZoo } from './targets.js';
import type { RunningTarget } from './targets.js';

const flags = new Command()
  .name('zoo-bench-recipes')
  .option('--seconds <s>', 'measured seconds per figure', Number, 2)
  .option('--contenders <list>', 'counter contenders, one client each', parseDepths, [1, 8, 32])
  .option('--id-clients <n>', 'clients taking sequential-node IDs', parseCount, 8)
  .option('--no-reference', 'skip Apache ZooKeeper')
  .parse()
  .opts<{ seconds: number; contenders: number[]; idClients: number; reference: boolean }>();

const measuredMs = flags.seconds * 1000;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Completions per second of `loops` concurrent loops of `step` within the measured time; a step
 * that returns a number completed that many. Steps still running at the deadline are waited
 * for but not counted, so one long retry at the end does not stretch the window.
 */
async function perSecond(
  loops: number,
  step: (loop: number) => Promise<number | void>,
): Promise<number> {
  const deadline = performance.now() + measuredMs;
  let done = 0;
  const run = async (loop: number): Promise<void> => {
    while (performance.now() < deadline) {
      const completed = (await step(loop)) ?? 1;
      if (performance.now() <= deadline) done += completed;
      // In-memory IDs never wait for I/O: let the event loop in now and then.
      if (done % 4096 === 0) await nextTurn();
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, loop) => run(loop)));
  return (done * 1000) / measuredMs;
}

async function withClients<T>(
  target: RunningTarget,
  count: number,
  body: (clients: ZooClient[]) => Promise<T>,
): Promise<T> {
  const endpoint = target.endpoints[0];
  if (endpoint === undefined) throw new Error(`${target.name} has no endpoint`);
  const connectString = `${endpoint.host}:${endpoint.port}`;
  const clients = Array.from({ length: count }, () =>
    createClient(connectString, { sessionTimeoutMs: 10_000 }),
  );
  try {
    await Promise.all(clients.map((client) => client.ready()));
    return await body(clients);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** Every figure of one system, by row label. */
async function measure(target: RunningTarget): Promise<Map<string, number>> {
  const figures = new Map<string, number>();
  for (const contenders of flags.contenders) {
    figures.set(
      `Counter increments/s, ${contenders} contenders`,
      await withClients(target, contenders, (clients) => {
        const path = `/bench/counter-${contenders}`;
        const counters = clients.map((client) => new Counter(client, path));
        return perSecond(contenders, async (loop) => {
          await counters[loop]?.increment().catch((error: unknown) => {
            if (!(error instanceof RetriesExhaustedError)) throw error;
          });
        });
      }),
    );
  }
  figures.set(
    `Sequential-node IDs/s, ${flags.idClients} clients`,
    await withClients(target, flags.idClients, (clients) => {
      const generators = clients.map((client) => new SequentialIdGenerator(client, '/bench/seq'));
      return perSecond(clients.length, async (loop) => void (await generators[loop]?.next()));
    }),
  );
  figures.set(
    'Segment IDs/s, 1 generator (ranges included)',
    await withClients(target, 1, async ([client]) => {
      if (client === undefined) throw new Error('no client');
      const generator = new SegmentIdGenerator(client, '/bench/segment');
      await generator.next();
      return perSecond(1, async () => void (await generator.next()));
    }),
  );
  const snowflake = await withClients(target, 1, async ([client]) => {
    if (client === undefined) throw new Error('no client');
    const generator = new SnowflakeIdGenerator(client, '/bench/snowflake');
    await generator.lease();
    const one = await perSecond(1, async () => void (await generator.next()));
    const batched = await perSecond(1, async () => (await generator.nextBatch(4096)).length);
    await generator.release();
    return { one: one / 1000, batched: batched / 1000 };
  });
  figures.set('Snowflake IDs/ms, 1 generator, next()', snowflake.one);
  figures.set('Snowflake IDs/ms, 1 generator, nextBatch(4096)', snowflake.batched);
  return figures;
}

function printTable(zoo: Map<string, number>, reference: Map<string, number> | null): void {
  const format = (value: number | undefined): string =>
    value === undefined ? '—' : Math.round(value).toLocaleString('en-US');
  const rows = [...zoo.keys()].map((label) => {
    const ours = zoo.get(label);
    const theirs = reference?.get(label);
    const ratio = ours !== undefined && theirs ? `${(ours / theirs).toFixed(2)}×` : '—';
    return [label, format(ours), format(theirs), ratio];
  });
  const header = ['', 'Zoo', 'ZooKeeper 3.8', 'Zoo / ZK'];
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]?.length ?? 0)));
  for (const row of [header, ...rows]) {
    const cells = row.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0),
    );
    process.stdout.write(`${cells.join('  ')}\n`);
  }
}

async function measureTarget(start: () => Promise<RunningTarget | null>) {
  const target = await start();
  if (target === null) return null;
  process.stdout.write(`${target.description}\n`);
  try {
    return await measure(target);
  } finally {
    await target.stop();
  }
}

const zoo = await measureTarget(() => startZoo());
const reference = flags.reference
  ? await measureTarget(() => startReference({ forceSync: false }))
  : null;
if (zoo !== null) printTable(zoo, reference);
if (flags.reference && reference === null) {
  process.stdout.write('Apache ZooKeeper is not installed (apt-get install zookeeper)\n');
}
