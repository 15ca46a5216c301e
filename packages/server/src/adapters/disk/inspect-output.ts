// The data-directory inspector's text (zoo-data): the directory's files and line structure, its
// transactions one per line (zxid, time, session, type, path), a snapshot's summary, and the
// problems verify found. Pure formatting of what inspect-data-dir.ts read.

import { assertNever } from '@zoo/client/protocol';
import type { TxnBody } from '../../core/tree/txn.js';
import type { DataDirReport, SegmentReport, SnapshotReport } from './inspect-data-dir.js';
import type { LogRecord } from './log-record.js';
import { segmentName } from './segment-file.js';
import { snapshotName, type SnapshotFile } from './snapshot-file.js';

/** A zxid or session id as ZooKeeper prints them: 64-bit unsigned hex. */
export function hexZxid(zxid: bigint): string {
  return `0x${BigInt.asUintN(64, zxid).toString(16)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `list`: the directory, its snapshots newest first, its segments by line, and problems. */
export function formatListing(report: DataDirReport): string[] {
  const lock = report.lockPid === null ? 'not locked' : `locked by pid ${report.lockPid}`;
  const epochs =
    report.epochs === null
      ? 'epochs unreadable'
      : `acceptedEpoch ${report.epochs.acceptedEpoch}, currentEpoch ${report.epochs.currentEpoch}`;
  const lines = [`${report.dir}: ${lock}; ${epochs}`, `snapshots (${report.snapshots.length}):`];
  for (const snapshot of report.snapshots) lines.push(`  ${formatSnapshotLine(snapshot)}`);
  const where = report.logDir === report.dir ? '' : ` in ${report.logDir}`;
  lines.push(`log segments${where} (${report.segments.length}):`);
  for (const segment of report.segments) lines.push(`  ${formatSegmentLine(segment)}`);
  if (report.otherFiles.length > 0) lines.push(`other files: ${report.otherFiles.join(', ')}`);
  lines.push(...formatProblems(report));
  return lines;
}

function formatSnapshotLine(report: SnapshotReport): string {
  const head = `${report.file}  ${formatBytes(report.sizeBytes).padStart(10)}`;
  if (report.content === null) return `${head}  does not check (see problems)`;
  const { snapshot, fromSeq } = report.content;
  return (
    `${head}  zxid ${hexZxid(snapshot.zxid)}  ${snapshot.nodes.length} nodes  ` +
    `${snapshot.sessions.length} sessions  log from ${segmentName(fromSeq)}`
  );
}

function formatSegmentLine(report: SegmentReport): string {
  const size = `${formatBytes(report.sizeBytes).padStart(10)}`;
  const head = `${report.file}  ${size}`;
  if (report.header === null) return `${head}  no valid header`;
  const { baseZxid, startsLine } = report.header;
  const base = baseZxid === null ? 'the empty tree' : snapshotName(baseZxid);
  const line = startsLine ? `starts the line from ${base}` : 'continues the line';
  const txns = report.records.filter(({ record }) => record.type === 'txn').length;
  const truncations = report.records.length - txns;
  const zxids =
    report.firstZxid === null || report.lastZxid === null
      ? 'no txns'
      : `zxids ${hexZxid(report.firstZxid)}–${hexZxid(report.lastZxid)}`;
  const used = `${formatBytes(report.end.offsetBytes)} used`;
  const cut = truncations === 0 ? '' : `, ${truncations} truncations`;
  return `${head}  ${used}  ${line}  ${txns} txns${cut}  ${zxids}`;
}

/** `verify`'s verdict, also the end of `list`. */
export function formatProblems(report: DataDirReport): string[] {
  if (report.problems.length === 0) return ['no problems: every checksum and record checks'];
  return report.problems.map(({ severity, message }) =>
    severity === 'torn'
      ? `TORN TAIL (recovery cuts it off): ${message}`
      : `CORRUPT (recovery refuses this): ${message}`,
  );
}

/** `log`: one record per line; a multi's ops follow it, indented. */
export function formatRecord(record: LogRecord): string[] {
  if (record.type === 'truncate') return [`truncate: the txns after ${hexZxid(record.afterZxid)}`];
  const { zxid, timeMs, sessionId, cxid, body } = record.txn;
  const head =
    `${hexZxid(zxid)}  ${new Date(timeMs).toISOString()}  session ${hexZxid(sessionId)}` +
    `  cxid ${cxid}`;
  const lines = [`${head}  ${formatBody(body)}`];
  if (body.type === 'multi') for (const op of body.ops) lines.push(`    ${formatBody(op)}`);
  return lines;
}

function formatBody(body: TxnBody): string {
  switch (body.type) {
    case 'create': {
      const owner = body.ephemeralOwner === 0n ? '' : `  owner ${hexZxid(body.ephemeralOwner)}`;
      return `create ${body.path}  ${formatData(body.data)}${owner}`;
    }
    case 'delete':
    case 'deleteContainer':
      return `${body.type} ${body.path}`;
    case 'setData':
      return `setData ${body.path}  ${formatData(body.data)}  version ${body.version}`;
    case 'setACL':
      return `setACL ${body.path}  aversion ${body.version}`;
    case 'check':
      return `check ${body.path}  version ${body.version}`;
    case 'multi':
      return `multi (${body.ops.length} ops)`;
    case 'error':
      return `error ${body.err}`;
    case 'multiError':
      return `multiError ${body.errs.join(',')}`;
    case 'createSession':
      return `createSession  timeout ${body.timeoutMs} ms`;
    case 'closeSession':
      return `closeSession  ${body.ephemeralPaths.length} ephemerals deleted`;
    default:
      return assertNever(body, 'txn body');
  }
}

function formatData(data: Buffer | null): string {
  return data === null ? 'no data' : formatBytes(data.length);
}

/** `snapshot`: its zxid, where its log goes on, its nodes and sessions; `nodes` lists each. */
export function formatSnapshot(report: SnapshotReport, file: SnapshotFile, nodes: boolean) {
  const { zxid, sessions } = file.snapshot;
  const ephemerals = new Map<bigint, number>();
  let dataBytes = 0;
  for (const node of file.snapshot.nodes) {
    dataBytes += node.data?.length ?? 0;
    if (node.ephemeralOwner === 0n) continue;
    ephemerals.set(node.ephemeralOwner, (ephemerals.get(node.ephemeralOwner) ?? 0) + 1);
  }
  const lines = [
    `${report.file} (${formatBytes(report.sizeBytes)})`,
    `  zxid      ${hexZxid(zxid)}`,
    `  log from  ${segmentName(file.fromSeq)}`,
    `  nodes     ${file.snapshot.nodes.length} (data ${formatBytes(dataBytes)})`,
    `  sessions  ${sessions.length}`,
  ];
  for (const session of sessions) {
    const owned = ephemerals.get(session.sessionId) ?? 0;
    lines.push(
      `    ${hexZxid(session.sessionId)}  timeout ${session.timeoutMs} ms  ${owned} ephemerals`,
    );
  }
  if (!nodes) return lines;
  lines.push('  nodes:');
  for (const node of file.snapshot.nodes) {
    const owner = node.ephemeralOwner === 0n ? '' : `  owner ${hexZxid(node.ephemeralOwner)}`;
    lines.push(
      `    ${node.path}  ${formatData(node.data)}  version ${node.version}  ` +
        `mzxid ${hexZxid(node.mzxid)}${owner}`,
    );
  }
  return lines;
}
