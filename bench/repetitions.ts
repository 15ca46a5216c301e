// Runs repeated measurements of Zoo and Apache ZooKeeper. By default one system at a time: each
// repetition starts a fresh system, warms it, measures it, stops it, then does the same for the
// other (Zoo rep 1, ZooKeeper rep 1, Zoo rep 2, …), so neither pays for the other's idle
// processes and drift in the machine's load spreads over both. `isTogether` keeps both up for
// the whole section instead and interleaves the repetitions (the older way, for comparison).

import { note } from './progress.js';

export interface RepeatedSystem {
  name: string;
  /** How it runs, printed when it first starts. */
  description: string;
  pids(): number[];
  stop(): Promise<void>;
}

export interface Repetitions<T extends RepeatedSystem> {
  /** Starters, Zoo first; a starter resolving null means that system is not installed. */
  starters: readonly (() => Promise<T | null>)[];
  reps: number;
  isTogether: boolean;
  /** Runs once on each freshly started system, before it is measured (the warm-up). */
  prepare: (server: T, rep: number) => Promise<void>;
  measure: (server: T, rep: number) => Promise<void>;
  /** Printed beside a system's description when it first starts (how it is scheduled). */
  describeStart: (server: T) => string;
  /** Pause after stopping a system, so its exit's work does not land on the next one's start. */
  settleMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function announce<T extends RepeatedSystem>(server: T, repetitions: Repetitions<T>): void {
  note(`${server.description}\n  ${repetitions.describeStart(server)}`, process.stdout);
}

async function oneAtATime<T extends RepeatedSystem>(repetitions: Repetitions<T>) {
  const { starters, reps } = repetitions;
  const ran = starters.map(() => true);
  for (let rep = 1; rep <= reps; rep += 1) {
    for (const [index, start] of starters.entries()) {
      if (!ran[index]) continue;
      const server = await start();
      if (server === null) {
        ran[index] = false;
        continue;
      }
      if (rep === 1) announce(server, repetitions);
      try {
        await repetitions.prepare(server, rep);
        await repetitions.measure(server, rep);
      } finally {
        await server.stop();
      }
      await sleep(repetitions.settleMs);
    }
  }
  return ran;
}

async function together<T extends RepeatedSystem>(repetitions: Repetitions<T>) {
  const servers: (T | null)[] = [];
  try {
    for (const start of repetitions.starters) {
      const server = await start();
      if (server !== null) announce(server, repetitions);
      servers.push(server);
    }
    for (const server of servers) if (server !== null) await repetitions.prepare(server, 1);
    for (let rep = 1; rep <= repetitions.reps; rep += 1) {
      for (const server of servers) if (server !== null) await repetitions.measure(server, rep);
    }
  } finally {
    for (const server of servers) await server?.stop();
  }
  return servers.map((server) => server !== null);
}

/** Returns, per starter, whether its system ran. */
export async function repeat<T extends RepeatedSystem>(
  repetitions: Repetitions<T>,
): Promise<boolean[]> {
  return repetitions.isTogether ? together(repetitions) : oneAtATime(repetitions);
}
