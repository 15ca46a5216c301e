// Writes a simulated run's report folder (scenario to replay, violations, history, timeline,
// summary, replay command) and reads a scenario.json back, validated, for `pnpm sim --replay`.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Violation } from '../history/history.js';
import {
  faultKinds,
  faultProfiles,
  plantedBugs,
  serverIds,
  unsyncedFates,
  type CrashWindow,
  type Fault,
  type FaultKind,
  type FaultStep,
  type Scenario,
  type SimResult,
} from '../scenario.js';
import { fromJson, toJson } from './json.js';
import { renderTimelineHtml } from './timeline-html.js';
import { recipeBugs } from '../workload/planted-recipe-bugs.js';
import { parseTargetedFault } from './parse-targeted-faults.js';

export interface ReportExtra {
  /** The one-line command that reruns this run. */
  replayCommand: string;
  /** fast-check's counterexample path, when the run came from a shrunk property failure. */
  shrinkPath?: string;
}

/** Writes the report files into `dir` (created if missing); answers the paths written. */
export async function writeReport(
  dir: string,
  result: SimResult,
  extra: ReportExtra,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['scenario.json', `${toJson(replayableScenario(result), 2)}\n`],
    ['violations.txt', formatViolations(result.violations)],
    ['history.json', recordToJsonLines(result.history)],
    ['timeline.html', renderTimelineHtml(result, { replayCommand: extra.replayCommand })],
    ['summary.txt', formatSummary(result, extra)],
    ['replay.txt', `${extra.replayCommand}\n`],
  ];
  return writeFiles(dir, files);
}

async function writeFiles(dir: string, files: [string, string][]): Promise<string[]> {
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    await writeFile(path, text, 'utf8');
    written.push(path);
  }
  return written;
}

/**
 * The simulator threw instead of answering (an AssertionError is a bug in Zoo): keeps the
 * scenario, the error with its stack, and the replay command. Answers the paths written.
 */
export async function writeCrashReport(
  dir: string,
  crash: { scenario: Scenario; error: unknown; replayCommand: string },
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const { error } = crash;
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : null;
  const files: [string, string][] = [
    ['scenario.json', `${toJson(crash.scenario, 2)}\n`],
    ['error.txt', `${detail ?? String(error)}\n`],
    ['replay.txt', `${crash.replayCommand}\n`],
  ];
  return writeFiles(dir, files);
}

/** The scenario with the schedule that ran, so a replay reruns exactly that schedule. */
export function replayableScenario(result: SimResult): Scenario {
  return { ...result.scenario, schedule: result.schedule };
}

/** One violation per line (`[checker] message`), or a line saying there were none. */
export function formatViolations(violations: readonly Violation[]): string {
  if (violations.length === 0) return 'no violations\n';
  return violations.map((v) => `[${v.checker}] ${v.message}\n`).join('');
}

/** Stats, violations and the replay command of one run, as summary.txt and `--replay` print. */
export function formatSummary(result: SimResult, extra: ReportExtra): string {
  const { scenario, stats } = result;
  const perWall = stats.wallMs > 0 ? (stats.simulatedMs / stats.wallMs).toFixed(1) : 'n/a';
  const lines = [
    `seed ${scenario.seed} · ${scenario.nodes} nodes · ` +
      (scenario.observers === undefined ? '' : `${scenario.observers} observers · `) +
      `${scenario.clients} clients · ` +
      `duration ${seconds(scenario.durationMs)} s · faults ` +
      `${scenario.faults.length === 0 ? 'none' : scenario.faults.join(',')}` +
      (scenario.profile === undefined ? '' : ` · profile ${scenario.profile}`) +
      (scenario.plantedBug === undefined ? '' : ` · planted bug ${scenario.plantedBug}`),
    `schedule: ${result.schedule.length} fault steps`,
    `simulated ${seconds(stats.simulatedMs)} s in ${seconds(stats.wallMs)} s wall ` +
      `(${perWall} simulated s per wall s)`,
    `events ${stats.events} · faults injected ${stats.faults} · ops checked ${stats.opsChecked}`,
    `trace digest ${result.traceDigest}`,
    `violations: ${result.violations.length}`,
    ...result.violations.map((v) => `  [${v.checker}] ${v.message}`),
  ];
  if (extra.shrinkPath !== undefined) lines.push(`fast-check path: ${extra.shrinkPath}`);
  lines.push(`replay: ${extra.replayCommand}`);
  return `${lines.join('\n')}\n`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** JSON with one line per top-level array element: big histories stay greppable and small. */
function recordToJsonLines(record: object): string {
  const fields = Object.entries(record).map(([key, value]) => {
    const name = JSON.stringify(key);
    if (!Array.isArray(value) || value.length === 0) return `${name}: ${toJson(value)}`;
    const items: string[] = value.map((item: unknown) => toJson(item));
    return `${name}: [\n${items.join(',\n')}\n]`;
  });
  return `{\n${fields.join(',\n')}\n}\n`;
}

/** Reads and validates a scenario.json; errors name the file and the bad field. */
export async function readScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read scenario ${file}: ${errorMessage(error)}`);
  }
  let value: unknown;
  try {
    value = fromJson(text);
  } catch (error) {
    throw new Error(`${file}: not JSON: ${errorMessage(error)}`);
  }
  try {
    return parseScenario(value);
  } catch (error) {
    throw new Error(`${file}: ${errorMessage(error)}`);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const nodeCounts = [1, 2, 3, 4, 5, 6, 7];
const crashWindows: readonly CrashWindow[] = [
  'duringWrite',
  'afterWriteBeforeAck',
  'duringSync',
  'afterEpochsBeforeAck',
];
/** Every fault type; a Record so that a new Fault type fails to compile until listed here. */
const faultTypes: Record<Fault['type'], true> = {
  partition: true,
  isolateLeader: true,
  oneWay: true,
  ring: true,
  bridge: true,
  partitionClients: true,
  heal: true,
  crash: true,
  crashAt: true,
  restart: true,
  pause: true,
  clock: true,
  reset: true,
  slow: true,
  sessionRace: true,
  diskStall: true,
  diskError: true,
  bitFlip: true,
  crashClient: true,
  restartClient: true,
  pauseClient: true,
  isolateLeaderPair: true,
  lagMember: true,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, expected: string, got: unknown): never {
  throw new Error(`${path} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
}

/** Rejects fields the parsed value does not know: a misspelt optional field would go unseen. */
function rejectUnknownKeys(input: Record<string, unknown>, parsed: object, path: string): void {
  const known = new Set(Object.keys(parsed));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new Error(`${path} has an unknown field '${key}'`);
  }
}

function integer(value: unknown, path: string, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  return fail(
    path,
    min === Number.MIN_SAFE_INTEGER ? 'a whole number' : `a whole number ≥ ${min}`,
    value,
  );
}

function finite(value: unknown, path: string, min = -Infinity): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= min) return value;
  return fail(path, min === -Infinity ? 'a finite number' : `a number ≥ ${min}`, value);
}

function oneOf<T extends string>(value: unknown, choices: readonly T[], path: string): T {
  const choice = choices.find((candidate) => candidate === value);
  return choice ?? fail(path, `one of ${choices.join(', ')}`, value);
}

/** Validates a scenario as read from JSON (bigints already decoded). */
export function parseScenario(value: unknown): Scenario {
  if (!isRecord(value)) return fail('scenario', 'an object', value);
  const nodes = value['nodes'];
  if (typeof nodes !== 'number' || !nodeCounts.includes(nodes)) {
    return fail('scenario.nodes', '1 to 7', nodes);
  }
  const faults = value['faults'];
  if (!Array.isArray(faults)) return fail('scenario.faults', 'an array of fault kinds', faults);
  const scenario: Scenario = {
    seed: integer(value['seed'], 'scenario.seed'),
    nodes,
    clients: integer(value['clients'], 'scenario.clients', 0),
    ...(value['observers'] === undefined
      ? {}
      : { observers: integer(value['observers'], 'scenario.observers', 0) }),
    durationMs: finite(value['durationMs'], 'scenario.durationMs', 0),
    faults: faults.map((kind: unknown, index): FaultKind =>
      oneOf(kind, faultKinds, `scenario.faults[${index}]`),
    ),
  };
  const schedule = value['schedule'];
  if (schedule !== undefined) {
    if (!Array.isArray(schedule)) return fail('scenario.schedule', 'an array', schedule);
    scenario.schedule = schedule.map((step: unknown, index) =>
      parseFaultStep(step, `scenario.schedule[${index}]`, serverIds(scenario).length),
    );
  }
  if (value['profile'] !== undefined) {
    scenario.profile = oneOf(value['profile'], faultProfiles, 'scenario.profile');
  }
  if (value['plantedBug'] !== undefined) {
    scenario.plantedBug = oneOf(value['plantedBug'], plantedBugs, 'scenario.plantedBug');
  }
  const recipeBug = value['plantedRecipeBug'];
  if (recipeBug !== undefined) {
    scenario.plantedRecipeBug = oneOf(recipeBug, recipeBugs, 'scenario.plantedRecipeBug');
  }
  rejectUnknownKeys(value, scenario, 'scenario');
  return scenario;
}

function parseFaultStep(value: unknown, path: string, nodes: number): FaultStep {
  if (!isRecord(value)) return fail(path, 'an object { atMs, fault }', value);
  const step: FaultStep = {
    atMs: finite(value['atMs'], `${path}.atMs`, 0),
    fault: parseFault(value['fault'], `${path}.fault`, nodes),
  };
  rejectUnknownKeys(value, step, path);
  return step;
}

function parseFault(value: unknown, path: string, nodes: number): Fault {
  if (!isRecord(value)) return fail(path, 'an object with a type', value);
  const type = oneOf(value['type'], Object.keys(faultTypes) as Fault['type'][], `${path}.type`);
  const field = (name: string): unknown => value[name];
  const server = (name: string): number => serverId(field(name), `${path}.${name}`, nodes);
  const serverOrLeader = (name: string): number | 'leader' =>
    field(name) === 'leader' ? 'leader' : server(name);
  const ms = (name: string): number => finite(field(name), `${path}.${name}`, 0);
  const fault = ((): Fault => {
    switch (type) {
      case 'partition':
        return { type, groups: parseGroups(field('groups'), `${path}.groups`, nodes) };
      case 'isolateLeader':
      case 'ring':
      case 'bridge':
      case 'heal':
        return { type };
      case 'oneWay':
        return { type, from: server('from'), to: server('to') };
      case 'crash':
      case 'crashAt':
      case 'diskError':
        return parseDiskFault(type, { path, field, target: serverOrLeader('server') });
      case 'restart':
      case 'reset':
      case 'bitFlip':
        return { type, server: server('server') };
      case 'pause':
        return { type, server: serverOrLeader('server'), forMs: ms('forMs') };
      case 'clock':
        return {
          type,
          server: server('server'),
          offsetMs: finite(field('offsetMs'), `${path}.offsetMs`),
          driftPpm: finite(field('driftPpm'), `${path}.driftPpm`),
        };
      case 'partitionClients':
        return {
          type,
          clients: idList(field('clients'), `${path}.clients`, (id, at) => integer(id, at, 1)),
          servers: idList(field('servers'), `${path}.servers`, (id, at) => serverId(id, at, nodes)),
        };
      case 'crashClient':
      case 'restartClient':
        return { type, client: integer(field('client'), `${path}.client`, 1) };
      case 'pauseClient':
        return {
          type,
          client: integer(field('client'), `${path}.client`, 1),
          forMs: finite(field('forMs'), `${path}.forMs`, 0),
        };
      case 'sessionRace':
        return parseSessionRace({ path, field, target: server('server') });
      case 'slow':
      case 'diskStall':
        return { type, server: server('server'), extraMs: ms('extraMs') };
      default:
        // Only the targeted kinds are left: a new fault type fails to compile until parsed.
        return parseTargetedFault(type, { server, ms });
    }
  })();
  rejectUnknownKeys(value, fault, path);
  return fault;
}

/** Crashes (with what their disk keeps) and disk errors, aimed at a server or the leader. */
function parseDiskFault(
  type: 'crash' | 'crashAt' | 'diskError',
  at: { path: string; field: (name: string) => unknown; target: number | 'leader' },
): Fault {
  const { path, field, target } = at;
  const fate = field('unsynced');
  const unsynced =
    fate === undefined ? {} : { unsynced: oneOf(fate, unsyncedFates, `${path}.unsynced`) };
  switch (type) {
    case 'crash':
      return { type, server: target, ...unsynced };
    case 'crashAt': {
      const window = oneOf(field('window'), crashWindows, `${path}.window`);
      return { type, server: target, window, ...unsynced };
    }
    case 'diskError': {
      const code = oneOf(field('code'), ['EIO', 'ENOSPC'] as const, `${path}.code`);
      return { type, server: target, code };
    }
  }
}

function parseSessionRace(at: { path: string; field: (name: string) => unknown; target: number }) {
  const { path, field, target } = at;
  const ending = oneOf(field('ending'), ['close', 'expire'] as const, `${path}.ending`);
  const pauseMs = finite(field('pauseMs'), `${path}.pauseMs`, 0);
  return { type: 'sessionRace' as const, server: target, ending, pauseMs };
}

function idList(
  value: unknown,
  path: string,
  parse: (id: unknown, at: string) => number,
): number[] {
  if (!Array.isArray(value)) return fail(path, 'an array of ids', value);
  return value.map((id: unknown, index) => parse(id, `${path}[${index}]`));
}

function serverId(value: unknown, path: string, nodes: number): number {
  const id = integer(value, path, 1);
  return id <= nodes ? id : fail(path, `a server id 1..${nodes}`, id);
}

function parseGroups(value: unknown, path: string, nodes: number): number[][] {
  if (!Array.isArray(value)) return fail(path, 'an array of server id arrays', value);
  return value.map((group: unknown, index) => {
    if (!Array.isArray(group)) return fail(`${path}[${index}]`, 'an array of server ids', group);
    return group.map((id: unknown, member) => serverId(id, `${path}[${index}][${member}]`, nodes));
  });
}
