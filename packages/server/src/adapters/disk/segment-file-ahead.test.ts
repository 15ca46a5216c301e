import { readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Txn } from '../../core/tree/txn.js';
import type { DiskFs } from './disk-fs.js';
import type { DiskTxnLog } from './disk-txn-log.js';
import { encodeLogRecord } from './log-record.js';
import { frameAt, frameHeaderBytes } from './record-frame.js';
import { recover } from './recover.js';
import { decodeSegmentHeader, segmentName } from './segment-file.js';
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

/** The log's files in `dir`: segments, and segments made ahead (`.ahead`). */
const segmentsIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.startsWith('log.'))
    .sort();

/** What recordingDiskFs calls segment `seq`'s fd: its name when created. */
const createdAs = (seq: number): string =>
  seq === 0 ? segmentName(0) : `${segmentName(seq)}.ahead`;

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

/** A log of 4 KiB segments, its first more than half full (batches of 4 txns). */
async function logPastHalfASegment(): Promise<{ log: DiskTxnLog; txns: Txn[] }> {
  const log = await openDiskLog(temp.dir, { logger, segmentBytes: 4096 });
  const txns = halfASegmentOf(4096);
  for (let i = 0; i < txns.length; i += 4) {
    await persist(log, [{ type: 'txns', txns: txns.slice(i, i + 4) }]);
  }
  return { log, txns };
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
    expect(segments).toEqual(segments.map((_, seq) => segmentName(seq)));
    for (let seq = 1; seq < segments.length; seq++) {
      const made = calls.indexOf(`createSynced:${createdAs(seq)}`);
      const named = calls.indexOf(`rename:${segmentName(seq)}`);
      const lastWriteBefore = calls.lastIndexOf(`write:${createdAs(seq - 1)}`);
      // Made while the one before still takes records, named only after its last write, so a
      // crash never finds a segment after a torn record.
      expect({ seq, made, named }).toEqual({
        seq,
        made: expect.toSatisfy((at) => at >= 0 && at < lastWriteBefore),
        named: expect.toSatisfy((at) => at > lastWriteBefore),
      });
    }
    expect((await recover(temp.dir, { logger })).log).toEqual(txns);
  });

  test('has its zeros written, not left sparse like the segment a log opens with', async () => {
    const segmentBytes = 64 * 1024;
    const log = await openDiskLog(temp.dir, { logger, segmentBytes });
    for (const txn of halfASegmentOf(segmentBytes)) {
      await persist(log, [{ type: 'txns', txns: [txn] }]);
    }
    const allocated = (seq: number): number => {
      const name = createdAs(seq);
      const path = join(temp.dir, name);
      return segmentsIn(temp.dir).includes(name) ? statSync(path).blocks * 512 : 0;
    };
    for (let waited = 0; waited < 3_000 && allocated(1) < segmentBytes; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(allocated(1)).toBeGreaterThanOrEqual(segmentBytes);
    expect(allocated(0)).toBeLessThan(segmentBytes);
    await log.close();
  });

  test('a log closed before using it removes it; a restarted log goes on after', async () => {
    const { log, txns } = await logPastHalfASegment();
    await log.close();
    expect(segmentsIn(temp.dir)).toEqual([segmentName(0)]);
    const reopened = await openDiskLog(temp.dir, { logger, segmentBytes: 4096 });
    const more = createTxns(0x100000001n + BigInt(txns.length), 3);
    await persist(reopened, [{ type: 'txns', txns: more }]);
    await reopened.close();
    expect((await recover(temp.dir, { logger })).log).toEqual([...txns, ...more]);
  });

  test('a torn last write, with one made ahead, is a torn tail and not refused', async () => {
    const { log, txns } = await logPastHalfASegment();
    await log.snapshotSettled();
    for (let waited = 0; waited < 3_000 && segmentsIn(temp.dir).length < 2; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(segmentsIn(temp.dir)).toEqual([segmentName(0), createdAs(1)]);
    // The crash: the log is never closed, and its last record is cut in the middle.
    const path = join(temp.dir, segmentName(0));
    const bytes = readFileSync(path);
    let last = decodeSegmentHeader(bytes, segmentName(0)).recordsOffset;
    for (let at = last, frame = frameAt(bytes, at); frame.type === 'record';) {
      last = at;
      at = frame.nextOffset;
      frame = frameAt(bytes, at);
    }
    truncateSync(path, last + 5);
    const recovered = await recover(temp.dir, { logger });
    expect(recovered.log).toEqual(txns.slice(0, -1));
    expect(recovered.repairs.join()).toMatch(/cut a torn tail off/);
    const reopened = await openDiskLog(temp.dir, { logger, segmentBytes: 4096 });
    await reopened.close();
    expect(segmentsIn(temp.dir)).toEqual([0, 1].map(segmentName));
  });

  test('a snapshot restarting the log removes it and starts the new line next', async () => {
    const { log } = await logPastHalfASegment();
    const snapshot = createSnapshot(0x200000003n);
    const after = createTxns(0x200000004n, 4);
    await persist(log, [snapshotOp(snapshot), { type: 'txns', txns: after }]);
    await log.close();
    expect(segmentsIn(temp.dir)).toEqual([0, 1].map(segmentName));
    const recovered = await recover(temp.dir, { logger });
    expect(listed(recovered.snapshot)).toEqual(snapshot);
    expect(recovered.log).toEqual(after);
  });

  test('a failure making it stops the log at the roll: onFatal, and no later done', async () => {
    const fs: DiskFs = recordingDiskFs({
      calls: [],
      failOn: (call) =>
        call === `createSynced:${createdAs(1)}` ? fsError('ENOSPC', 'open') : null,
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
