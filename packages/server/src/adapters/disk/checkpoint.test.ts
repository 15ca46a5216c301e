import { existsSync, readdirSync, rmSync } from 'node:fs';
import { streamOfSnapshot } from '../../core/tree/tree-snapshot.js';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Txn } from '../../core/tree/txn.js';
import { purge } from './purge.js';
import { recover } from './recover.js';
import { snapshotName } from './snapshot-file.js';
import {
  createSnapshot,
  createTxns,
  recordingLogger,
  useTempDir,
} from './testing/disk-fixtures.js';
import { openDiskLog, persist } from './testing/write-data-dir.js';

const temp = useTempDir();
const epoch = 0x100000000n;

/** A checkpoint at `zxid` of a log that holds `logged`: its tail is what follows the zxid. */
function checkpointOf(zxid: bigint, logged: readonly Txn[]) {
  const tail = logged.filter((txn) => txn.zxid > zxid);
  return { type: 'checkpoint', snapshot: streamOfSnapshot(createSnapshot(zxid)), tail } as const;
}

describe('checkpoints: a snapshot beside the log, which goes on', () => {
  test('recovery starts at the checkpoint and keeps the txns logged after it', async () => {
    const txns = createTxns(epoch + 1n, 12);
    const log = await openDiskLog(temp.dir);
    await persist(log, [
      { type: 'txns', txns: txns.slice(0, 10) },
      checkpointOf(epoch + 6n, txns.slice(0, 10)),
    ]);
    await persist(log, [{ type: 'txns', txns: txns.slice(10) }]);
    await log.close();
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.snapshot?.zxid).toBe(epoch + 6n);
    expect(recovered.log).toEqual(txns.slice(6));
  });

  test('a crash before the snapshot is whole loses nothing: the log replays', async () => {
    const txns = createTxns(epoch + 1n, 8);
    const log = await openDiskLog(temp.dir);
    await persist(log, [{ type: 'txns', txns }, checkpointOf(epoch + 5n, txns)]);
    await log.close();
    // The snapshot write was cut short: its temp file never got renamed.
    rmSync(join(temp.dir, snapshotName(epoch + 5n)));
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.snapshot).toBeNull();
    expect(recovered.log).toEqual(txns);
  });

  test('a restarted member checkpoints again and recovers the same', async () => {
    const txns = createTxns(epoch + 1n, 30);
    let log = await openDiskLog(temp.dir);
    await persist(log, [
      { type: 'txns', txns: txns.slice(0, 10) },
      checkpointOf(epoch + 8n, txns.slice(0, 10)),
    ]);
    await log.close();
    log = await openDiskLog(temp.dir);
    await persist(log, [{ type: 'txns', txns: txns.slice(10, 20) }]);
    await log.close();
    log = await openDiskLog(temp.dir);
    await persist(log, [{ type: 'txns', txns: txns.slice(20) }, checkpointOf(epoch + 15n, txns)]);
    await log.close();
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.snapshot?.zxid).toBe(epoch + 15n);
    expect(recovered.log).toEqual(txns.slice(15));
  });

  test('retention after checkpoints keeps the directory bounded and recovery exact', async () => {
    const logger = recordingLogger();
    const txns = createTxns(epoch + 1n, 4000);
    const log = await openDiskLog(temp.dir, {
      logger,
      segmentBytes: 16 * 1024,
      afterSnapshot: async () => {
        await purge(temp.dir, 2, { logger });
      },
    });
    const fileCounts: number[] = [];
    for (let start = 0; start < txns.length; start += 200) {
      const batch = txns.slice(start, start + 200);
      const logged = txns.slice(0, start + 200);
      // Checkpoint somewhat behind the log, as a peer applies behind what it logged.
      const at = logged.at(-60)?.zxid ?? epoch;
      await persist(log, [{ type: 'txns', txns: batch }, checkpointOf(at, logged)]);
      // A checkpoint is skipped while the last is still being written: wait for each one.
      await log.snapshotSettled();
      expect(existsSync(join(temp.dir, snapshotName(at)))).toBe(true);
      fileCounts.push(readdirSync(temp.dir).length);
    }
    await log.close();
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    const base = recovered.snapshot?.zxid ?? 0n;
    expect(base).toBeGreaterThan(epoch + 3000n);
    expect(recovered.log).toEqual(txns.filter((txn) => txn.zxid > base));
    // 4000 txns fill about 60 segments of 16 KiB: retention keeps a handful.
    expect(Math.max(...fileCounts.slice(5))).toBeLessThan(15);
  });
});
