// Tests for the report folder: every file is written, scenario.json replays the schedule that ran,
// and readScenario round-trips scenarios and refuses bad ones with a message naming the field.

import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { emptyHistory } from '../history/history.js';
import {
  faultKinds,
  faultProfiles,
  plantedBugs,
  unsyncedFates,
  type Fault,
  type Scenario,
  type SimResult,
} from '../scenario.js';
import { fromJson } from './json.js';
import { formatSummary, parseScenario, readScenario, writeReport } from './write-report.js';
import { recipeBugs } from '../workload/planted-recipe-bugs.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoo-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sampleResult(): SimResult {
  const history = emptyHistory();
  history.server.push({
    type: 'delivered',
    atMs: 5,
    server: 1,
    incarnation: 0,
    zxid: 0x100000001n,
    fingerprint: 'create /a',
  });
  return {
    scenario: { seed: 7, nodes: 3, clients: 2, durationMs: 5000, faults: ['crash', 'partition'] },
    schedule: [
      { atMs: 1000, fault: { type: 'partition', groups: [[1], [2, 3]] } },
      { atMs: 2000, fault: { type: 'heal' } },
    ],
    traceDigest: 'feed',
    violations: [{ checker: 'zab', message: 'two leaders in epoch 3' }],
    history,
    timeline: [{ lane: 's1', startMs: 0, endMs: 5000, kind: 'role', label: 'leading' }],
    stats: { simulatedMs: 6000, wallMs: 1500, events: 99, faults: 2, opsChecked: 10 },
  };
}

const extra = { replayCommand: 'pnpm sim --replay out/scenario.json', shrinkPath: '0:1' };

describe('writeReport', () => {
  test('writes the six report files into a folder it creates', async () => {
    const target = join(dir, 'nested', 'seed-7');
    const written = await writeReport(target, sampleResult(), extra);
    const names = ['scenario.json', 'violations.txt', 'history.json', 'timeline.html'];
    names.push('summary.txt', 'replay.txt');
    expect(written).toEqual(names.map((name) => join(target, name)));
    expect((await readdir(target)).sort()).toEqual([...names].sort());
  });

  test('writes scenario.json with the schedule that ran, so readScenario replays it', async () => {
    const result = sampleResult();
    await writeReport(dir, result, extra);
    const scenario = await readScenario(join(dir, 'scenario.json'));
    expect(scenario).toEqual({ ...result.scenario, schedule: result.schedule });
  });

  test('writes the history with bigints that read back as bigints', async () => {
    const result = sampleResult();
    await writeReport(dir, result, extra);
    const history = fromJson(await readFile(join(dir, 'history.json'), 'utf8'));
    expect(history).toEqual(result.history);
  });

  test('writes violations, summary and the one-line replay command', async () => {
    await writeReport(dir, sampleResult(), extra);
    const read = (name: string): Promise<string> => readFile(join(dir, name), 'utf8');
    expect(await read('violations.txt')).toBe('[zab] two leaders in epoch 3\n');
    expect(await read('replay.txt')).toBe('pnpm sim --replay out/scenario.json\n');
    const summary = await read('summary.txt');
    expect(summary).toContain('seed 7 · 3 nodes · 2 clients · duration 5.000 s');
    expect(summary).toContain('simulated 6.000 s in 1.500 s wall (4.0 simulated s per wall s)');
    expect(summary).toContain('  [zab] two leaders in epoch 3');
    expect(summary).toContain('fast-check path: 0:1');
    expect(summary).toContain('replay: pnpm sim --replay out/scenario.json');
    expect(await read('timeline.html')).toContain('pnpm sim --replay out/scenario.json');
  });

  test('says there were no violations when there were none', async () => {
    await writeReport(dir, { ...sampleResult(), violations: [] }, extra);
    expect(await readFile(join(dir, 'violations.txt'), 'utf8')).toBe('no violations\n');
  });

  test('leaves the fast-check path out of the summary of a run that was not shrunk', () => {
    const summary = formatSummary(sampleResult(), { replayCommand: 'x' });
    expect(summary).not.toContain('fast-check path');
  });
});

const unsynced = fc.constantFrom(...unsyncedFates);
const serverOrLeader = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant('leader' as const));
const faultArbitrary: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    type: fc.constant('partition' as const),
    groups: fc.array(fc.array(fc.integer({ min: 1, max: 5 }))),
  }),
  fc.constantFrom<Fault>({ type: 'isolateLeader' }, { type: 'ring' }, { type: 'heal' }),
  fc.record({
    type: fc.constant('oneWay' as const),
    from: fc.integer({ min: 1, max: 5 }),
    to: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record(
    { type: fc.constant('crash' as const), server: serverOrLeader, unsynced },
    { requiredKeys: ['type', 'server'] },
  ),
  fc.record(
    {
      type: fc.constant('crashAt' as const),
      server: serverOrLeader,
      window: fc.constantFrom(
        'duringWrite',
        'afterWriteBeforeAck',
        'duringSync',
        'afterEpochsBeforeAck' as const,
      ),
      unsynced,
    },
    { requiredKeys: ['type', 'server', 'window'] },
  ),
  fc.record({
    type: fc.constant('diskError' as const),
    server: serverOrLeader,
    code: fc.constantFrom('EIO', 'ENOSPC' as const),
  }),
  fc.record({
    type: fc.constantFrom('restart', 'reset', 'bitFlip' as const),
    server: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({ type: fc.constant('pause' as const), server: serverOrLeader, forMs: fc.nat() }),
  fc.record({
    type: fc.constant('sessionRace' as const),
    server: fc.integer({ min: 1, max: 5 }),
    ending: fc.constantFrom('close', 'expire' as const),
    pauseMs: fc.nat(),
  }),
  fc.record({
    type: fc.constant('clock' as const),
    server: fc.integer({ min: 1, max: 5 }),
    offsetMs: fc.integer(),
    driftPpm: fc.integer({ min: -1000, max: 1000 }),
  }),
  fc.record({
    type: fc.constantFrom('slow', 'diskStall' as const),
    server: fc.integer({ min: 1, max: 5 }),
    extraMs: fc.nat(),
  }),
  fc.record({
    type: fc.constant('isolateLeaderPair' as const),
    follower: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({
    type: fc.constant('lagMember' as const),
    server: fc.integer({ min: 1, max: 5 }),
    delayMs: fc.nat(),
    forMs: fc.nat(),
  }),
);

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record(
  {
    seed: fc.integer(),
    nodes: fc.constant(5),
    observers: fc.nat({ max: 2 }),
    clients: fc.nat({ max: 20 }),
    durationMs: fc.nat(),
    faults: fc.uniqueArray(fc.constantFrom(...faultKinds)),
    profile: fc.constantFrom(...faultProfiles),
    schedule: fc.array(fc.record({ atMs: fc.nat(), fault: faultArbitrary })),
    plantedBug: fc.constantFrom(...plantedBugs),
    plantedRecipeBug: fc.constantFrom(...recipeBugs),
  },
  { requiredKeys: ['seed', 'nodes', 'clients', 'durationMs', 'faults'] },
);

describe('readScenario', () => {
  test('round-trips any scenario written as JSON', async () => {
    const file = join(dir, 'scenario.json');
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        await writeFile(file, JSON.stringify(scenario));
        expect(await readScenario(file)).toEqual(scenario);
      }),
      { numRuns: 200 },
    );
  });

  test.each([
    [[], /scenario must be an object/],
    [{ nodes: 8 }, /scenario\.nodes must be 1 to 7, got 8/],
    [{ nodes: 3, faults: 'all' }, /scenario\.faults must be an array/],
    [
      { nodes: 3, faults: ['flood'], seed: 1, clients: 1, durationMs: 1 },
      /scenario\.faults\[0\] must be one of partition, crash/,
    ],
    [{ nodes: 3, faults: [], seed: 1.5 }, /scenario\.seed must be a whole number, got 1\.5/],
    [{ nodes: 3, faults: [], seed: 1, clients: -1 }, /scenario\.clients must be .* ≥ 0/],
    [{ nodes: 3, faults: [], seed: 1, clients: 1 }, /scenario\.durationMs must be a number/],
    [{ nodes: 3, faults: [], seed: 1, clients: 1, durationMs: 1, duration: 2 }, /unknown field/],
    [
      { nodes: 3, faults: [], seed: 1, clients: 1, durationMs: 1, plantedBug: 'x' },
      /scenario\.plantedBug must be one of commitWithoutQuorum, ackBeforePersist/,
    ],
    [
      { nodes: 3, faults: [], seed: 1, clients: 1, durationMs: 1, plantedRecipeBug: 'x' },
      /scenario\.plantedRecipeBug must be one of counterBlindRetry, lockOrderedByName/,
    ],
    [
      { nodes: 3, faults: [], seed: 1, clients: 1, durationMs: 1, profile: 'rotate' },
      /scenario\.profile must be one of even, partition-heavy/,
    ],
  ])('refuses %j', (value, message) => {
    expect(() => parseScenario(value)).toThrow(message);
  });

  test.each([
    [{ atMs: 1, fault: { type: 'crash', server: 4 } }, /schedule\[0\]\.fault\.server .* 1\.\.3/],
    [{ atMs: 1, fault: { type: 'crash', server: 0 } }, /fault\.server must be a whole number ≥ 1/],
    [{ atMs: 1, fault: { type: 'explode' } }, /schedule\[0\]\.fault\.type must be one of/],
    [{ atMs: -1, fault: { type: 'heal' } }, /schedule\[0\]\.atMs must be a number ≥ 0/],
    [{ atMs: 1, fault: { type: 'heal', server: 1 } }, /fault has an unknown field 'server'/],
    [{ atMs: 1, fault: { type: 'pause', server: 1 } }, /fault\.forMs must be a number ≥ 0/],
    [
      { atMs: 1, fault: { type: 'crash', server: 1, unsynced: 'gone' } },
      /fault\.unsynced must be one of lost, kept, torn/,
    ],
    [{ atMs: 1, fault: { type: 'diskError', server: 1 } }, /fault\.code must be one of EIO/],
    [
      { atMs: 1, fault: { type: 'partition', groups: [[1], [2, 9]] } },
      /schedule\[0\]\.fault\.groups\[1\]\[1\] must be a server id 1\.\.3, got 9/,
    ],
  ])('refuses the schedule step %j', (step, message) => {
    const scenario = {
      seed: 1,
      nodes: 3,
      clients: 1,
      durationMs: 10,
      faults: [],
      schedule: [step],
    };
    expect(() => parseScenario(scenario)).toThrow(message);
  });

  test('names the file when it is missing or not JSON', async () => {
    const file = join(dir, 'bad.json');
    await expect(readScenario(file)).rejects.toThrow(`cannot read scenario ${file}`);
    await writeFile(file, '{ nope');
    await expect(readScenario(file)).rejects.toThrow(`${file}: not JSON`);
    await writeFile(file, '{ "nodes": 0 }');
    await expect(readScenario(file)).rejects.toThrow(`${file}: scenario.nodes must be 1 to 7`);
  });
});
