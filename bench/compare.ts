// Runs the same steps (the failover section's rounds) on Zoo and on Apache ZooKeeper: sequential,
// one system alive at a time (the default), or interleaved (`--together`) — both running, each
// step on one system then the other. Throughput sections repeat through repetitions.ts instead.

export interface ComparedServer {
  name: string;
  /** How it runs, printed beside its figures. */
  description: string;
  stop(): Promise<void>;
}

export interface Comparison<T extends ComparedServer, S> {
  /** Starters, Zoo first; a starter resolving null means that system is not installed. */
  starters: readonly (() => Promise<T | null>)[];
  steps: readonly S[];
  step: (server: T, step: S) => Promise<void>;
  isSequential: boolean;
  /** Pause after each step so a server's after-work (JIT, GC) does not land on the next. */
  settleMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startAll<T extends ComparedServer>(
  starters: readonly (() => Promise<T | null>)[],
): Promise<(T | null)[]> {
  const servers: (T | null)[] = [];
  try {
    for (const start of starters) {
      const server = await start();
      if (server !== null) process.stdout.write(`${server.description}\n`);
      servers.push(server);
    }
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
  return servers;
}

async function stopAll(servers: readonly (ComparedServer | null)[]): Promise<void> {
  for (const server of servers) await server?.stop();
}

/** Returns, per starter, whether its system ran. */
export async function compare<T extends ComparedServer, S>(
  comparison: Comparison<T, S>,
): Promise<boolean[]> {
  const { steps, step, settleMs } = comparison;
  if (comparison.isSequential) {
    const ran: boolean[] = [];
    for (const start of comparison.starters) {
      const [server = null] = await startAll([start]);
      ran.push(server !== null);
      if (server === null) continue;
      try {
        for (const item of steps) await step(server, item).then(() => sleep(settleMs));
      } finally {
        await server.stop();
      }
    }
    return ran;
  }
  const servers = await startAll(comparison.starters);
  try {
    for (const item of steps) {
      for (const server of servers) {
        if (server !== null) await step(server, item).then(() => sleep(settleMs));
      }
    }
  } finally {
    await stopAll(servers);
  }
  return servers.map((server) => server !== null);
}
