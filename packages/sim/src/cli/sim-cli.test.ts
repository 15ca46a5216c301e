// Tests for `pnpm sim`, with doubles for simulate and the scenario arbitrary (the CLI takes them
// injected): exit codes, shrinking to a small failing scenario, report folders, replay, arguments.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { emptyHistory } from '../history/history.js';
import type { Scenario, SimResult } from '../scenario.js';
import { readScenario } from '../report/write-report.js';
import { parseFaults, runSimCli, type ScenarioBase, type SimDeps } from './sim-cli.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoo-sim-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A simulate double: fails (one violation) when `isBad(scenario)`. */
function fakeDeps(isBad: (scenario: Scenario) => boolean) {
  const bases: ScenarioBase[] = [];
  const simulated: Scenario[] = [];
  const deps: SimDeps = {
    scenarioArbitrary: (base) => {
      bases.push(base);
      return fc.integer({ min: 0, max: 1_000_000 }).map((seed) => ({ ...base, seed }));
    },
    simulate: (scenario) => {
      simulated.push(scenario);
      const result: SimResult = {
        scenario,
        schedule: [{ atMs: 10, fault: { type: 'crash', server: 1 } }],
        traceDigest: `digest-${scenario.seed}`,
        violations: isBad(scenario) ? [{ checker: 'fake', message: `seed ${scenario.seed}` }] : [],
        history: emptyHistory(),
        timeline: [],
        stats: { simulatedMs: 60_000, wallMs: 100, events: 10, faults: 2, opsChecked: 3 },
      };
      return Promise.resolve(result);
    },
  };
  return { deps, bases, simulated };
}

async function run(argv: string[], deps: SimDeps) {
  const lines: string[] = [];
  const code = await runSimCli(argv, {
    out: (line) => lines.push(line),
    isTTY: false,
    now: () => Date.UTC(2025, 0, 2, 3, 4, 5),
    deps,
  });
  return { code, text: lines.join('\n') };
}

describe('pnpm sim', () => {
  test('exits 0 with a summary when no scenario has a violation', async () => {
    const { deps, simulated } = fakeDeps(() => false);
    const { code, text } = await run(['--seeds', '20', '--seed', '5'], deps);
    expect(code).toBe(0);
    expect(simulated).toHaveLength(20);
    expect(text).toContain('seed 5 · rerun with: pnpm sim --seed 5 --seeds 20 --nodes 5');
    expect(text).toContain('runs 20 (+0 shrink runs) · failing runs 0 · violations 0');
    expect(text).toContain('simulated 1200.0 s in 2.0 s wall (600.0 simulated s per wall s)');
    expect(text).toContain('events 200 · faults injected 40 · ops checked 60');
    expect(text).toContain('no violations');
  });

  test('passes nodes, clients, duration, faults and planted bug to the arbitrary', async () => {
    const { deps, bases } = fakeDeps(() => false);
    const argv = ['--seeds', '1', '--nodes', '3', '--clients', '4', '--duration', '1500ms'];
    argv.push('--faults', 'partition,crash', '--planted-bug', 'commitWithoutQuorum');
    expect((await run(argv, deps)).code).toBe(0);
    expect(bases).toEqual([
      {
        nodes: 3,
        clients: 4,
        durationMs: 1500,
        faults: ['partition', 'crash'],
        plantedBug: 'commitWithoutQuorum',
      },
    ]);
  });

  test('defaults to 5 nodes, 10 clients, 60 s and every fault kind', async () => {
    const { deps, bases } = fakeDeps(() => false);
    await run(['--seeds', '1'], deps);
    expect(bases).toEqual([
      { nodes: 5, clients: 10, durationMs: 60_000, faults: parseFaults('all') },
    ]);
  });

  test('draws the same scenarios for one seed, and prints a seed when given none', async () => {
    const first = fakeDeps(() => false);
    const second = fakeDeps(() => false);
    await run(['--seeds', '10', '--seed', '77'], first.deps);
    await run(['--seeds', '10', '--seed', '77'], second.deps);
    expect(first.simulated).toEqual(second.simulated);
    const { text } = await run(['--seeds', '1'], fakeDeps(() => false).deps);
    expect(text).toMatch(/^seed \d+ · rerun with: pnpm sim --seed \d+ /);
  });

  test('shrinks a failure, writes its report folder and prints a replay command', async () => {
    const { deps } = fakeDeps((scenario) => scenario.seed >= 1000);
    const reportDir = join(dir, 'reports');
    const argv = ['--seeds', '200', '--seed', '3', '--report-dir', reportDir];
    const { code, text } = await run(argv, deps);
    expect(code).toBe(1);
    const folder = join(reportDir, 'seed-1000-20250102T030405');
    expect(text).toMatch(/run \d+ failed with 1 violations; report: .*-unshrunk; shrinking…/);
    expect(text).toContain('the shrunk scenario failed with 1 violations');
    expect(text).toContain('[fake] seed 1000');
    expect(text).toContain(`report: ${folder}`);
    expect(text).toContain(`replay: pnpm sim --replay ${join(folder, 'scenario.json')}`);
    expect(text).toMatch(/fast-check seed 3 path \d+(:\d+)*/);
    expect(text).toMatch(/runs \d+ \(\+[1-9]\d* shrink runs\) · failing runs 1 · violations 1/);
    const scenario = await readScenario(join(folder, 'scenario.json'));
    expect(scenario.seed).toBe(1000);
    expect(scenario.schedule).toEqual([{ atMs: 10, fault: { type: 'crash', server: 1 } }]);
    const unshrunk = (await readdir(reportDir)).filter((name) => name.endsWith('-unshrunk'));
    expect(unshrunk).toHaveLength(1);
    expect((await readdir(folder)).sort()).toEqual(
      ['history.json', 'replay.txt', 'scenario.json', 'summary.txt', 'timeline.html']
        .concat('violations.txt')
        .sort(),
    );
  });

  test('prints progress about every 5% of runs when stdout is not a terminal', async () => {
    const { text } = await run(['--seeds', '40', '--seed', '1'], fakeDeps(() => false).deps);
    const progress = text
      .split('\n')
      .filter((line) => line.startsWith('runs ') && line.includes('%'));
    expect(progress).toHaveLength(20);
    expect(progress.at(-1)).toBe('runs 40/40 (100%) · failing 0');
  });

  test('keeps the scenario and the error when the simulator throws', async () => {
    const { deps } = fakeDeps(() => false);
    deps.simulate = () => Promise.reject(new Error('assertion failed: two leaders'));
    const reportDir = join(dir, 'reports');
    const argv = ['--seeds', '5', '--seed', '1', '--report-dir', reportDir];
    const { code, text } = await run(argv, deps);
    expect(code).toBe(1);
    expect(text).toContain('crashed the simulator: Error: assertion failed: two leaders');
    const folders = await readdir(reportDir);
    expect(folders).toContain('seed-0-20250102T030405');
    expect(folders.filter((name) => name.endsWith('-unshrunk'))).toHaveLength(1);
    for (const folder of folders) {
      const files = (await readdir(join(reportDir, folder))).sort();
      expect(files).toEqual(['error.txt', 'replay.txt', 'scenario.json']);
    }
    const error = await readFile(join(reportDir, 'seed-0-20250102T030405', 'error.txt'), 'utf8');
    expect(error).toMatch(/^Error: assertion failed: two leaders\n\s+at /);
  });
});

describe('pnpm sim --nodes 2-6 --observers 0-2', () => {
  test('draws each run a shape from the seed, the same again; the rerun line has it', async () => {
    const argv = ['--seeds', '60', '--seed', '9', '--nodes', '2-6', '--observers', '0-2'];
    const first = fakeDeps(() => false);
    const { code, text } = await run([...argv, '--profile', 'rotate'], first.deps);
    expect(code).toBe(0);
    expect(text).toContain('--nodes 2-6 --observers 0-2');
    const shapes = first.simulated.map((s) => `${s.nodes}+${s.observers ?? 0}`);
    expect(new Set(shapes).size).toBeGreaterThan(10);
    expect(first.simulated.every((s) => s.nodes >= 2 && s.nodes <= 6)).toBe(true);
    expect(first.simulated.some((s) => s.observers === undefined)).toBe(true);
    const again = fakeDeps(() => false);
    await run([...argv, '--profile', 'rotate'], again.deps);
    expect(again.simulated).toEqual(first.simulated);
  });
});

describe('pnpm sim --profile', () => {
  test('passes a named profile to the arbitrary and into the rerun line', async () => {
    const { deps, bases } = fakeDeps(() => false);
    const argv = ['--seeds', '3', '--seed', '2', '--nodes', '3', '--profile', 'crash-heavy'];
    const { code, text } = await run(argv, deps);
    expect(code).toBe(0);
    expect(bases.map((base) => base.profile)).toEqual(['crash-heavy']);
    expect(text).toMatch(/ --faults [\w,]+ --profile crash-heavy\n/);
    const even = await run(['--seeds', '1', '--profile', 'even'], deps);
    expect(even.text).not.toContain('--profile');
  });

  test('rotate gives each seed the next profile in turn, same seeds as without', async () => {
    const rotating = fakeDeps(() => false);
    const { text } = await run(
      ['--seeds', '12', '--seed', '4', '--profile', 'rotate'],
      rotating.deps,
    );
    expect(text).toContain('--profile rotate');
    const profiles = rotating.simulated.map((scenario) => scenario.profile ?? 'even');
    const cycle = ['even', 'partition-heavy', 'crash-heavy', 'disk-heavy', 'client-heavy'];
    expect(profiles).toEqual([...cycle, ...cycle, ...cycle.slice(0, 2)]);
    // Run i comes from the i-th random stream of the seed, whatever its profile.
    const plain = fakeDeps(() => false);
    await run(['--seeds', '12', '--seed', '4'], plain.deps);
    expect(rotating.simulated.map((s) => s.seed)).toEqual(plain.simulated.map((s) => s.seed));
  });

  test('shrinks a failure within its run profile, and its report carries the profile', async () => {
    const isBad = (scenario: Scenario) =>
      scenario.profile === 'disk-heavy' && scenario.seed >= 1000;
    const { deps } = fakeDeps(isBad);
    const reportDir = join(dir, 'reports');
    const argv = ['--seeds', '50', '--seed', '3', '--profile', 'rotate', '--report-dir', reportDir];
    const { code, text } = await run(argv, deps);
    expect(code).toBe(1);
    expect(text).toContain('the shrunk scenario failed with 1 violations');
    const folder = join(reportDir, 'seed-1000-20250102T030405');
    const scenario = await readScenario(join(folder, 'scenario.json'));
    expect(scenario.profile).toBe('disk-heavy');
    expect(await readFile(join(folder, 'summary.txt'), 'utf8')).toContain('profile disk-heavy');
  });
});

describe('pnpm sim on a failure that does not repeat', () => {
  test('says the shrunk scenario passed when run again, and still exits 1', async () => {
    const seen = new Set<number>();
    const { deps } = fakeDeps((scenario) => {
      const isFirst = !seen.has(scenario.seed);
      seen.add(scenario.seed);
      return isFirst && scenario.seed >= 1000;
    });
    const argv = ['--seeds', '100', '--seed', '3', '--report-dir', join(dir, 'reports')];
    const { code, text } = await run(argv, deps);
    expect(code).toBe(1);
    expect(text).toContain('the shrunk scenario passed (not deterministic?)');
  });
});

describe('pnpm sim --replay', () => {
  const scenario: Scenario = { seed: 9, nodes: 3, clients: 1, durationMs: 100, faults: ['crash'] };

  async function scenarioFile(): Promise<string> {
    const file = join(dir, 'scenario.json');
    await writeFile(file, JSON.stringify({ ...scenario, schedule: [] }));
    return file;
  }

  test('runs the scenario once and exits 0 without a report when it passes', async () => {
    const { deps, simulated } = fakeDeps(() => false);
    const reportDir = join(dir, 'reports');
    const file = await scenarioFile();
    const { code, text } = await run(['--replay', file, '--report-dir', reportDir], deps);
    expect(code).toBe(0);
    expect(simulated).toEqual([{ ...scenario, schedule: [] }]);
    expect(text).toContain('seed 9 · 3 nodes · 1 clients');
    expect(text).toContain('violations: 0');
    await expect(readdir(reportDir)).rejects.toThrow();
  });

  test('writes a report and exits 1 when the scenario has a violation', async () => {
    const reportDir = join(dir, 'reports');
    const file = await scenarioFile();
    const argv = ['--replay', file, '--report-dir', reportDir];
    const { code, text } = await run(argv, fakeDeps(() => true).deps);
    expect(code).toBe(1);
    const folder = join(reportDir, 'seed-9-20250102T030405');
    expect(text).toContain('[fake] seed 9');
    expect(text).toContain(`report: ${folder}`);
    const replay = await readFile(join(folder, 'replay.txt'), 'utf8');
    expect(replay).toBe(`pnpm sim --replay ${join(folder, 'scenario.json')}\n`);
  });

  test('writes a report for a passing run with --report', async () => {
    const reportDir = join(dir, 'reports');
    const argv = ['--replay', await scenarioFile(), '--report', '--report-dir', reportDir];
    const { code } = await run(argv, fakeDeps(() => false).deps);
    expect(code).toBe(0);
    expect(await readdir(reportDir)).toEqual(['seed-9-20250102T030405']);
  });

  test('keeps the error and exits 1 when the simulator throws', async () => {
    const { deps } = fakeDeps(() => false);
    deps.simulate = () => Promise.reject(new Error('boom'));
    const reportDir = join(dir, 'reports');
    const argv = ['--replay', await scenarioFile(), '--report-dir', reportDir];
    const { code, text } = await run(argv, deps);
    expect(code).toBe(1);
    expect(text).toContain('the scenario crashed the simulator: Error: boom');
    const folder = join(reportDir, 'seed-9-20250102T030405');
    expect((await readdir(folder)).sort()).toEqual(['error.txt', 'replay.txt', 'scenario.json']);
  });

  test('exits 2 naming the problem when the scenario file is bad', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{"nodes": 8}');
    const { code, text } = await run(['--replay', file], fakeDeps(() => false).deps);
    expect(code).toBe(2);
    expect(text).toContain(`error: Error: ${file}: scenario.nodes must be 1 to 7, got 8`);
  });
});

describe('pnpm sim arguments', () => {
  test.each([
    [['--nodes', '8'], /--nodes.*expected 1 to 7/],
    [['--observers', '3'], /--observers.*expected 0 to 2/],
    [['--nodes', '6-2'], /--nodes.*expected 1 to 7, or a range like 2-6/],
    [['--nodes', '0-3'], /--nodes.*expected 1 to 7/],
    [['--seeds', '0'], /--seeds.*whole number ≥ 1/],
    [['--duration', '60'], /--duration.*unit is required/],
    [['--faults', 'flood'], /unknown fault 'flood'/],
    [['--planted-bug', 'typo'], /--planted-bug.*Allowed choices/],
    [['--profile', 'mixed'], /--profile.*Allowed choices/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { deps, simulated } = fakeDeps(() => false);
    const { code, text } = await run(argv, deps);
    expect(code).toBe(2);
    expect(text).toMatch(message);
    expect(simulated).toEqual([]);
  });

  test('prints usage for --help and exits 0', async () => {
    const { code, text } = await run(['--help'], fakeDeps(() => false).deps);
    expect(code).toBe(0);
    expect(text).toContain('Usage: pnpm sim [options]');
    expect(text).toContain('--replay <scenario.json>');
    expect(text).toContain('(default: 60s)');
  });

  test('runs when executed directly and exits with its code', () => {
    const cli = join(import.meta.dirname, 'sim-cli.ts');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=zoo-source', cli, '--nodes', '8'],
      { encoding: 'utf8' },
    );
    expect(child.status).toBe(2);
    expect(child.stdout).toContain("option '--nodes <n>' argument '8' is invalid");
  });

  test('ignores the -- that pnpm may pass on', async () => {
    const { code } = await run(['--', '--seeds', '1'], fakeDeps(() => false).deps);
    expect(code).toBe(0);
  });

  test('reads fault lists, all and none', () => {
    expect(parseFaults('all')).toEqual([
      'partition',
      'crash',
      'pause',
      'clock',
      'reset',
      'slow',
      'disk',
      'multiCrash',
      'sessionRace',
      'leaderPair',
      'lagging',
      'client',
    ]);
    expect(parseFaults('none')).toEqual([]);
    expect(parseFaults('crash, partition,crash')).toEqual(['crash', 'partition']);
  });
});
