// `pnpm sim`: checks many simulated scenarios as one fast-check property (shrinking a failure to
// a small scenario and writing its report folder), or replays one scenario.json with --replay.
// Exit code 0: no violations; 1: a violation (or a crash of the simulator); 2: bad input.

import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import fc from 'fast-check';
import {
  faultKinds,
  plantedBugs,
  type FaultKind,
  type Scenario,
  type SimResult,
} from '../scenario.js';
import { formatSummary, formatViolations, readScenario } from '../report/write-report.js';
import {
  describeError,
  describeOutcome,
  reportFolder,
  simulateOutcome,
  writeRunReport,
} from './run-outcome.js';
import { startProgress, type Progress } from './progress.js';
import { countRange, formatRange, shapeAt, type CountRange } from './ensemble-shapes.js';
import { inThreadRunner, sweep, workerRunner, type ScenarioRunner } from './run-pool.js';
import { addRun, emptyTally, formatTally, summarizeRun, type Tally } from './run-tally.js';
import { durationArgument, parseFaults, wholeNumber } from './cli-arguments.js';
export { parseFaults } from './cli-arguments.js';
import {
  drawScenarios,
  profileChoices,
  profiledArbitraries,
  type ProfileOption,
} from './profile-rotation.js';

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
  nodes: CountRange;
  observers: CountRange;
  clients: number;
  /** --duration, in ms. */
  duration: number;
  faults: FaultKind[];
  profile: ProfileOption;
  reportDir: string;
  replay?: string;
  report: boolean;
  plantedBug?: Scenario['plantedBug'];
  workers: number;
}

type Context = Required<SimCliIo> & {
  options: CliOptions;
  /** Doubles from a test cannot cross into a worker thread: they run in this thread. */
  isInjected: boolean;
};

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
    isInjected: io?.deps !== undefined,
  };
  return context.options.replay === undefined
    ? checkScenarios(context)
    : replayScenario(context, context.options.replay);
}

async function loadSimDeps(): Promise<SimDeps> {
  const { scenarioArbitrary } = await import('../arbitraries.js');
  // The simulator (the whole server and client) is loaded on first use: with worker threads,
  // this thread runs it only to shrink a failure or to replay.
  const simulate = async (scenario: Scenario): Promise<SimResult> =>
    (await import('../simulate.js')).simulate(scenario);
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
    .addOption(
      new Option('--nodes <n>', 'voting servers: 1 to 7 (a majority is the quorum), or a range')
        .argParser(countRange(1, 7))
        .default({ min: 5, max: 5 }, '5'),
    )
    .addOption(
      new Option('--observers <n>', 'non-voting servers (observers), up to 2, or a range')
        .argParser(countRange(0, 2))
        .default({ min: 0, max: 0 }, '0'),
    )
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
    .addOption(
      new Option('--profile <name>', 'weights of the fault kinds, or rotate: each seed the next')
        .choices(profileChoices)
        .default('even'),
    )
    .option('--report-dir <dir>', 'where report folders go', 'sim-reports')
    .option('--replay <scenario.json>', 'run one scenario from a report folder')
    .option('--report', 'with --replay: write a report even when the run passes', false)
    .addOption(
      new Option('--planted-bug <bug>', 'plant a bug the checkers must catch').choices(bugs),
    )
    .addOption(
      new Option('--workers <n>', 'seeds run in parallel on worker threads; same results for any n')
        .argParser(wholeNumber(1))
        // On a machine whose cores are busy with other work, --workers 1 is faster (README).
        .default(availableParallelism(), 'the number of cores'),
    )
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write });
}

function rerunCommand(options: CliOptions, seed: number): string {
  const faults = options.faults.length === 0 ? 'none' : options.faults.join(',');
  const bug = options.plantedBug === undefined ? '' : ` --planted-bug ${options.plantedBug}`;
  const profile = options.profile === 'even' ? '' : ` --profile ${options.profile}`;
  return (
    `pnpm sim --seed ${seed} --seeds ${options.seeds} --nodes ${formatRange(options.nodes)}` +
    (options.observers.max === 0 ? '' : ` --observers ${formatRange(options.observers)}`) +
    ` --clients ${options.clients} --duration ${options.duration}ms` +
    ` --faults ${faults}${profile}${bug}`
  );
}

/**
 * Checks `--seeds` scenarios as one fast-check property. The sweep runs them on the workers and
 * stops at the first failing one (in drawing order); fast-check then replays that run by its path
 * in this thread and shrinks it, once. Output is the same for any number of workers.
 */
async function checkScenarios(context: Context): Promise<number> {
  const { options, deps, out } = context;
  const startedMs = context.now();
  const seed = options.seed ?? Math.floor(startedMs) % 0x7fffffff;
  out(`seed ${seed} · rerun with: ${rerunCommand(options, seed)}`);
  const base: ScenarioBase = {
    nodes: options.nodes.min,
    ...(options.observers.max === 0 ? {} : { observers: options.observers.min }),
    clients: options.clients,
    durationMs: options.duration,
    faults: options.faults,
    ...(options.plantedBug === undefined ? {} : { plantedBug: options.plantedBug }),
  };
  const ranges = { nodes: options.nodes, observers: options.observers };
  const isRanged =
    ranges.nodes.min < ranges.nodes.max || ranges.observers.min < ranges.observers.max;
  // A fixed shape leaves the base alone: its runs draw exactly what they always drew.
  const shapeFor = isRanged ? (index: number) => shapeAt(ranges, seed, index) : undefined;
  const { scenarioArbitrary } = deps;
  const arbitraryFor = profiledArbitraries(base, options.profile, scenarioArbitrary, shapeFor);
  const tally = emptyTally();
  const progress = startProgress(context, options.seeds);
  const failedAt = await sweepScenarios(context, { arbitraryFor, seed, tally, progress });
  const details =
    failedAt === null
      ? null
      : await shrinkFailure(context, { arbitraryFor, seed, failedAt, tally, progress });
  progress.stop();
  formatTally(tally, context.now() - startedMs).forEach((line) => out(line));
  if (failedAt === null || details === null) {
    out('no violations');
    return 0;
  }
  if (!details.failed) {
    out(`run ${failedAt + 1} passed when run again (not deterministic?)`);
    return 1;
  }
  return reportCounterexample(context, details, failedAt + 1);
}

interface SweepState {
  /** Run i's arbitrary (its profile's, under --profile rotate). */
  arbitraryFor: (index: number) => fc.Arbitrary<Scenario>;
  seed: number;
  tally: Tally;
  progress: Progress;
}

/** Runs every scenario (in parallel); answers the index of the first failing one, if any. */
async function sweepScenarios(context: Context, state: SweepState): Promise<number | null> {
  const { options, deps } = context;
  const { tally, progress } = state;
  const scenarios = drawScenarios(state.arbitraryFor, state.seed, options.seeds);
  const runnerCount = Math.min(options.workers, scenarios.length);
  const runSimulate = (scenario: Scenario) =>
    simulateOutcome(deps, scenario).then((o) => summarizeRun('result' in o ? o.result : o));
  const runners: ScenarioRunner[] = Array.from({ length: runnerCount }, () =>
    context.isInjected || runnerCount === 1 ? inThreadRunner(runSimulate) : workerRunner(),
  );
  let failedAt: number | null = null;
  const sweepStartedMs = context.now();
  try {
    await sweep({
      scenarios,
      runners,
      onRun: (index, summary) => {
        addRun(tally, summary);
        progress.update(tally);
        if (summary.stats === null || summary.violations > 0) failedAt = index;
        return failedAt === null;
      },
    });
  } finally {
    tally.sweepWallMs = context.now() - sweepStartedMs;
    await Promise.all(runners.map((runner) => runner.close()));
  }
  return failedAt;
}

/** Replays the failing run by its fast-check path, keeps its report, and shrinks it. */
async function shrinkFailure(
  context: Context,
  state: SweepState & { failedAt: number },
): Promise<fc.RunDetails<[Scenario]>> {
  const { tally, progress, failedAt } = state;
  let isFirst = true;
  const property = fc.asyncProperty(state.arbitraryFor(failedAt), async (scenario) => {
    const outcome = await simulateOutcome(context.deps, scenario);
    if (isFirst) {
      isFirst = false;
      // Shrinking can take long: keep the unshrunk failure first, so Ctrl-C loses nothing.
      const folder = `${reportFolder(context, scenario)}-unshrunk`;
      await writeRunReport(folder, { scenario, outcome });
      progress.note(
        `run ${failedAt + 1} ${describeOutcome(outcome)}; report: ${folder}; shrinking…`,
      );
    } else {
      tally.shrinkRuns += 1;
      progress.update(tally);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.result.violations.length === 0;
  });
  const path = String(failedAt);
  return fc.check(property, { seed: state.seed, numRuns: context.options.seeds, path });
}

async function reportCounterexample(
  context: Context,
  details: fc.RunDetails<[Scenario]>,
  runs: number,
): Promise<number> {
  const { out } = context;
  const shrinkPath = details.counterexamplePath ?? '';
  out(`FAILED after ${runs} runs, shrunk ${details.numShrinks} times`);
  out(`fast-check seed ${details.seed} path ${shrinkPath}`);
  if (details.counterexample === null) {
    out(`no counterexample to report: ${describeError(details.errorInstance)}`);
    return 1;
  }
  const [scenario] = details.counterexample;
  const shape = `${scenario.nodes} voters, ${scenario.observers ?? 0} observers`;
  out(`the failing run: ${shape}, profile ${scenario.profile ?? 'even'}`);
  const outcome = await simulateOutcome(context.deps, scenario);
  out(`the shrunk scenario ${describeOutcome(outcome)}`);
  if ('result' in outcome) out(formatViolations(outcome.result.violations).trimEnd());
  const folder = reportFolder(context, scenario);
  const replayCommand = await writeRunReport(folder, { scenario, outcome, shrinkPath });
  out(`report: ${folder}`);
  out(`replay: ${replayCommand}`);
  return 1;
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

// Run when executed directly (`tsx sim-cli.ts …`); an unexpected throw prints its stack, exit 1.
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await runSimCli(process.argv.slice(2));
}
