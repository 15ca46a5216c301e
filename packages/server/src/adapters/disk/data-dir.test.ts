import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openDataDir, type OpenDataDirOptions } from './data-dir.js';
import { CorruptDataDirError, DataDirLockedError } from './disk-errors.js';
import {
  createSnapshot,
  createTxns,
  flipBit,
  lastSegmentRecords,
  useTempDir,
  recordingLogger,
  listed,
  snapshotOp,
} from './testing/disk-fixtures.js';
import { persist } from './testing/write-data-dir.js';

const temp = useTempDir();

const options: OpenDataDirOptions = {
  logger: recordingLogger(),
  onFatal: (error) => {
    throw error;
  },
  segmentBytes: 16 * 1024,
};

describe('openDataDir', () => {
  test('a member restarts from its epochs, snapshot and the log after it', async () => {
    const dataDir = join(temp.dir, 'member-1');
    const first = await openDataDir(dataDir, options);
    expect(first.recovered).toMatchObject({ acceptedEpoch: 0, snapshot: null, log: [] });
    const snapshot = createSnapshot(0x200000000n);
    const txns = createTxns(0x200000001n, 5);
    await persist(first.txnLog, [
      { type: 'epochs', acceptedEpoch: 2, currentEpoch: 2 },
      snapshotOp(snapshot),
      { type: 'txns', txns },
    ]);
    await first.close();
    const second = await openDataDir(dataDir, options);
    expect(second.recovered).toMatchObject({ acceptedEpoch: 2, currentEpoch: 2 });
    expect(listed(second.recovered.snapshot)).toEqual(snapshot);
    expect(second.recovered.log).toEqual(txns);
    await second.close();
  });

  test('a second opener of the same directory is refused while the first has it', async () => {
    const first = await openDataDir(temp.dir, options);
    await expect(openDataDir(temp.dir, options)).rejects.toThrow(DataDirLockedError);
    await first.close();
    await (await openDataDir(temp.dir, options)).close();
  });

  test('a directory recovery refuses is left unlocked, with the error saying why', async () => {
    const opened = await openDataDir(temp.dir, options);
    await persist(opened.txnLog, [{ type: 'txns', txns: createTxns(1n, 6) }]);
    await opened.close();
    const { path, spans } = lastSegmentRecords(temp.dir);
    flipBit(path, (spans[1]?.[0] ?? 0) + 10);
    await expect(openDataDir(temp.dir, options)).rejects.toThrow(CorruptDataDirError);
    await expect(openDataDir(temp.dir, options)).rejects.toThrow(CorruptDataDirError);
  });
});
