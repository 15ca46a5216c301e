// Turns one run's raw wire outcomes into server-independent values the differential test can
// compare with deep equality: zxids become their rank within the run, times are checked for
// order against the zxids, session ids become s0/s1, paths lose the run's base, lists are sorted.

import type { Acl, MultiOpResult, Response, Stat } from './protocol.js';
import type { ReceivedNotification } from './wire-client.js';

export interface OpOutcome {
  /** 'closed' when the connection died instead of answering. */
  err: number | 'closed';
  zxid: bigint;
  body: Response | null;
  /** Per session, the notifications that arrived since the previous op. */
  notifications: ReceivedNotification[][];
}

export interface RunRecord {
  base: string;
  sessionIds: readonly bigint[];
  outcomes: OpOutcome[];
}

export interface NormalizedStat {
  czxid: string;
  mzxid: string;
  pzxid: string;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export interface NormalizedOutcome {
  err: number | 'closed';
  zxid: string;
  body: unknown;
  notifications: string[][];
}

export interface NormalizedRun {
  outcomes: NormalizedOutcome[];
  /** Broken time rules (same zxid with two times, or time going back as zxids grow). */
  timeIssues: string[];
}

function multiResultStats(result: MultiOpResult): Stat[] {
  switch (result.type) {
    case 'create':
    case 'getChildren':
      return result.stat === null ? [] : [result.stat];
    case 'setData':
    case 'getData':
      return [result.stat];
    default:
      return [];
  }
}

/** Every Stat inside a response body. */
export function statsOf(body: Response | null): Stat[] {
  if (body === null) return [];
  switch (body.type) {
    case 'create':
    case 'getChildren':
      return body.stat === null ? [] : [body.stat];
    case 'stat':
    case 'getData':
    case 'getACL':
      return [body.stat];
    case 'multi':
      return body.results.flatMap(multiResultStats);
    default:
      return [];
  }
}

/** Labels each positive zxid by its rank among the run's distinct zxids; 0 and −1 stay literal. */
export function zxidRanks(outcomes: readonly OpOutcome[]): (zxid: bigint) => string {
  const seen = new Set<bigint>();
  const add = (zxid: bigint): void => {
    if (zxid > 0n) seen.add(zxid);
  };
  for (const outcome of outcomes) {
    add(outcome.zxid);
    for (const stat of statsOf(outcome.body)) {
      add(stat.czxid);
      add(stat.mzxid);
      add(stat.pzxid);
    }
    for (const received of outcome.notifications.flat()) add(received.zxid);
  }
  const sorted = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(sorted.map((zxid, index) => [zxid, index + 1]));
  return (zxid) => {
    const r = rank.get(zxid);
    return r === undefined ? String(zxid) : `z${r}`;
  };
}

/**
 * ZooKeeper stamps one time per transaction, so a zxid has one time and time never goes back
 * as zxids grow. Checked per server; across servers times are then compared through zxid ranks.
 */
export function timeIssues(outcomes: readonly OpOutcome[]): string[] {
  const timeByZxid = new Map<bigint, bigint>();
  const issues: string[] = [];
  const note = (zxid: bigint, time: bigint, field: string): void => {
    const known = timeByZxid.get(zxid);
    if (known === undefined) timeByZxid.set(zxid, time);
    else if (known !== time) issues.push(`zxid ${zxid} has times ${known} and ${time} (${field})`);
  };
  for (const outcome of outcomes) {
    for (const stat of statsOf(outcome.body)) {
      note(stat.czxid, stat.ctime, 'ctime');
      note(stat.mzxid, stat.mtime, 'mtime');
    }
  }
  const ordered = [...timeByZxid].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 1; i < ordered.length; i++) {
    const [previousZxid, previousTime] = ordered[i - 1] ?? [0n, 0n];
    const [zxid, time] = ordered[i] ?? [0n, 0n];
    if (time < previousTime) {
      issues.push(
        `time goes back: zxid ${previousZxid} at ${previousTime}, zxid ${zxid} at ${time}`,
      );
    }
  }
  return issues;
}

interface Labels {
  zxid: (zxid: bigint) => string;
  path: (path: string) => string;
  owner: (owner: bigint) => string;
}

function normalizeStat(stat: Stat, labels: Labels): NormalizedStat {
  return {
    czxid: labels.zxid(stat.czxid),
    mzxid: labels.zxid(stat.mzxid),
    pzxid: labels.zxid(stat.pzxid),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: labels.owner(stat.ephemeralOwner),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}

const hex = (data: Buffer | null): string | null => (data === null ? null : data.toString('hex'));
const aclText = (acl: readonly Acl[]): string[] =>
  acl.map((entry) => `${entry.perms} ${entry.id.scheme}:${entry.id.id}`);
const sorted = (items: readonly string[]): string[] => [...items].sort();

function normalizeMultiResult(result: MultiOpResult, labels: Labels): unknown {
  switch (result.type) {
    case 'create':
      return {
        type: 'create',
        path: labels.path(result.path),
        stat: result.stat === null ? null : normalizeStat(result.stat, labels),
      };
    case 'setData':
      return { type: 'setData', stat: normalizeStat(result.stat, labels) };
    case 'getData':
      return { type: 'getData', data: hex(result.data), stat: normalizeStat(result.stat, labels) };
    case 'getChildren':
      return { type: 'getChildren', children: sorted(result.children) };
    default:
      return result;
  }
}

export function normalizeBody(body: Response | null, labels: Labels): unknown {
  if (body === null) return null;
  switch (body.type) {
    case 'create':
    case 'multi':
      return body.type === 'create'
        ? normalizeMultiResult(body, labels)
        : { type: 'multi', results: body.results.map((r) => normalizeMultiResult(r, labels)) };
    case 'stat':
      return { type: 'stat', stat: normalizeStat(body.stat, labels) };
    case 'getData':
      return { type: 'getData', data: hex(body.data), stat: normalizeStat(body.stat, labels) };
    case 'getACL':
      return { type: 'getACL', acl: aclText(body.acl), stat: normalizeStat(body.stat, labels) };
    case 'getChildren':
      return {
        type: 'getChildren',
        // ZooKeeper returns children in hash-set order, which clients must not rely on.
        children: sorted(body.children),
        stat: body.stat === null ? null : normalizeStat(body.stat, labels),
      };
    case 'path':
      return { type: 'path', path: body.path === null ? null : labels.path(body.path) };
    case 'ephemerals':
      return { type: 'ephemerals', paths: sorted(body.paths.map(labels.path)) };
    default:
      return body;
  }
}

function labelsFor(run: RunRecord): Labels {
  const zxid = zxidRanks(run.outcomes);
  const path = (p: string): string =>
    p === run.base || p.startsWith(`${run.base}/`) ? `@${p.slice(run.base.length)}` : p;
  const owner = (o: bigint): string => {
    if (o === 0n) return '0';
    const index = run.sessionIds.indexOf(o);
    return index >= 0 ? `s${index}` : `foreign:0x${BigInt.asUintN(64, o).toString(16)}`;
  };
  return { zxid, path, owner };
}

/** `<type> <path> <zxid> state<state>`; the order of fields matters to the Reconciler. */
function describeEvent(n: ReceivedNotification, labels: Labels): string {
  const { type, path, state } = n.event;
  return `${type} ${labels.path(path)} ${labels.zxid(n.zxid)} state${state}`;
}

export function normalizeRun(run: RunRecord): NormalizedRun {
  const labels = labelsFor(run);
  const outcomes = run.outcomes.map((outcome) => ({
    err: outcome.err,
    zxid: labels.zxid(outcome.zxid),
    body: normalizeBody(outcome.body, labels),
    notifications: outcome.notifications.map((received) =>
      sorted(received.map((n) => describeEvent(n, labels))),
    ),
  }));
  return { outcomes, timeIssues: timeIssues(run.outcomes) };
}
