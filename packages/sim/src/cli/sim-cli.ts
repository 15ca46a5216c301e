// `pnpm sim`: checks many simulated scenarios as one fast-check property (shrinking a failure to
// a small scenario and writing its report folder), or replays one scenario.json with --replay.
// Exit code 0: no violations; 1: a violation (or a crash of the simulator); 2: bad input.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import fc from 'fast-check';
import {
  faultKinds,
  plantedBugs,
  type FaultKind,
  type Scenario,
  type SimResult,
  type SimStats,
} from '../scenario.js';
import {
  formatSummary,
  formatViolations,
  readScenario,
  writeCrashReport,
  writeReport,
} from '../report/write-report.js';
import {
  durationArgument,
  nodeCount,
  observerCount,
  parseFaults,
  wholeNumber,
} from './cli-arguments.js';
export { parseFaults } from './cli-arguments.js';

export type ScenarioBase = Omit<Scenario, 'seed' | 'schedule'>;

/** What the CLI runs; the real ones are loaded on first use, tests pass doubles. */
export interface SimDeps {
  simulate(scenario: Scenario): Promise<SimResult>;
  scenarioArbitrary(base: ScenarioBase): fc.Arbitrary<Scenario>;
}

export interface SimCliIo {
  /** Prints one line (without its newline). */
  out: (line: string) => void;
  /** Draw a progress bar (else print a line every ~5%); default: stdout is a terminal. */
  isTTY?: boolean;
  /** Wall-clock ms for the default seed, report folder names and elapsed time. */
  now?: () => number;
  deps?: SimDeps;
}

interface CliOptions {
  seeds: number;
  seed?: number;
  nodes: number;
  observers: number;
  clients: number;
  /** --duration, in ms. */
  duration: number;
  faults: FaultKind[];
  reportDir: string;
  replay?: string;
  report: boolean;
  plantedBug?: Scenario['plantedBug'];
}

type Context = Required<SimCliIo> & { options: CliOptions };

/** Runs `pnpm sim` with `argv` (the arguments after the command); answers the exit code. */
export async function runSimCli(argv: readonly string[], io?: SimCliIo): Promise<number> {
  const out = io?.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const program = buildProgram(out);
  try {
    // pnpm may hand on the `--` that separates its own flags from the script's.
    program.parse(argv[0] === '--' ? argv.slice(1) : argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const context: Context = {
    options: program.opts<CliOptions>(),
    out,
    isTTY: io?.isTTY ?? process.stdout.isTTY === true,
    now: io?.now ?? Date.now,
    deps: io?.deps ?? (await loadSimDeps()),
  };
  return context.options.replay === undefined
    ? checkScenarios(context)
    : replayScenario(context, context.options.replay);
}

async function loadSimDeps(): Promise<SimDeps> {
  const { simulate } = await import('../simulate.js');
  const { scenarioArbitrary } = await import('../arbitraries.js');
  return { simulate, scenarioArbitrary };
}

const bugs = [...plantedBugs];

function buildProgram(out: (line: string) => void): Command {
  const write = (text: string): void => out(text.replace(/\n$/, ''));
  return new Command()
    .name('pnpm sim')
    .description('Check Zoo under simulated faults: many seeded scenarios, one fast-check property')
    .option('--seeds <n>', 'scenarios to run', wholeNumber(1), 1000)
    .option('--seed <n>', 'fast-check base seed (default: from the clock)', wholeNumber(0))
    .option('--nodes <n>', 'voting servers: 1 to 7 (a majority is the quorum)', nodeCount, 5)
    .option('--observers <n>', 'non-voting servers (observers), up to 2', observerCount, 0)
    .option('--clients <n>', 'simulated clients', wholeNumber(0), 10)
    .addOption(
      new Option('--duration <time>', 'virtual time of workload and faults (1500ms, 60s, 2m, 1h)')
        .argParser(durationArgument)
        .default(60_000, '60s'),
    )
    .addOption(
      new Option('--faults <list>', `comma list of ${faultKinds.join(',')}; or all, or none`)
        .argParser(parseFaults)
        .default([...faultKinds], 'all'),
    )
    .option('--report-dir <dir>', 'where report folders go', 'sim-reports')
    .option('--replay <scenario.json>', 'run one scenario from a report folder')
    .option('--report', 'with --replay: write a report even when the run passes', false)
    .addOption(
      new Option('--planted-bug <bug>', 'plant a bug the checkers must catch').choices(bugs),
    )
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write });
}

/** Totals over the property's runs; runs during shrinking are only counted. */
interface Tally extends SimStats {
  runs: number;
  shrinkRuns: number;
  failedRuns: number;
  violations: number;
}

const statKeys = ['simulatedMs', 'wallMs', 'events', 'faults', 'opsChecked'] as const;

function emptyTally(): Tally {
  const tally = { runs: 0, shrinkRuns: 0, failedRuns: 0, violations: 0 };
  return { ...tally, simulatedMs: 0, wallMs: 0, events: 0, faults: 0, opsChecked: 0 };
}

function addRun(tally: Tally, result: SimResult): void {
  tally.runs += 1;
  tally.violations += result.violations.length;
  if (result.violations.length > 0) tally.failedRuns += 1;
  for (const key of statKeys) tally[key] += result.stats[key];
}

function formatTally(tally: Tally, elapsedMs: number): string[] {
  const perWall = tally.wallMs > 0 ? (tally.simulatedMs / tally.wallMs).toFixed(1) : 'n/a';
  return [
    `runs ${tally.runs} (+${tally.shrinkRuns} shrink runs) · failing runs ${tally.failedRuns}` +
      ` · violations ${tally.violations}`,
    `simulated ${(tally.simulatedMs / 1000).toFixed(1)} s in ${(tally.wallMs / 1000).toFixed(1)}` +
      ` s wall (${perWall} simulated s per wall s); took ${(elapsedMs / 1000).toFixed(1)} s`,
    `events ${tally.events} · faults injected ${tally.faults} · ops checked ${tally.opsChecked}`,
  ];
}

interface Progress {
  update(tally: Tally): void;
  /** Prints a line; a bar gives way to lines from then on (shrinking has no known total). */
  note(line: string): void;
  stop(): void;
}

/** A bar on a terminal; otherwise a line per ~5% of runs, and one per 25 shrink runs. */
function startProgress(context: Context, total: number): Progress {
  const step = Math.max(1, Math.ceil(total / 20));
  let bar: cliProgress.SingleBar | null = null;
  if (context.isTTY) {
    const format = 'sim [{bar}] {value}/{total} runs | {failed} failing | ETA {eta_formatted}';
    bar = new cliProgress.SingleBar(
      { format, stream: process.stdout, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { failed: 0 });
  }
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };
  return {
    update: (tally) => {
      if (bar !== null) {
        bar.update(Math.min(tally.runs, total), { failed: tally.failedRuns });
      } else if (tally.shrinkRuns === 0 && (tally.runs % step === 0 || tally.runs === total)) {
        const percent = Math.floor((tally.runs / total) * 100);
        context.out(`runs ${tally.runs}/${total} (${percent}%) · failing ${tally.failedRuns}`);
      } else if (tally.shrinkRuns > 0 && tally.shrinkRuns % 25 === 0) {
        context.out(`shrinking: ${tally.shrinkRuns} shrink runs`);
      }
    },
    note: (line) => {
      stopBar();
      context.out(line);
    },
    stop: stopBar,
  };
}

function rerunCommand(options: CliOptions, seed: number): string {
  const faults = options.faults.length === 0 ? 'none' : options.faults.join(',');
  const bug = options.plantedBug === undefined ? '' : ` --planted-bug ${options.plantedBug}`;
  return (
    `pnpm sim --seed ${seed} --seeds ${options.seeds} --nodes ${options.nodes}` +
    (options.observers === 0 ? '' : ` --observers ${options.observers}`) +
    ` --clients ${options.clients} --duration ${options.duration}ms --faults ${faults}${bug}`
  );
}

async function checkScenarios(context: Context): Promise<number> {
  const { options, deps, out } = context;
  const startedMs = context.now();
  const seed = options.seed ?? Math.floor(startedMs) % 0x7fffffff;
  out(`seed ${seed} · rerun with: ${rerunCommand(options, seed)}`);
  const base: ScenarioBase = {
    nodes: options.nodes,
    ...(options.observers === 0 ? {} : { observers: options.observers }),
    clients: options.clients,
    durationMs: options.duration,
    faults: options.faults,
    ...(options.plantedBug === undefined ? {} : { plantedBug: options.plantedBug }),
  };
  const tally = emptyTally();
  const progress = startProgress(context, options.seeds);
  const property = fc.asyncProperty(deps.scenarioArbitrary(base), (scenario) =>
    runProperty({ context, tally, progress }, scenario),
  );
  const details = await fc.check(property, { numRuns: options.seeds, seed });
  progress.stop();
  formatTally(tally, context.now() - startedMs).forEach((line) => out(line));
  if (!details.failed) {
    out('no violations');
    return 0;
  }
  return reportCounterexample(context, details);
}

/** A run's result, or what the simulator threw (an AssertionError is a bug in Zoo). */
type Outcome = { result: SimResult } | { error: unknown };

function simulateOutcome(deps: SimDeps, scenario: Scenario): Promise<Outcome> {
  return deps.simulate(scenario).then(
    (result): Outcome => ({ result }),
    (error: unknown): Outcome => ({ error }),
  );
}

/** One call of the property: simulate and tally; keep the first failure before shrinking it. */
async function runProperty(
  run: { context: Context; tally: Tally; progress: Progress },
  scenario: Scenario,
): Promise<boolean> {
  const { context, tally, progress } = run;
  // fast-check shrinks once a run fails: from then on every call is a shrink run.
  const isShrinkRun = tally.failedRuns > 0;
  const outcome = await simulateOutcome(context.deps, scenario);
  if (isShrinkRun) {
    tally.shrinkRuns += 1;
  } else if ('result' in outcome) {
    addRun(tally, outcome.result);
  } else {
    tally.runs += 1;
    tally.failedRuns += 1;
  }
  progress.update(tally);
  if (tally.failedRuns === 1 && !isShrinkRun) {
    // Shrinking can take long: keep the unshrunk failure first, so Ctrl-C loses nothing.
    const folder = `${reportFolder(context, scenario)}-unshrunk`;
    await writeRunReport(folder, { scenario, outcome });
    progress.note(`run ${tally.runs} ${describeOutcome(outcome)}; report: ${folder}; shrinking…`);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.result.violations.length === 0;
}

async function reportCounterexample(
  context: Context,
  details: fc.RunDetails<[Scenario]>,
): Promise<number> {
  const { out } = context;
  const shrinkPath = details.counterexamplePath ?? '';
  out(`FAILED after ${details.numRuns} runs, shrunk ${details.numShrinks} times`);
  out(`fast-check seed ${details.seed} path ${shrinkPath}`);
  if (details.counterexample === null) {
    out(`no counterexample to report: ${describeError(details.errorInstance)}`);
    return 1;
  }
  const [scenario] = details.counterexample;
  const outcome = await simulateOutcome(context.deps, scenario);
  out(`the shrunk scenario ${describeOutcome(outcome)}`);
  if ('result' in outcome) out(formatViolations(outcome.result.violations).trimEnd());
  const folder = reportFolder(context, scenario);
  const replayCommand = await writeRunReport(folder, { scenario, outcome, shrinkPath });
  out(`report: ${folder}`);
  out(`replay: ${replayCommand}`);
  return 1;
}

function describeOutcome(outcome: Outcome): string {
  if ('error' in outcome) return `crashed the simulator: ${describeError(outcome.error)}`;
  const count = outcome.result.violations.length;
  // A shrunk counterexample that passes when run again means the simulation is not deterministic.
  return count === 0 ? 'passed (not deterministic?)' : `failed with ${count} violations`;
}

/** Writes the report folder of a run, or of a simulator crash; answers the replay command. */
async function writeRunReport(
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

async function replayScenario(context: Context, file: string): Promise<number> {
  const { out, options } = context;
  let scenario: Scenario;
  try {
    scenario = await readScenario(file);
  } catch (error) {
    out(`error: ${describeError(error)}`);
    return 2;
  }
  out(`replaying ${file}`);
  const outcome = await simulateOutcome(context.deps, scenario);
  const isFailed = 'error' in outcome || outcome.result.violations.length > 0;
  if ('result' in outcome) {
    out(formatSummary(outcome.result, { replayCommand: `pnpm sim --replay ${file}` }).trimEnd());
  } else {
    out(`the scenario ${describeOutcome(outcome)}`);
  }
  if (isFailed || options.report) {
    const folder = reportFolder(context, scenario);
    await writeRunReport(folder, { scenario, outcome });
    out(`report: ${folder}`);
  }
  return isFailed ? 1 : 0;
}

function reportFolder(context: Context, scenario: Scenario): string {
  const stamp = new Date(context.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return join(context.options.reportDir, `seed-${scenario.seed}-${stamp}`);
}

function shellQuote(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// Run when executed directly (`tsx sim-cli.ts …`); an unexpected throw prints its stack, exit 1.
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await runSimCli(process.argv.slice(2));
}
