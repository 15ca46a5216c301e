import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Txn } from '../../core/tree/txn.js';
import { nodeDiskFs } from './disk-fs.js';
import { recover } from './recover.js';
import { FileWindow, windowBytesDefault as window } from './file-window.js';
import { replaySegment, type SegmentEnd } from './replay-segment.js';
import { replayStreamed } from './replay-segment-stream.js';
import {
  createTxns,
  lastSegmentRecords,
  recordingDiskFs,
  recordingLogger,
  useTempDir,
} from './testing/disk-fixtures.js';
import { writeDataDir } from './testing/write-data-dir.js';

const temp = useTempDir();
const mib = 1024 * 1024;
/** Several windows, mostly preallocated zeros, the last one short. */
const segmentBytes = 3 * window + mib;

/** The txns' zxids, and the data of a big one compared as bytes (toEqual walks it slowly). */
function expectLog(log: readonly Txn[], expected: readonly Txn[]): void {
  expect(log.map((txn) => txn.zxid)).toEqual(expected.map((txn) => txn.zxid));
  log.forEach((txn, i) => {
    const want = expected[i];
    if (txn.body.type === 'setData' && want?.body.type === 'setData') {
      expect(txn.body.data?.equals(want.body.data ?? Buffer.alloc(0))).toBe(true);
    } else expect(txn).toEqual(want);
  });
}

/** A setData whose bytes end in `zeros` zero bytes: its data, then version 0. */
function setDataOfZeros(zxid: bigint, zeros: number): Txn {
  const body = { type: 'setData', path: '/n', data: Buffer.alloc(zeros), version: 0 } as const;
  return { zxid, timeMs: 1_700_000_000_000, sessionId: 0x100000000n, cxid: 1, body };
}

/** recover() through a DiskFs that records its calls: whether it read a segment whole. */
async function recoverRecording(): Promise<{ log: Txn[]; readWhole: boolean; reads: number }> {
  const calls: string[] = [];
  const recovered = await recover(temp.dir, {
    logger: recordingLogger(),
    fs: recordingDiskFs({ calls }),
  });
  const readWhole = calls.some((call) => call.startsWith('readFile:log.'));
  const reads = calls.filter((call) => call.startsWith('readInto:log.')).length;
  expect(recovered.repairs).toEqual([]);
  return { log: recovered.log, readWhole, reads };
}

/** The segment replayed through a `windowBytes` window, and whole: the same, or null. */
async function replayBothWays(
  path: string,
  windowBytes: number,
): Promise<{ streamed: SegmentEnd | null; whole: SegmentEnd; log: Txn[] }> {
  const streamedLog: Txn[] = [];
  const window = new FileWindow(nodeDiskFs, windowBytes);
  const fd = await nodeDiskFs.open(path, 'r');
  let streamed: SegmentEnd | null;
  try {
    window.reset(fd);
    streamed = await replayStreamed(window, 'log', { log: streamedLog, isLast: true });
  } finally {
    await nodeDiskFs.close(fd);
  }
  const log: Txn[] = [];
  const whole = replaySegment(readFileSync(path), 'log', { log, isLast: true });
  if (streamed !== null) expect(streamedLog).toEqual(log);
  return { streamed, whole, log };
}

/**
 * writeDataDir, then the last segment's zeros put back: a log closed cleanly cuts them off
 * (segment-trim.ts), a member killed before its close leaves them, and those are read here.
 */
async function writeLeavingZeros(
  batches: Parameters<typeof writeDataDir>[1],
  options: { segmentBytes: number },
): Promise<void> {
  await writeDataDir(temp.dir, batches, options);
  truncateSync(lastSegmentRecords(temp.dir).path, options.segmentBytes);
}

describe('a log segment replayed through a reused window', () => {
  test('reads the used part and the zeros in place, never the whole file', async () => {
    const txns = createTxns(0x100000001n, 6);
    await writeLeavingZeros([[{ type: 'txns', txns }]], { segmentBytes });
    const { log, readWhole, reads } = await recoverRecording();
    expect(log).toEqual(txns);
    expect(readWhole).toBe(false);
    // About one read per window: the zeros are checked, not skipped, and not read twice.
    expect(reads).toBeGreaterThanOrEqual(Math.ceil(segmentBytes / window));
    expect(reads).toBeLessThanOrEqual(Math.ceil(segmentBytes / window) + 1);
  });

  test('a record larger than the window grows it; the records after it are replayed', async () => {
    const txns = createTxns(0x100000001n, 3);
    const big = setDataOfZeros(0x100000004n, window + 100);
    const after = createTxns(0x100000005n, 2);
    await writeLeavingZeros([[{ type: 'txns', txns: [...txns, big, ...after] }]], {
      segmentBytes,
    });
    const { log, readWhole } = await recoverRecording();
    expect(readWhole).toBe(false);
    expectLog(log, [...txns, big, ...after]);
  });

  test('a last record ending in more zeros than the window holds is replayed whole', async () => {
    // A record's own zeros must not read as the end of the log: an acknowledged write lost.
    const txns = createTxns(0x100000001n, 2);
    const big = setDataOfZeros(0x100000003n, window + window / 2);
    await writeLeavingZeros([[{ type: 'txns', txns: [...txns, big] }]], { segmentBytes });
    const { log } = await recoverRecording();
    expectLog(log, [...txns, big]);
  });

  test('garbage after the end of the records, then zeros, is still found', async () => {
    const txns = createTxns(0x100000001n, 4);
    await writeLeavingZeros([[{ type: 'txns', txns }]], { segmentBytes });
    const { path, spans } = lastSegmentRecords(temp.dir);
    const end = spans.at(-1)?.[1] ?? 0;
    const bytes = readFileSync(path);
    // A copy of the first record a few bytes past the end: zeros, then a valid record.
    const [start, stop] = spans[0] ?? [0, 0];
    bytes.copy(bytes, end + 16, start, stop);
    writeFileSync(path, bytes);
    await expect(recover(temp.dir, { logger: recordingLogger() })).rejects.toThrow(
      /zeros, followed by a valid record/,
    );
  });

  test('a torn tail at every byte of the last record: the stream agrees or defers', async () => {
    const txns = createTxns(0x100000001n, 5);
    await writeLeavingZeros([[{ type: 'txns', txns }]], { segmentBytes: mib });
    const { path, spans } = lastSegmentRecords(temp.dir);
    const [start, stop] = spans.at(-1) ?? [0, 0];
    const clean = readFileSync(path);
    for (let cut = start; cut < stop; cut++) {
      const torn = Buffer.from(clean);
      torn.fill(0, cut, stop);
      writeFileSync(path, torn);
      // A 64-byte window: records cross its edge, and it moves many times per segment.
      const { streamed, whole } = await replayBothWays(path, 64);
      // A torn tail is the whole-file replay's to judge; the stream never calls it clean.
      if (whole.tornBy !== null) expect(streamed).toBeNull();
      if (streamed !== null) expect(streamed).toEqual(whole);
      if (cut === start) expect(streamed).toEqual({ offsetBytes: start, tornBy: null });
    }
  });

  test('a clean segment through a small window gives what the whole file gives', async () => {
    const txns = createTxns(0x100000001n, 40);
    await writeLeavingZeros([[{ type: 'txns', txns }]], { segmentBytes: mib });
    const { path } = lastSegmentRecords(temp.dir);
    for (const windowBytes of [16, 100, 4096]) {
      const { streamed, whole, log } = await replayBothWays(path, windowBytes);
      expect(streamed).toEqual(whole);
      expect(log).toEqual(txns);
    }
  });
});
