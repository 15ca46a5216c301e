import { describe, expect, test } from 'vitest';
import { nodeDiskFs, type DiskFs } from './disk-fs.js';
import { recover } from './recover.js';
import {
  createTxn,
  recordingLogger,
  syncedNotingDiskFs,
  useTempDir,
} from './testing/disk-fixtures.js';
import { openDiskLog, persist } from './testing/write-data-dir.js';

const temp = useTempDir();

interface Written {
  position: number;
  end: number;
  isZeros: boolean;
  /** Order of the call's start and its return among all writes. */
  startedAt: number;
  returnedAt: number;
}

/** node:fs, noting each write to a segment; a zero-fill step (all zeros) waits `zerosMs`. */
function watchedDiskFs(written: Written[], zerosMs: number): DiskFs {
  const segments = new Set<number>();
  let clock = 0;
  return {
    ...syncedNotingDiskFs(segments),
    async write(fd, bytes, position) {
      if (!segments.has(fd)) return nodeDiskFs.write(fd, bytes, position);
      const isZeros = bytes.length > 4096 && bytes.every((byte) => byte === 0);
      const entry = { position, end: position + bytes.length, isZeros, startedAt: clock++ };
      if (isZeros) await new Promise((resolve) => setTimeout(resolve, zerosMs));
      await nodeDiskFs.write(fd, bytes, position);
      written.push({ ...entry, returnedAt: clock++ });
    },
  };
}

const batch = (from: number, count: number, dataBytes: number) =>
  Array.from({ length: count }, (_, i) => createTxn(BigInt(from + i), dataBytes));

describe('zeros written ahead of the records of a segment created sparse', () => {
  test('they run ahead of the records, never where a record is written meanwhile', async () => {
    const written: Written[] = [];
    const fs = watchedDiskFs(written, 5);
    const log = await openDiskLog(temp.dir, { fs, segmentBytes: 4 * 1024 * 1024 });
    let zxid = 1;
    for (let round = 0; round < 40; round++) {
      // Several batches a turn, as a loop hands them over, each a few KiB.
      const dones = [0, 1, 2].map(() => {
        const txns = batch(zxid, 10, 500);
        zxid += txns.length;
        return persist(log, [{ type: 'txns', txns }]);
      });
      await Promise.all(dones);
    }
    await log.close();

    const records = written.filter((write) => !write.isZeros && write.position > 0);
    const zeros = written.filter((write) => write.isZeros);
    const recordsEnd = Math.max(...records.map((write) => write.end));
    expect(zeros.length).toBeGreaterThan(2);
    expect(Math.max(...zeros.map((write) => write.end))).toBeGreaterThan(recordsEnd + 512 * 1024);
    for (const zero of zeros) {
      for (const record of records) {
        const overlaps = record.position < zero.end && zero.position < record.end;
        // A record may lie in zeros written before it started, never in a step running or after.
        if (overlaps) expect(record.startedAt).toBeGreaterThan(zero.returnedAt);
      }
    }
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    const zxids = recovered.log.map((txn) => txn.zxid);
    expect(zxids).toEqual(batch(1, zxid - 1, 0).map((txn) => txn.zxid));
  });

  test('a group that would reach a step running waits for it', async () => {
    const written: Written[] = [];
    const fs = watchedDiskFs(written, 50);
    const log = await openDiskLog(temp.dir, { fs, segmentBytes: 4 * 1024 * 1024 });
    await persist(log, [{ type: 'txns', txns: batch(1, 1, 100) }]);
    // The step now runs from 256 KiB past the records; this batch reaches into it.
    await persist(log, [{ type: 'txns', txns: batch(2, 1, 300 * 1024) }]);
    await log.close();
    const [step] = written.filter((write) => write.isZeros);
    const large = written.find((write) => write.end - write.position > 300 * 1024);
    expect(step).toBeDefined();
    expect(large).toBeDefined();
    if (step === undefined || large === undefined) return;
    expect(large.end).toBeGreaterThan(step.position);
    expect(large.startedAt).toBeGreaterThan(step.returnedAt);
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.log.map((txn) => txn.zxid)).toEqual([1n, 2n]);
  });
});
