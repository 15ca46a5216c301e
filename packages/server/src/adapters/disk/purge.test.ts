import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { PersistOp } from '../../core/replication/replication.js';
import { purge } from './purge.js';
import { recover } from './recover.js';
import { snapshotName } from './snapshot-file.js';
import {
  createSnapshot,
  createTxns,
  flipBit,
  listed,
  useTempDir,
  recordingLogger,
  snapshotOp,
} from './testing/disk-fixtures.js';
import { writeDataDir } from './testing/write-data-dir.js';

const temp = useTempDir();

const logger = recordingLogger();
const files = (): string[] => readdirSync(temp.dir).filter((name) => name !== 'epochs');

/** Four snapshots, each with the log after it reaching the next one's zxid exactly. */
async function writeHistory(): Promise<void> {
  const batches: PersistOp[][] = [[{ type: 'txns', txns: createTxns(1n, 10) }]];
  for (let i = 1; i <= 4; i++) {
    const zxid = BigInt(i * 10);
    batches.push([snapshotOp(createSnapshot(zxid))]);
    batches.push([{ type: 'txns', txns: createTxns(zxid + 1n, 10) }]);
  }
  await writeDataDir(temp.dir, batches, { segmentBytes: 1024 });
}

describe('purge', () => {
  test('keeps the newest snapshots and the segments from the oldest kept one on', async () => {
    await writeHistory();
    const before = await recover(temp.dir, { logger });
    const removed = await purge(temp.dir, 2, { logger });
    expect(removed).toContain(snapshotName(10n));
    expect(removed).toContain(snapshotName(20n));
    expect(files()).toContain(snapshotName(30n));
    expect(files()).toContain(snapshotName(40n));
    expect(removed.filter((name) => name.startsWith('log.')).length).toBeGreaterThan(0);
    const after = await recover(temp.dir, { logger });
    expect(listed(after.snapshot)).toEqual(listed(before.snapshot));
    expect(after.log).toEqual(before.log);
  });

  test('what purge keeps lets recovery fall back past a corrupt newest snapshot', async () => {
    await writeHistory();
    await purge(temp.dir, 2, { logger });
    flipBit(join(temp.dir, snapshotName(40n)), -10);
    const recovered = await recover(temp.dir, { logger });
    expect(recovered.snapshot?.zxid).toBe(30n);
    expect(recovered.log).toEqual(createTxns(31n, 20));
  });

  test('with fewer snapshots than retained, nothing is removed', async () => {
    await writeHistory();
    const before = files();
    expect(await purge(temp.dir, 5, { logger })).toEqual([]);
    expect(files()).toEqual(before);
  });

  test('with as many snapshots as retained, only the log before the oldest goes', async () => {
    await writeHistory();
    const removed = await purge(temp.dir, 4, { logger });
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((name) => name.startsWith('log.'))).toBe(true);
    expect((await recover(temp.dir, { logger })).log).toEqual(createTxns(41n, 10));
  });

  test('refuses a retain count below one', async () => {
    await expect(purge(temp.dir, 0, { logger })).rejects.toThrow(RangeError);
  });
});
