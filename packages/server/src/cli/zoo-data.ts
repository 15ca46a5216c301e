// `pnpm zoo-data <command> <dir>`: inspects a member's data directory — its files and line
// structure, its transactions, a snapshot's summary — and verifies every checksum and record.
// Read-only and lock-free: it never repairs (recovery does that) and runs beside a live member.
// The one exception is `reset`, the repair of a member whose data is lost: it takes the lock.

import { Command, InvalidArgumentError } from 'commander';
import { inspectDataDir, type DataDirReport } from '../adapters/disk/inspect-data-dir.js';
import {
  formatListing,
  formatProblems,
  formatRecord,
  formatSnapshot,
} from '../adapters/disk/inspect-output.js';
import { resetDataDir } from '../adapters/disk/reset-data-dir.js';
import { segmentName } from '../adapters/disk/segment-file.js';
import { snapshotName } from '../adapters/disk/snapshot-file.js';

/** verify's exit codes: clean, corrupt (recovery refuses), only a torn tail (recovery cuts it). */
const exitCodes = { clean: 0, corrupt: 1, torn: 2 } as const;

function zxid(text: string): bigint {
  try {
    return BigInt(text);
  } catch {
    throw new InvalidArgumentError(`not a zxid (decimal, or hex as 0x…): ${text}`);
  }
}

function print(lines: readonly string[]): void {
  process.stdout.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}

/** Every command's options: where the log segments are, when not in the data directory. */
interface WhereOptions {
  logDir?: string;
}

async function inspect(dir: string, where: WhereOptions): Promise<DataDirReport> {
  try {
    return await inspectDataDir(dir, where.logDir ?? dir);
  } catch (error) {
    // Only an unreadable directory gets here: every file's trouble is a reported problem.
    process.stderr.write(`zoo-data: cannot read ${dir}: ${String(error)}\n`);
    process.exit(exitCodes.corrupt);
  }
}

async function list(dir: string, options: WhereOptions): Promise<void> {
  print(formatListing(await inspect(dir, options)));
}

async function log(
  dir: string,
  options: WhereOptions & { from?: bigint; to?: bigint },
): Promise<void> {
  const report = await inspect(dir, options);
  const isShown = (value: bigint): boolean =>
    (options.from === undefined || value >= options.from) &&
    (options.to === undefined || value <= options.to);
  for (const segment of report.segments) {
    const base = segment.header?.baseZxid ?? null;
    const line = segment.header?.startsLine === false ? 'continues the line' : 'starts a line';
    const from = base === null ? 'the empty tree' : snapshotName(base);
    print([`${segmentName(segment.seq)} (${line} from ${from})`]);
    for (const { record } of segment.records) {
      const at = record.type === 'txn' ? record.txn.zxid : record.afterZxid;
      if (isShown(at)) print(formatRecord(record).map((text) => `  ${text}`));
    }
  }
  if (report.problems.length > 0) print(formatProblems(report));
}

async function snapshot(
  dir: string,
  zxidText: string | undefined,
  options: WhereOptions & { nodes: boolean },
) {
  const report = await inspect(dir, options);
  const wanted = zxidText === undefined ? undefined : zxid(zxidText);
  const found = report.snapshots.find((s) => wanted === undefined || s.zxid === wanted);
  if (found === undefined) {
    const which = wanted === undefined ? 'no snapshot' : `no ${snapshotName(wanted)}`;
    process.stderr.write(`zoo-data: ${which} in ${dir}\n`);
    process.exit(exitCodes.corrupt);
  }
  if (found.content === null) {
    process.stderr.write(`zoo-data: ${formatProblems(report).join('\n')}\n`);
    process.exit(exitCodes.corrupt);
  }
  print(formatSnapshot(found, found.content, options.nodes));
}

async function verify(dir: string, options: WhereOptions): Promise<void> {
  const report = await inspect(dir, options);
  const records = report.segments.reduce((sum, segment) => sum + segment.records.length, 0);
  print([
    `${dir}: ${report.snapshots.length} snapshots, ${report.segments.length} log segments, ` +
      `${records} records read`,
    ...formatProblems(report),
  ]);
  const isCorrupt = report.problems.some((problem) => problem.severity === 'corrupt');
  const code = isCorrupt ? 'corrupt' : report.problems.length > 0 ? 'torn' : 'clean';
  process.exitCode = exitCodes[code];
}

async function reset(dir: string, options: WhereOptions): Promise<void> {
  const removed = await resetDataDir(dir, options.logDir ?? dir);
  print([
    ...removed.map((path) => `removed ${path}`),
    `${dir}: emptied and marked: started again, the member syncs from the ensemble's leader ` +
      'as a non-voter, then votes',
  ]);
}

const logDirOption = [
  '--log-dir <dir>',
  'where the log segments are, when zoo.cfg’s dataLogDir put them outside <dir>',
] as const;

const program = new Command()
  .name('zoo-data')
  .description('Inspect a Zoo data directory (read-only; safe while a member runs)');
program
  .command('list')
  .description('snapshots and log segments: zxid ranges, sizes, line structure, problems')
  .argument('<dir>', 'a member’s data directory')
  .option(...logDirOption)
  .action(list);
program
  .command('log')
  .description('every transaction, one per line: zxid, time, session, type, path')
  .argument('<dir>', 'a member’s data directory')
  .option('--from <zxid>', 'only from this zxid on', zxid)
  .option('--to <zxid>', 'only up to this zxid', zxid)
  .option(...logDirOption)
  .action(log);
program
  .command('snapshot')
  .description('a snapshot’s summary: zxid, node count, sessions (the newest by default)')
  .argument('<dir>', 'a member’s data directory')
  .argument('[zxid]', 'which snapshot (decimal, or hex as 0x…)')
  .option('--nodes', 'also list every node', false)
  .option(...logDirOption)
  .action(snapshot);
program
  .command('verify')
  .description(
    'check every checksum and record; exit 0 when clean, 1 on corruption recovery would ' +
      'refuse, 2 when only a torn tail (which recovery cuts off) is wrong',
  )
  .argument('<dir>', 'a member’s data directory')
  .option(...logDirOption)
  .action(verify);
program
  .command('reset')
  .description(
    'repair a member whose data is lost or refused: empty <dir> (keeping myid) and mark it to ' +
      'rejoin, so it syncs from the leader before it votes; refused while the member runs',
  )
  .argument('<dir>', 'a stopped member’s data directory')
  .option(...logDirOption)
  .action(reset);

await program.parseAsync();
