// The benchmark's recipe workloads: the recipes of @zoo/client/recipes, the same code against
// Zoo and Apache ZooKeeper, each contender its own client (client i on endpoint i mod n) doing
// one operation at a time — `counter` increments a Counter, `lock` acquires and releases a Lock,
// `ids` takes SequentialIdGenerator IDs. An operation is one whole recipe call (with its reads,
// writes and retries), so its latency is what an application waits for.

import { ErrorCode, ZooError, createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import { Counter, Lock, RetriesExhaustedError, SequentialIdGenerator } from '@zoo/client/recipes';
import type { Endpoint } from './targets.js';
import { cpuWindow, latencyHistogram, resultOf } from './measured-window.js';
import type { WindowOptions, WorkloadResult, WorkloadRunner } from './measured-window.js';

export const recipeWorkloadNames = ['counter', 'lock', 'ids'] as const;
export type RecipeWorkloadName = (typeof recipeWorkloadNames)[number];

const isRecipeWorkload = (name: string): name is RecipeWorkloadName =>
  (recipeWorkloadNames as readonly string[]).includes(name);

/** Opens `count` clients, client i on endpoint i mod n, and waits until each has a session. */
export async function openRecipeClients(
  endpoints: readonly Endpoint[],
  count: number,
): Promise<ZooClient[]> {
  const clients = Array.from({ length: count }, (_, index) => {
    const endpoint = endpoints[index % endpoints.length];
    if (endpoint === undefined) throw new Error('no endpoint to connect to');
    return createClient(`${endpoint.host}:${endpoint.port}`, { sessionTimeoutMs: 10_000 });
  });
  try {
    await Promise.all(clients.map((client) => client.ready()));
  } catch (error) {
    await closeAll(clients);
    throw error;
  }
  return clients;
}

export async function closeAll(clients: readonly ZooClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
}

/** Creates `path` and its parents, taking an existing node as made. */
export async function createPath(client: ZooClient, path: string): Promise<void> {
  const parts = path.split('/').filter((part) => part !== '');
  for (let end = 1; end <= parts.length; end += 1) {
    await client.create(`/${parts.slice(0, end).join('/')}`).catch((error: unknown) => {
      if (!(error instanceof ZooError && error.code === ErrorCode.NodeExists)) throw error;
    });
  }
}

/** One operation of contender `index`. */
type Operation = (index: number) => Promise<void>;

function operationFor(workload: RecipeWorkloadName, clients: ZooClient[], dir: string): Operation {
  switch (workload) {
    case 'counter': {
      const counters = clients.map((client) => new Counter(client, `${dir}/counter`));
      return async (index) => void (await counters[index]?.increment());
    }
    case 'lock': {
      const locks = clients.map((client) => new Lock(client, `${dir}/lock`));
      return async (index) => {
        const handle = await locks[index]?.acquire();
        await handle?.release();
      };
    }
    case 'ids': {
      const generators = clients.map((client) => new SequentialIdGenerator(client, `${dir}/ids`));
      return async (index) => void (await generators[index]?.next());
    }
  }
}

/** A contended counter can run out of retries: an error to count, not a failed benchmark. */
const isCountedError = (error: unknown): boolean => error instanceof RetriesExhaustedError;

/** `contenders` loops of the workload's operation; figures from the measured window only. */
export async function runRecipeWorkload(
  endpoints: readonly Endpoint[],
  run: { workload: RecipeWorkloadName; contenders: number; window: WindowOptions },
): Promise<WorkloadResult> {
  const { window } = run;
  const clients = await openRecipeClients(endpoints, run.contenders);
  try {
    const dir = `/bench/${run.workload}-${process.hrtime.bigint().toString(36)}`;
    const [first] = clients;
    if (first !== undefined) await createPath(first, dir);
    await Promise.all(clients.map((client) => client.sync(dir)));
    const operation = operationFor(run.workload, clients, dir);
    const histogram = latencyHistogram();
    const cpu = cpuWindow(window);
    const measureFrom = performance.now() + window.warmupMs;
    const stopAt = measureFrom + window.durationMs;
    let operations = 0;
    let errors = 0;
    const loop = async (index: number): Promise<void> => {
      while (performance.now() < stopAt) {
        const startedAt = performance.now();
        const isDone = await operation(index).then(
          () => true,
          (error: unknown) => {
            if (isCountedError(error)) return false;
            throw error;
          },
        );
        const now = performance.now();
        if (now < measureFrom || now >= stopAt) continue;
        if (!isDone) errors += 1;
        else {
          operations += 1;
          histogram.recordValue(Math.max(1, Math.round((now - startedAt) * 1000)));
        }
      }
    };
    await Promise.all(clients.map((_, index) => loop(index)));
    const cpuSeconds = cpu.secondsUsed();
    return resultOf({ histogram, operations, errors, durationMs: window.durationMs, cpuSeconds });
  } finally {
    await closeAll(clients);
  }
}

/** The runner the throughput section drives: the load level is the number of contenders. */
export const recipeRunner: WorkloadRunner = async (endpoints, { workload, level, window }) => {
  if (!isRecipeWorkload(workload)) throw new Error(`not a recipe workload: ${workload}`);
  return runRecipeWorkload(endpoints, { workload, contenders: level, window });
};
