// The zoo-data command run as a user runs it (its own process, through tsx) against data
// directories written by the real DiskTxnLog: clean, with a torn tail, with a flipped bit.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { snapshotName } from '../adapters/disk/snapshot-file.js';
import {
  createSnapshot,
  createTxns,
  flipBit,
  lastSegmentRecords,
  tearLastRecord,
  snapshotOp,
  useTempDir,
} from '../adapters/disk/testing/disk-fixtures.js';
import { writeDataDir } from '../adapters/disk/testing/write-data-dir.js';

const temp = useTempDir();
const cli = join(import.meta.dirname, 'zoo-data.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function zooData(...args: string[]): Promise<Run> {
  const argv = ['--import', 'tsx', '--conditions=zoo-source', cli, ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Ten txns, a SNAP's snapshot at 0x20000000a starting a new line, and five txns after it. */
async function writeSample(dir: string): Promise<void> {
  const snapshot = createSnapshot(0x20000000an);
  await writeDataDir(dir, [
    [{ type: 'txns', txns: createTxns(0x100000001n, 10) }],
    [snapshotOp(snapshot)],
    [{ type: 'txns', txns: createTxns(0x20000000bn, 5) }],
  ]);
}

describe('zoo-data', () => {
  test('--log-dir reads the segments zoo.cfg’s dataLogDir put elsewhere', async () => {
    const dataDir = join(temp.dir, 'data');
    const logDir = join(temp.dir, 'log');
    await writeDataDir(
      dataDir,
      [
        [{ type: 'txns', txns: createTxns(0x100000001n, 10) }],
        [snapshotOp(createSnapshot(0x10000000an))],
        [{ type: 'txns', txns: createTxns(0x10000000bn, 5) }],
      ],
      { logDir },
    );
    const verify = await zooData('verify', dataDir, '--log-dir', logDir);
    expect(verify).toMatchObject({ code: 0, stderr: '' });
    expect(verify.stdout).toMatch(/1 snapshots, 2 log segments, 15 records read/);
    const list = await zooData('list', dataDir, '--log-dir', logDir);
    expect(list.stdout).toContain(`log segments in ${logDir} (2):`);
    const log = await zooData('log', dataDir, '--log-dir', logDir, '--from', '0x10000000f');
    expect(log.stdout).toMatch(/0x10000000f/);
    // Without it, the directory holds the snapshot and no log at all.
    expect((await zooData('verify', dataDir)).stdout).toMatch(/1 snapshots, 0 log segments/);
  }, 30_000);

  test('verify exits 0 on a clean directory; list shows files, zxid ranges and lines', async () => {
    await writeSample(temp.dir);
    const verify = await zooData('verify', temp.dir);
    expect(verify).toMatchObject({ code: 0, stderr: '' });
    expect(verify.stdout).toMatch(/1 snapshots, 2 log segments, 15 records read/);
    expect(verify.stdout).toMatch(/no problems/);
    const list = await zooData('list', temp.dir);
    expect(list.code).toBe(0);
    const firstLine = list.stdout.split('\n').find((line) => line.includes('log.0000000000000000'));
    expect(firstLine).toMatch(/ starts the line from the empty tree {2}10 txns /);
    expect(firstLine).toMatch(/ {2}zxids 0x100000001–0x10000000a$/);
    expect(list.stdout).toMatch(
      /log\.0000000000000001 .* starts the line from snapshot\.000000020000000a {2}5 txns/,
    );
    expect(list.stdout).toMatch(/snapshot\.000000020000000a .* zxid 0x20000000a {2}2 nodes/);
  }, 30_000);

  test('log prints each txn readably; snapshot summarizes one', async () => {
    await writeSample(temp.dir);
    const log = await zooData('log', temp.dir, '--from', '0x20000000b', '--to', '0x20000000c');
    expect(log.code).toBe(0);
    const txnLines = log.stdout.split('\n').filter((line) => line.startsWith('  0x'));
    const time = new Date(1_700_000_000_000 + 0xb).toISOString();
    expect(txnLines).toEqual([
      `  0x20000000b  ${time}  session 0x100000000  cxid 11  create /n20000000b  8 B`,
      expect.stringMatching(/^ {2}0x20000000c .* create \/n20000000c {2}8 B$/),
    ]);
    const summary = await zooData('snapshot', temp.dir);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/zxid {6}0x20000000a/);
    expect(summary.stdout).toMatch(/nodes {5}2 \(data 19 B\)/);
    expect(summary.stdout).toMatch(/0x100000000 {2}timeout 30000 ms {2}0 ephemerals/);
  }, 30_000);

  test('verify exits 2 on a torn tail, naming the file and byte', async () => {
    await writeSample(temp.dir);
    const { spans } = lastSegmentRecords(temp.dir);
    tearLastRecord(temp.dir);
    const verify = await zooData('verify', temp.dir);
    expect(verify.code).toBe(2);
    expect(verify.stdout).toMatch(
      new RegExp(
        `TORN TAIL \\(recovery cuts it off\\): log\\.0000000000000001 at byte ${
          spans.at(-1)?.[0]
        }: `,
      ),
    );
  }, 30_000);

  test('verify exits 1 on a flipped bit inside the log or a snapshot', async () => {
    await writeSample(temp.dir);
    const { path, spans } = lastSegmentRecords(temp.dir);
    flipBit(path, (spans[1]?.[0] ?? 0) + 10);
    flipBit(join(temp.dir, snapshotName(0x20000000an)), 20);
    const verify = await zooData('verify', temp.dir);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /CORRUPT \(recovery refuses this\): snapshot\.000000020000000a at byte \d+: /,
    );
    expect(verify.stdout).toMatch(
      new RegExp(`CORRUPT .*: log\\.0000000000000001 at byte ${spans[1]?.[0]}: .*CRC32C`),
    );
  }, 30_000);
});
