import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Txn } from '../../core/tree/txn.js';
import type { DiskFs } from './disk-fs.js';
import { encodeLogRecord } from './log-record.js';
import { frameHeaderBytes } from './record-frame.js';
import { recover } from './recover.js';
import { segmentName } from './segment-file.js';
import {
  createSnapshot,
  createTxns,
  fsError,
  listed,
  recordingDiskFs,
  recordingLogger,
  snapshotOp,
  useTempDir,
} from './testing/disk-fixtures.js';
import { openDiskLog, persist } from './testing/write-data-dir.js';

const temp = useTempDir();
const logger = recordingLogger();

const segmentsIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.startsWith('log.'))
    .sort();

/** Txns whose records fill more than half of a segment of `bytes`, and less than 3/4 of it. */
function halfASegmentOf(bytes: number): Txn[] {
  const txns = createTxns(0x100000001n, 1000);
  let used = 0;
  const count = txns.findIndex((txn) => {
    used += frameHeaderBytes + encodeLogRecord({ type: 'txn', txn }).length;
    return used > bytes * 0.6;
  });
  return txns.slice(0, count + 1);
}

describe('the next segment, made ahead', () => {
  test('is made while the current one still takes records, so a roll only switches', async () => {
    const calls: string[] = [];
    const log = await openDiskLog(temp.dir, {
      logger,
      fs: recordingDiskFs({ calls }),
      segmentBytes: 4096,
    });
    const txns = createTxns(0x100000001n, 200);
    for (let i = 0; i < txns.length; i += 5) {
      await persist(log, [{ type: 'txns', txns: txns.slice(i, i + 5) }]);
    }
    await log.close();
    const segments = segmentsIn(temp.dir);
    expect(segments.length).toBeGreaterThan(4);
    for (let seq = 1; seq < segments.length; seq++) {
      const made = calls.indexOf(`createSynced:${segmentName(seq)}`);
      const lastWriteBefore = calls.lastIndexOf(`write:${segmentName(seq - 1)}`);
      // Fails if a segment is made only once the one before it is full.
      expect({ seq, made }).toEqual({ seq, made: expect.toSatisfy((at) => at < lastWriteBefore) });
    }
    expect((await recover(temp.dir, { logger })).log).toEqual(txns);
  });

  test('a log closed before using it removes it; a restarted log goes on after', async () => {
    const log = await openDiskLog(temp.dir, { logger, segmentBytes: 4096 });
    const txns = halfASegmentOf(4096);
    for (let i = 0; i < txns.length; i += 4) {
      await persist(log, [{ type: 'txns', txns: txns.slice(i, i + 4) }]);
    }
    await log.close();
    expect(segmentsIn(temp.dir)).toEqual([segmentName(0)]);
    const reopened = await openDiskLog(temp.dir, { logger, segmentBytes: 4096 });
    const more = createTxns(0x100000001n + BigInt(txns.length), 3);
    await persist(reopened, [{ type: 'txns', txns: more }]);
    await reopened.close();
    expect((await recover(temp.dir, { logger })).log).toEqual([...txns, ...more]);
  });

  test('a snapshot restarting the log leaves it behind, empty, and skips its number', async () => {
    const log = await openDiskLog(temp.dir, { logger, segmentBytes: 4096 });
    const txns = halfASegmentOf(4096);
    for (let i = 0; i < txns.length; i += 4) {
      await persist(log, [{ type: 'txns', txns: txns.slice(i, i + 4) }]);
    }
    const snapshot = createSnapshot(0x200000003n);
    const after = createTxns(0x200000004n, 4);
    await persist(log, [snapshotOp(snapshot), { type: 'txns', txns: after }]);
    await log.close();
    expect(segmentsIn(temp.dir)).toEqual([0, 1, 2].map(segmentName));
    const recovered = await recover(temp.dir, { logger });
    expect(listed(recovered.snapshot)).toEqual(snapshot);
    expect(recovered.log).toEqual(after);
  });

  test('a failure making it stops the log at the roll: onFatal, and no later done', async () => {
    const fs: DiskFs = recordingDiskFs({
      calls: [],
      failOn: (call) =>
        call === `createSynced:${segmentName(1)}` ? fsError('ENOSPC', 'open') : null,
    });
    const fatal: Error[] = [];
    const log = await openDiskLog(temp.dir, {
      logger,
      fs,
      segmentBytes: 4096,
      onFatal: (error) => fatal.push(error),
    });
    const txns = createTxns(0x100000001n, 200);
    const dones: (bigint | null)[] = [];
    for (let i = 0; i < txns.length; i += 5) {
      log.write([{ type: 'txns', txns: txns.slice(i, i + 5) }], (zxid) => dones.push(zxid));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await log.close();
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ code: 'ENOSPC' });
    const recovered = await recover(temp.dir, { logger });
    // Every batch answered is durable, and nothing is answered after the failure.
    expect(dones.length).toBeGreaterThan(0);
    expect(dones.length).toBeLessThan(txns.length / 5);
    const logged = recovered.log.map((txn) => txn.zxid);
    expect(logged).toEqual(expect.arrayContaining(dones));
  });
});
