import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { PersistOp } from '../../core/replication/replication.js';
import { inspectDataDir } from './inspect-data-dir.js';
import { snapshotName } from './snapshot-file.js';
import {
  createSnapshot,
  createTxns,
  flipBit,
  lastSegmentRecords,
  tearLastRecord,
  useTempDir,
  snapshotOp,
} from './testing/disk-fixtures.js';
import { writeDataDir } from './testing/write-data-dir.js';

const temp = useTempDir();

/** Every file's name and content hash: what an inspection must leave exactly as it was. */
function fingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((name) => [
      name,
      createHash('sha256')
        .update(readFileSync(join(dir, name)))
        .digest('hex'),
    ]),
  );
}

/**
 * A line from the empty tree over several segments (64 KiB each), a truncation, then a SNAP's
 * snapshot starting a second line, and epochs.
 */
async function writeTwoLines(dir: string): Promise<void> {
  const first = createTxns(0x100000001n, 900);
  const batches: PersistOp[][] = [];
  for (let start = 0; start < first.length; start += 100) {
    batches.push([{ type: 'txns', txns: first.slice(start, start + 100) }]);
  }
  batches.push([{ type: 'truncate', afterZxid: 0x100000380n }]);
  batches.push([{ type: 'txns', txns: createTxns(0x200000001n, 5) }]);
  batches.push([{ type: 'epochs', acceptedEpoch: 3, currentEpoch: 3 }]);
  batches.push([snapshotOp(createSnapshot(0x300000000n))]);
  batches.push([{ type: 'txns', txns: createTxns(0x300000001n, 10) }]);
  await writeDataDir(dir, batches);
}

describe('inspectDataDir: a directory written by DiskTxnLog', () => {
  test('lists snapshots and segments with zxid ranges, line structure and epochs', async () => {
    await writeTwoLines(temp.dir);
    const report = await inspectDataDir(temp.dir);
    expect(report.problems).toEqual([]);
    expect(report.epochs).toEqual({ acceptedEpoch: 3, currentEpoch: 3 });
    expect(report.snapshots.map((s) => [s.file, s.content?.snapshot.nodes.length])).toEqual([
      [snapshotName(0x300000000n), 2],
    ]);
    const segments = report.segments;
    expect(segments.length).toBeGreaterThan(2);
    expect(segments[0]?.header).toEqual({ seq: 0, baseZxid: null, startsLine: true });
    expect(segments[0]?.firstZxid).toBe(0x100000001n);
    const newLine = segments.findIndex((s) => s.header?.baseZxid === 0x300000000n);
    expect(segments[newLine]?.header?.startsLine).toBe(true);
    expect(segments[newLine]?.firstZxid).toBe(0x300000001n);
    expect(segments[newLine]?.lastZxid).toBe(0x30000000an);
    // The first line: continued over segments, its last records a truncation and epoch 2.
    const firstLine = segments.slice(0, newLine);
    expect(firstLine.slice(1).every((s) => s.header?.startsLine === false)).toBe(true);
    expect(firstLine.at(-1)?.lastZxid).toBe(0x200000005n);
    const records = firstLine.flatMap((s) => s.records.map(({ record }) => record));
    expect(records.filter((r) => r.type === 'txn')).toHaveLength(905);
    expect(records).toContainEqual({ type: 'truncate', afterZxid: 0x100000380n });
    expect(segments.every((s) => s.end.type === 'clean')).toBe(true);
  });

  test('a torn tail is reported as torn, and no byte of the directory changes', async () => {
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: createTxns(0x100000001n, 6) }]]);
    tearLastRecord(temp.dir);
    const before = fingerprint(temp.dir);
    const report = await inspectDataDir(temp.dir);
    expect(fingerprint(temp.dir)).toEqual(before);
    expect(report.problems).toEqual([
      expect.objectContaining({ severity: 'torn', file: 'log.0000000000000000' }),
    ]);
    expect(report.segments[0]?.records).toHaveLength(5);
    expect(report.segments[0]?.end.type).toBe('torn');
  });

  test('a flipped bit in a record with records after it is corruption', async () => {
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: createTxns(0x100000001n, 6) }]]);
    const { path, spans } = lastSegmentRecords(temp.dir);
    const [start = 0] = spans[2] ?? [];
    flipBit(path, start + 12);
    const report = await inspectDataDir(temp.dir);
    expect(report.problems).toEqual([
      {
        severity: 'corrupt',
        file: 'log.0000000000000000',
        message: expect.stringMatching(
          new RegExp(`at byte ${start}: .*CRC32C, followed by a valid record`),
        ) as unknown,
      },
    ]);
    expect(report.segments[0]?.records).toHaveLength(2);
  });

  test('a bad last record of a segment before the last is corruption, not torn', async () => {
    await writeTwoLines(temp.dir);
    const first = readdirSync(temp.dir).find((name) => name.startsWith('log.'));
    const report = await inspectDataDir(temp.dir);
    const firstSegment = report.segments[0];
    const lastRecord = firstSegment?.records.at(-1);
    if (first === undefined || firstSegment === undefined || lastRecord === undefined) {
      throw new Error('no first segment');
    }
    flipBit(join(temp.dir, first), lastRecord.offsetBytes + 12);
    const problems = (await inspectDataDir(temp.dir)).problems;
    expect(problems.map((p) => [p.severity, p.file])).toEqual([['corrupt', first]]);
    expect(problems[0]?.message).toMatch(/in a segment before the last/);
  });

  test('a flipped bit in a snapshot or the epochs file is corruption', async () => {
    await writeTwoLines(temp.dir);
    flipBit(join(temp.dir, snapshotName(0x300000000n)), -3);
    flipBit(join(temp.dir, 'epochs'), -1);
    const report = await inspectDataDir(temp.dir);
    expect(report.problems.map((p) => [p.severity, p.file])).toEqual([
      ['corrupt', snapshotName(0x300000000n)],
      ['corrupt', 'epochs'],
    ]);
    expect(report.snapshots[0]?.content).toBeNull();
    expect(report.epochs).toBeNull();
  });
});
