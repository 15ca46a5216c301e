// zoo.cfg's dataLogDir: the txn log's segments live there while the snapshots and the epochs
// file stay in dataDir, as ZooKeeper keeps version-2/log.* in dataLogDir and its snapshots and
// acceptedEpoch/currentEpoch in dataDir. Locking, recovery, retention and the inspector all
// find each file where it is.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { PersistOp } from '../../core/replication/replication.js';
import { openDataDir, type OpenDataDir, type OpenDataDirOptions } from './data-dir.js';
import { DataDirLockedError } from './disk-errors.js';
import { inspectDataDir } from './inspect-data-dir.js';
import { snapshotName } from './snapshot-file.js';
import {
  createSnapshot,
  createTxns,
  listed,
  recordingLogger,
  snapshotOp,
  useTempDir,
} from './testing/disk-fixtures.js';
import { persist } from './testing/write-data-dir.js';

const temp = useTempDir();

/** Small segments, so that retention has whole segments to remove. */
const options: OpenDataDirOptions = { logger: recordingLogger(), onFatal, segmentBytes: 1024 };

function onFatal(error: Error): never {
  throw error;
}

const segmentsIn = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('log.'));
const snapshotsIn = (dir: string): string[] =>
  readdirSync(dir).filter((name) => name.startsWith('snapshot.'));

/** Four SNAP snapshots, each followed by ten txns, with the epochs written first. */
function history(): PersistOp[][] {
  const batches: PersistOp[][] = [[{ type: 'epochs', acceptedEpoch: 1, currentEpoch: 1 }]];
  for (let i = 1; i <= 4; i++) {
    const zxid = BigInt(i * 10);
    batches.push([snapshotOp(createSnapshot(zxid))]);
    batches.push([{ type: 'txns', txns: createTxns(zxid + 1n, 10) }]);
  }
  return batches;
}

/** Writes history() into a dataDir with its log in a log directory; leaves it open. */
async function openSplit(): Promise<{ dataDir: string; logDir: string; opened: OpenDataDir }> {
  const dataDir = join(temp.dir, 'data');
  const logDir = join(temp.dir, 'log');
  const opened = await openDataDir(dataDir, { ...options, logDir });
  for (const batch of history()) await persist(opened.txnLog, batch);
  return { dataDir, logDir, opened };
}

describe('dataLogDir', () => {
  test('segments go to the log directory; snapshots and epochs stay in dataDir', async () => {
    const { dataDir, logDir, opened } = await openSplit();
    await opened.close();
    expect(segmentsIn(logDir).length).toBeGreaterThan(1);
    expect(segmentsIn(dataDir)).toEqual([]);
    expect(snapshotsIn(dataDir)).toHaveLength(4);
    expect(readdirSync(dataDir)).toContain('epochs');
    expect(readdirSync(logDir).filter((n) => n === 'epochs' || n.startsWith('snapshot.'))).toEqual(
      [],
    );
    const second = await openDataDir(dataDir, { ...options, logDir });
    expect(second.recovered).toMatchObject({ acceptedEpoch: 1, currentEpoch: 1 });
    expect(listed(second.recovered.snapshot)).toEqual(createSnapshot(40n));
    expect(second.recovered.log).toEqual(createTxns(41n, 10));
    await second.close();
  });

  test('recovery without the log directory does not find the log', async () => {
    const { dataDir, opened } = await openSplit();
    await opened.close();
    // The snapshot names segments that are not in dataDir: recovery refuses, it does not guess.
    await expect(openDataDir(dataDir, options)).rejects.toThrow(/log from .* is gone/);
  });

  test('both directories are locked: another member cannot share the log directory', async () => {
    const logDir = join(temp.dir, 'log');
    const first = await openDataDir(join(temp.dir, 'a'), { ...options, logDir });
    await expect(openDataDir(join(temp.dir, 'b'), { ...options, logDir })).rejects.toThrow(
      DataDirLockedError,
    );
    // The refused member let go of its own dataDir again.
    await (await openDataDir(join(temp.dir, 'b'), options)).close();
    await first.close();
    await (await openDataDir(join(temp.dir, 'b'), { ...options, logDir })).close();
  });

  test('retention removes old snapshots from dataDir and old segments from the log', async () => {
    const { dataDir, logDir, opened } = await openSplit();
    const segmentsBefore = segmentsIn(logDir).length;
    const removed = await opened.purge(2);
    await opened.close();
    expect(removed).toEqual(expect.arrayContaining([snapshotName(10n), snapshotName(20n)]));
    expect(snapshotsIn(dataDir).sort()).toEqual([snapshotName(30n), snapshotName(40n)]);
    expect(segmentsIn(logDir).length).toBeLessThan(segmentsBefore);
    const again = await openDataDir(dataDir, { ...options, logDir });
    expect(again.recovered.log).toEqual(createTxns(41n, 10));
    await again.close();
  });

  test('the inspector reads segments from the log directory and checks them', async () => {
    const { dataDir, logDir, opened } = await openSplit();
    await opened.close();
    const report = await inspectDataDir(dataDir, logDir);
    expect(report.problems).toEqual([]);
    expect(report.logDir).toBe(logDir);
    expect(report.snapshots).toHaveLength(4);
    expect(report.segments.map((s) => s.file)).toEqual(segmentsIn(logDir).sort());
    expect(report.segments.at(-1)?.lastZxid).toBe(50n);
    expect(report.otherFiles).toEqual([]);
    // Read as if the log were in dataDir, there is none.
    expect((await inspectDataDir(dataDir)).segments).toEqual([]);
  });
});
