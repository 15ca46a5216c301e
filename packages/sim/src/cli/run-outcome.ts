// What one run of `pnpm sim` came to (a result, or what the simulator threw), how it is told,
// and where its report folder goes.

import { join } from 'node:path';
import type { Scenario, SimResult } from '../scenario.js';
import { writeCrashReport, writeReport } from '../report/write-report.js';

/** Whatever runs a scenario: the CLI's loaded simulator, or a test's double. */
export interface SimRunner {
  simulate(scenario: Scenario): Promise<SimResult>;
}

/** A run's result, or what the simulator threw (an AssertionError is a bug in Zoo). */
export type Outcome = { result: SimResult } | { error: unknown };

export function simulateOutcome(deps: SimRunner, scenario: Scenario): Promise<Outcome> {
  return deps.simulate(scenario).then(
    (result): Outcome => ({ result }),
    (error: unknown): Outcome => ({ error }),
  );
}

export function describeOutcome(outcome: Outcome): string {
  if ('error' in outcome) return `crashed the simulator: ${describeError(outcome.error)}`;
  const count = outcome.result.violations.length;
  // A shrunk counterexample that passes when run again means the simulation is not deterministic.
  return count === 0 ? 'passed (not deterministic?)' : `failed with ${count} violations`;
}

/** Writes the report folder of a run, or of a simulator crash; answers the replay command. */
export async function writeRunReport(
  folder: string,
  run: { scenario: Scenario; outcome: Outcome; shrinkPath?: string },
): Promise<string> {
  const replayCommand = `pnpm sim --replay ${shellQuote(join(folder, 'scenario.json'))}`;
  const { scenario, outcome, shrinkPath } = run;
  if ('error' in outcome) {
    await writeCrashReport(folder, { scenario, error: outcome.error, replayCommand });
  } else {
    const extra = shrinkPath === undefined || shrinkPath === '' ? {} : { shrinkPath };
    await writeReport(folder, outcome.result, { replayCommand, ...extra });
  }
  return replayCommand;
}

export function reportFolder(
  context: { now: () => number; options: { reportDir: string } },
  scenario: Scenario,
): string {
  const stamp = new Date(context.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return join(context.options.reportDir, `seed-${scenario.seed}-${stamp}`);
}

function shellQuote(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
