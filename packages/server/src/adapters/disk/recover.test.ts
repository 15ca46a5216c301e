import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { PersistOp } from '../../core/replication/replication.js';
import { CorruptDataDirError } from './disk-errors.js';
import { recover } from './recover.js';
import { snapshotName } from './snapshot-file.js';
import {
  createSnapshot,
  createTxns,
  flipBit,
  lastSegmentRecords,
  useTempDir,
  recordingLogger,
  tearLastRecord,
  listed,
  snapshotOp,
} from './testing/disk-fixtures.js';
import { openDiskLog, persist, writeDataDir } from './testing/write-data-dir.js';

const temp = useTempDir();

/** A deterministic byte stream, so a failing offset reproduces. */
function garbage(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('recover: torn tail', () => {
  test('a tail torn at any byte of the last record recovers the records before it', async () => {
    const txns = createTxns(0x100000001n, 6);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns }]]);
    const { path, spans } = lastSegmentRecords(temp.dir);
    const [start, end] = spans.at(-1) ?? [0, 0];
    const original = readFileSync(path);
    for (let offset = start; offset < end; offset++) {
      for (const mode of ['cut', 'garbage'] as const) {
        const torn = Buffer.from(original);
        if (mode === 'garbage') garbage(end - offset, offset).copy(torn, offset);
        writeFileSync(path, mode === 'cut' ? torn.subarray(0, offset) : torn);
        const logger = recordingLogger();
        const recovered = await recover(temp.dir, { logger });
        expect(recovered.log, `${mode} at ${offset}`).toEqual(txns.slice(0, -1));
        // What is left of the record may be zeros only (the start of its length): that reads
        // as the end of the log, and there is nothing to cut.
        const left = mode === 'cut' ? torn.subarray(start, offset) : torn.subarray(start, end);
        const isClean = left.every((byte) => byte === 0);
        expect(recovered.repairs.length, `${mode} at ${offset}`).toBe(isClean ? 0 : 1);
        if (!isClean) expect(logger.lines.join('\n')).toMatch(/cut a torn tail off log\./);
      }
    }
  });

  test('after a torn tail is cut, the log goes on and recovers whole', async () => {
    const txns = createTxns(0x100000001n, 6);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns }]]);
    tearLastRecord(temp.dir);
    const more = createTxns(0x100000006n, 3);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: more }]]);
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.log).toEqual([...txns.slice(0, -1), ...more]);
    expect(recovered.repairs).toEqual([]);
  });
});

describe('recover: corruption inside the log', () => {
  const setUp = async (): Promise<{ path: string; spans: [number, number][] }> => {
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: createTxns(0x100000001n, 8) }]]);
    return lastSegmentRecords(temp.dir);
  };

  test('a flipped bit inside an earlier record is reported, not served', async () => {
    const { path, spans } = await setUp();
    const [start, end] = spans[2] ?? [0, 0];
    flipBit(path, start + Math.floor((end - start) / 2));
    const recovering = recover(temp.dir, { logger: recordingLogger() });
    await expect(recovering).rejects.toThrow(CorruptDataDirError);
    await expect(recovering).rejects.toThrow(
      new RegExp(`log\\.0+ at byte ${start}: .*CRC32C, followed by a valid record`),
    );
  });

  test('a flipped bit in an earlier record’s length is reported, not served', async () => {
    const { path, spans } = await setUp();
    flipBit(path, (spans[1]?.[0] ?? 0) + 3);
    await expect(recover(temp.dir, { logger: recordingLogger() })).rejects.toThrow(
      /followed by a valid record/,
    );
  });

  test('an earlier record zeroed out is reported, not taken for the end', async () => {
    const { path, spans } = await setUp();
    const [start, end] = spans[3] ?? [0, 0];
    const bytes = readFileSync(path);
    bytes.fill(0, start, end);
    writeFileSync(path, bytes);
    await expect(recover(temp.dir, { logger: recordingLogger() })).rejects.toThrow(
      /zeros, followed by a valid record/,
    );
  });
});

type SnapshotCase = 'no snapshot' | 'one snapshot' | 'two snapshots, the newest corrupt';
type LogCase = 'empty log' | 'log after the snapshot' | 'log with a torn tail';

const snapshotCases: SnapshotCase[] = [
  'no snapshot',
  'one snapshot',
  'two snapshots, the newest corrupt',
];
const logCases: LogCase[] = ['empty log', 'log after the snapshot', 'log with a torn tail'];

/**
 * Writes the case and returns what recovery must give back. With two snapshots the log before
 * the newest ends exactly at its zxid, so the older one and the log from it prove the state.
 */
async function writeCase(snapshotCase: SnapshotCase, logCase: LogCase) {
  const old = createSnapshot(0x100000005n);
  const beforeNewest = createTxns(0x100000006n, 5);
  const newest = createSnapshot(0x10000000an);
  const base = snapshotCase === 'no snapshot' ? 0x100000000n : newest.zxid;
  const after = logCase === 'empty log' ? [] : createTxns(base + 1n, 4);
  const batches: PersistOp[][] = [];
  if (snapshotCase === 'one snapshot') batches.push([snapshotOp(newest)]);
  if (snapshotCase === 'two snapshots, the newest corrupt') {
    batches.push([snapshotOp(old)], [{ type: 'txns', txns: beforeNewest }]);
    batches.push([snapshotOp(newest)]);
  }
  if (after.length > 0) batches.push([{ type: 'txns', txns: after }]);
  await writeDataDir(temp.dir, batches);
  if (logCase === 'log with a torn tail') tearLastRecord(temp.dir);
  const kept = logCase === 'log with a torn tail' ? after.slice(0, -1) : after;
  if (snapshotCase === 'two snapshots, the newest corrupt') {
    flipBit(join(temp.dir, snapshotName(newest.zxid)), -10);
    return { snapshot: old, log: [...beforeNewest, ...kept] };
  }
  return { snapshot: snapshotCase === 'no snapshot' ? null : newest, log: kept };
}

describe('recover: snapshots × logs', () => {
  for (const snapshotCase of snapshotCases) {
    for (const logCase of logCases) {
      test(`${snapshotCase}, ${logCase}: the newest provable state`, async () => {
        const expected = await writeCase(snapshotCase, logCase);
        const recovered = await recover(temp.dir, { logger: recordingLogger() });
        expect(listed(recovered.snapshot)).toEqual(expected.snapshot);
        expect(recovered.log).toEqual(expected.log);
        const repairs = recovered.repairs.join('\n');
        if (snapshotCase.includes('corrupt')) {
          expect(repairs).toMatch(
            /snapshot\.000000010000000a at byte \d+: .*CRC32C; trying an older/,
          );
        }
        if (logCase === 'log with a torn tail') expect(repairs).toMatch(/cut a torn tail/);
      });
    }
  }

  test('a corrupt newest snapshot whose older log does not reach it is refused', async () => {
    await writeDataDir(temp.dir, [
      [snapshotOp(createSnapshot(0x100000005n))],
      [{ type: 'txns', txns: createTxns(0x100000006n, 2) }],
      [snapshotOp(createSnapshot(0x200000004n))],
      [{ type: 'txns', txns: createTxns(0x200000005n, 2) }],
    ]);
    flipBit(join(temp.dir, snapshotName(0x200000004n)), -10);
    await expect(recover(temp.dir, { logger: recordingLogger() })).rejects.toThrow(
      /starts after snapshot\.0000000200000004, which is unreadable/,
    );
  });

  test('the only snapshot corrupt, its log gone: refused', async () => {
    await writeDataDir(temp.dir, [[snapshotOp(createSnapshot(0x5n))]]);
    const log = await openDiskLog(temp.dir);
    await persist(log, [{ type: 'txns', txns: createTxns(0x6n, 2) }]);
    await log.close();
    flipBit(join(temp.dir, snapshotName(0x5n)), -10);
    await expect(recover(temp.dir, { logger: recordingLogger() })).rejects.toThrow(
      CorruptDataDirError,
    );
  });
});

describe('recover: a segment whose creation a crash interrupted', () => {
  test('a last segment with a torn header is removed and reported', async () => {
    const txns = createTxns(1n, 3);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns }]]);
    writeFileSync(join(temp.dir, 'log.0000000000000001'), Buffer.from('ZOOLOG01\0\0'));
    const logger = recordingLogger();
    const recovered = await recover(temp.dir, { logger });
    expect(recovered.log).toEqual(txns);
    expect(recovered.resume.nextSeq).toBe(1);
    expect(logger.lines.join('\n')).toMatch(/removing log\.0000000000000001/);
  });

  test('a bad header with valid records behind it is refused', async () => {
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: createTxns(1n, 3) }]]);
    flipBit(join(temp.dir, 'log.0000000000000000'), 12);
    await expect(recover(temp.dir, { logger: recordingLogger() })).rejects.toThrow(
      /bad header before valid records/,
    );
  });

  test('a segment missing between two others is refused', async () => {
    for (let i = 0; i < 3; i++) {
      await writeDataDir(temp.dir, [[{ type: 'txns', txns: createTxns(BigInt(i * 10 + 1), 2) }]]);
    }
    rmSync(join(temp.dir, 'log.0000000000000001'));
    await expect(recover(temp.dir, { logger: recordingLogger() })).rejects.toThrow(
      /log\.0000000000000001: missing between segments/,
    );
  });
});
