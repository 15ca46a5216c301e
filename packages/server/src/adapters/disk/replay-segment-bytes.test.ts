import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Txn } from '../../core/tree/txn.js';
import { nodeDiskFs } from './disk-fs.js';
import { recover } from './recover.js';
import { readSegmentBytes } from './replay-segment-bytes.js';
import {
  createTxns,
  lastSegmentRecords,
  recordingLogger,
  useTempDir,
} from './testing/disk-fixtures.js';
import { writeDataDir } from './testing/write-data-dir.js';

const temp = useTempDir();
const mib = 1024 * 1024;
/** Several read chunks, so that most of a segment is preallocated zeros left unread. */
const segmentBytes = 5 * mib;

const onlySegment = (): string => {
  const name = readdirSync(temp.dir).find((entry) => entry.startsWith('log.'));
  if (name === undefined) throw new Error('no segment');
  return join(temp.dir, name);
};

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

describe('a log segment read for replay without its preallocated zeros', () => {
  test('only the used part and one chunk of zeros after it are kept', async () => {
    const txns = createTxns(0x100000001n, 6);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns }]], { segmentBytes });
    const { spans } = lastSegmentRecords(temp.dir);
    const used = await readSegmentBytes(nodeDiskFs, onlySegment());
    expect(used.isWhole).toBe(false);
    expect(used.bytes.length).toBe(2 * mib);
    expect(used.lastNonZero).toBeLessThan(spans.at(-1)?.[1] ?? 0);
    expect(used.lastNonZero).toBeGreaterThanOrEqual(spans.at(-1)?.[0] ?? Infinity);
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expect(recovered.log).toEqual(txns);
    expect(recovered.repairs).toEqual([]);
  });

  test('zeros between used chunks are kept, and the records after them replayed', async () => {
    const txns = createTxns(0x100000001n, 3);
    const big = setDataOfZeros(0x100000004n, 2 * mib + 100);
    const after = createTxns(0x100000005n, 2);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: [...txns, big, ...after] }]], {
      segmentBytes,
    });
    const used = await readSegmentBytes(nodeDiskFs, onlySegment());
    expect(used.bytes.equals(readFileSync(onlySegment()).subarray(0, used.bytes.length))).toBe(
      true,
    );
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expectLog(recovered.log, [...txns, big, ...after]);
  });

  test('a last record ending in more zeros than the chunk kept is replayed whole', async () => {
    // Without the replay from the whole file, this valid record would read as a torn tail and
    // be cut off: an acknowledged write lost.
    const txns = createTxns(0x100000001n, 2);
    const big = setDataOfZeros(0x100000003n, 3 * mib);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns: [...txns, big] }]], { segmentBytes });
    const used = await readSegmentBytes(nodeDiskFs, onlySegment());
    expect(used.isWhole).toBe(false);
    const recovered = await recover(temp.dir, { logger: recordingLogger() });
    expectLog(recovered.log, [...txns, big]);
    expect(recovered.repairs).toEqual([]);
  });

  test('garbage after the end of the records, then zeros, is still found', async () => {
    const txns = createTxns(0x100000001n, 4);
    await writeDataDir(temp.dir, [[{ type: 'txns', txns }]], { segmentBytes });
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
});
