// Runs a sweep's scenarios on N runners at once (worker threads, or in this thread for one) and
// hands their summaries back strictly in scenario order, so the totals, the first failure and
// the digest are the same for any number of workers. The caller stops the sweep at a failure.

import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenario.js';
import type { RunSummary } from './run-tally.js';

export interface ScenarioRunner {
  run(scenario: Scenario): Promise<RunSummary>;
  close(): Promise<void>;
}

export interface SweepOptions {
  scenarios: readonly Scenario[];
  runners: readonly ScenarioRunner[];
  /**
   * Called once per run, in scenario order, as soon as that run and every one before it are
   * done; answering false stops the sweep (runs after it that were already going are dropped).
   */
  onRun: (index: number, summary: RunSummary) => boolean;
}

/** Runs the sweep; answers when every runner is idle. Closes nothing: the caller owns runners. */
export async function sweep(options: SweepOptions): Promise<void> {
  const { scenarios, runners, onRun } = options;
  const done = new Map<number, RunSummary>();
  let nextToStart = 0;
  let nextToReport = 0;
  let isStopped = false;
  const report = (): void => {
    for (let summary = done.get(nextToReport); summary !== undefined && !isStopped;) {
      done.delete(nextToReport);
      isStopped = !onRun(nextToReport, summary);
      nextToReport += 1;
      summary = done.get(nextToReport);
    }
  };
  const work = async (runner: ScenarioRunner): Promise<void> => {
    while (!isStopped && nextToStart < scenarios.length) {
      const index = nextToStart;
      nextToStart += 1;
      done.set(index, await runner.run(scenarios[index] as Scenario));
      report();
    }
  };
  await Promise.all(runners.map(work));
}

/** A runner in this thread: what one worker does, and what tests use with a simulate double. */
export function inThreadRunner(simulate: (scenario: Scenario) => Promise<RunSummary>) {
  const runner: ScenarioRunner = { run: simulate, close: () => Promise.resolve() };
  return runner;
}

/** What the main thread sends a worker, and what the worker answers. */
export interface WorkerRequest {
  scenario: Scenario;
}

/**
 * A runner on a worker thread that runs `sim-worker`. From TypeScript sources (`pnpm sim` runs
 * under tsx) a worker does not inherit tsx's loader hooks, so the worker first registers tsx
 * through its API and then imports the entry; from built JavaScript it starts the entry itself.
 */
export function workerRunner(): ScenarioRunner {
  const worker = startWorker();
  let pending: { resolve: (summary: RunSummary) => void; reject: (error: Error) => void } | null =
    null;
  let failure: Error | null = null;
  let isClosing = false;
  const fail = (error: Error): void => {
    failure ??= error;
    pending?.reject(failure);
    pending = null;
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!isClosing) fail(new Error(`a simulator worker exited with code ${code}`));
  });
  worker.on('message', (summary: RunSummary) => {
    pending?.resolve(summary);
    pending = null;
  });
  return {
    run: (scenario) =>
      new Promise<RunSummary>((resolve, reject) => {
        if (failure !== null) return reject(failure);
        pending = { resolve, reject };
        const request: WorkerRequest = { scenario };
        worker.postMessage(request);
      }),
    close: async () => {
      isClosing = true;
      await worker.terminate();
    },
  };
}

/**
 * A run allocates many short-lived objects; a young generation of 2 × 32 MB (V8's default is
 * 2 × 16) cut the CPU time of a run by about a tenth in measurements, and 2 × 64 MB about a
 * twelfth more (issue #16). `pnpm sim` gives the main thread the same with
 * --max-semi-space-size=64.
 */
const workerLimits = { maxYoungGenerationSizeMb: 192 };

function startWorker(): Worker {
  const isSource = import.meta.url.endsWith('.ts');
  const entry = new URL(isSource ? './sim-worker.ts' : './sim-worker.js', import.meta.url);
  if (!isSource) return new Worker(entry, { resourceLimits: workerLimits });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, resourceLimits: workerLimits });
}
