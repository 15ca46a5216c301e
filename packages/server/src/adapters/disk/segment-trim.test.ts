import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nodeDiskFs } from './disk-fs.js';
import { recover } from './recover.js';
import {
  createTxn,
  createTxns,
  fsError,
  recordingLogger,
  snapshotOp,
  createSnapshot,
  useTempDir,
} from './testing/disk-fixtures.js';
import { openDiskLog, persist, writeDataDir } from './testing/write-data-dir.js';

const temp = useTempDir();

/** Each segment's size in bytes, oldest first. */
function segmentSizes(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^log\.[0-9a-f]{16}$/.test(name))
    .sort()
    .map((name) => statSync(join(dir, name)).size);
}

const zxidsOf = async (dir: string): Promise<bigint[]> =>
  (await recover(dir, { logger: recordingLogger() })).log.map((txn) => txn.zxid);

describe('the segment a log closes last', () => {
  test('loses its zeros, and every start after reads back what each one wrote', async () => {
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: createTxns(1n, 5) }]]);
    const [first] = segmentSizes(temp.dir);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(4096); // five small records, not the 64 KiB preallocated
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: createTxns(6n, 3) }]]);
    await writeDataDir(temp.dir, []); // a start that writes nothing keeps only its header
    const sizes = segmentSizes(temp.dir);
    expect(sizes).toHaveLength(3);
    expect(Math.max(...sizes)).toBeLessThan(4096);
    expect(await zxidsOf(temp.dir)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
  });

  test('rolled segments stay whole; the one after a snapshot restart is trimmed too', async () => {
    // About 100 KiB of records: over one 64 KiB segment.
    const txns = Array.from({ length: 100 }, (_, index) => createTxn(BigInt(index + 1), 1000));
    await writeDataDir(temp.dir, [
      [{ type: 'txns', txns: txns.slice(0, 50) }],
      [{ type: 'txns', txns: txns.slice(50) }],
    ]);
    const sizes = segmentSizes(temp.dir);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes[0]).toBe(64 * 1024);
    expect(sizes.at(-1)).toBeLessThan(64 * 1024);
    expect(await zxidsOf(temp.dir)).toEqual(txns.map((txn) => txn.zxid));
    await writeDataDir(temp.dir, [[snapshotOp(createSnapshot(100n))]]);
    expect(segmentSizes(temp.dir).at(-1)).toBeLessThan(4096);
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.snapshot?.zxid).toBe(100n);
    expect(recovered.log).toEqual([]);
  });

  test('a failed cut is logged and leaves the zeros, which recovery reads as before', async () => {
    const logger = recordingLogger();
    const fs = {
      ...nodeDiskFs,
      ftruncate: (fd: number, length: number) =>
        length < 64 * 1024
          ? Promise.reject(fsError('EIO', 'ftruncate'))
          : nodeDiskFs.ftruncate(fd, length),
    };
    const log = await openDiskLog(temp.dir, { logger, fs });
    await persist(log, [{ type: 'txns', txns: createTxns(1n, 2) }]);
    await log.close();
    expect(segmentSizes(temp.dir)).toEqual([64 * 1024]);
    expect(logger.lines.some((line) => line.includes('cutting the zeros'))).toBe(true);
    expect(await zxidsOf(temp.dir)).toEqual([1n, 2n]);
  });
});
