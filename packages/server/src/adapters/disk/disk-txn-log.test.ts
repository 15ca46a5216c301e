import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DiskFs } from './disk-fs.js';
import { recover } from './recover.js';
import {
  createSnapshot,
  createTxn,
  createTxns,
  fsError,
  useTempDir,
  recordingDiskFs,
  recordingLogger,
  listed,
  snapshotOp,
} from './testing/disk-fixtures.js';
import { openDiskLog, persist } from './testing/write-data-dir.js';

const temp = useTempDir();

const logger = recordingLogger();

/** The log over this test's directory (64 KiB segments, as openDiskLog opens them). */
function openLog(options: Parameters<typeof openDiskLog>[1] = {}): ReturnType<typeof openDiskLog> {
  return openDiskLog(temp.dir, { logger, ...options });
}

describe('DiskTxnLog', () => {
  test('txns and epochs written come back from recovery after close', async () => {
    const log = await openLog();
    const txns = createTxns(0x100000001n, 20);
    expect(await persist(log, [{ type: 'epochs', acceptedEpoch: 1, currentEpoch: 1 }])).toBe(null);
    expect(await persist(log, [{ type: 'txns', txns: txns.slice(0, 5) }])).toBe(0x100000005n);
    expect(await persist(log, [{ type: 'txns', txns: txns.slice(5) }])).toBe(0x100000014n);
    await log.close();
    const recovered = await recover(temp.dir, { logger });
    expect(recovered).toMatchObject({ acceptedEpoch: 1, currentEpoch: 1, snapshot: null });
    expect(recovered.log).toEqual(txns);
  });

  test('a full segment rolls over to the next, and a restart goes on in a new one', async () => {
    const log = await openLog({ segmentBytes: 4096 });
    const txns = createTxns(0x100000001n, 200);
    for (let i = 0; i < txns.length; i += 10) {
      await persist(log, [{ type: 'txns', txns: txns.slice(i, i + 10) }]);
    }
    await log.close();
    const segments = readdirSync(temp.dir).filter((name) => name.startsWith('log.'));
    expect(segments.length).toBeGreaterThan(5);
    const reopened = await openLog({ segmentBytes: 4096 });
    const more = createTxns(0x100000001n + 200n, 3);
    await persist(reopened, [{ type: 'txns', txns: more }]);
    await reopened.close();
    expect((await recover(temp.dir, { logger })).log).toEqual([...txns, ...more]);
  });

  test('segments are preallocated; a record larger than one gets its own', async () => {
    const log = await openLog({ segmentBytes: 4096 });
    const sizes = (): number[] =>
      readdirSync(temp.dir)
        .filter((name) => name.startsWith('log.'))
        .map((name) => statSync(join(temp.dir, name)).size);
    expect(sizes()).toEqual([4096]);
    const small = createTxns(0x100000001n, 2);
    const large = createTxn(0x100000003n, 10_000);
    await persist(log, [{ type: 'txns', txns: [...small, large] }]);
    await persist(log, [{ type: 'txns', txns: [createTxn(0x100000004n)] }]);
    await log.close();
    expect(sizes()[0]).toBe(4096);
    expect(sizes()[1]).toBeGreaterThan(10_000);
    expect(sizes()[2]).toBe(4096);
    const recovered = await recover(temp.dir, { logger });
    expect(recovered.log.map((txn) => txn.zxid)).toEqual(
      [1n, 2n, 3n, 4n].map((n) => n + 0x100000000n),
    );
  });

  test('a snapshot restarts the log: recovery returns it and only the txns after it', async () => {
    const log = await openLog();
    await persist(log, [{ type: 'txns', txns: createTxns(0x100000001n, 5) }]);
    const snapshot = createSnapshot(0x200000003n);
    const after = createTxns(0x200000004n, 4);
    await persist(log, [snapshotOp(snapshot), { type: 'txns', txns: after }]);
    await log.close();
    const recovered = await recover(temp.dir, { logger });
    expect(listed(recovered.snapshot)).toEqual(snapshot);
    expect(recovered.log).toEqual(after);
  });

  test('truncate cuts the log after a zxid durably, and the log goes on from there', async () => {
    const log = await openLog();
    const txns = createTxns(0x100000001n, 10);
    await persist(log, [{ type: 'txns', txns }]);
    await persist(log, [{ type: 'truncate', afterZxid: 0x100000004n }]);
    await log.close();
    expect((await recover(temp.dir, { logger })).log).toEqual(txns.slice(0, 4));
    const reopened = await openLog();
    const newer = createTxns(0x200000001n, 2);
    await persist(reopened, [{ type: 'txns', txns: newer }]);
    await reopened.close();
    expect((await recover(temp.dir, { logger })).log).toEqual([...txns.slice(0, 4), ...newer]);
  });

  test('batches complete in order, only after an fdatasync; waiting ones share one', async () => {
    const calls: string[] = [];
    const log = await openLog({ fs: recordingDiskFs({ calls }) });
    calls.length = 0;
    const txns = createTxns(0x100000001n, 30);
    const dones: Promise<bigint | null>[] = [];
    for (let i = 0; i < 30; i += 3) {
      // Every batch is handed over before the first completes: several are in flight.
      dones.push(
        new Promise((resolve) => {
          log.write([{ type: 'txns', txns: txns.slice(i, i + 3) }], (zxid) => {
            calls.push(`done:${String(zxid)}`);
            resolve(zxid);
          });
        }),
      );
    }
    await Promise.all(dones);
    await log.close();
    const doneCalls = calls.filter((call) => call.startsWith('done:'));
    expect(doneCalls).toEqual(txns.filter((_, i) => i % 3 === 2).map((t) => `done:${t.zxid}`));
    // Every done follows a write and an fdatasync of its records. The first batch goes alone;
    // the nine handed over while it was on its way to disk share one write and one fdatasync
    // (group commit).
    const text = calls.join(' ');
    expect(text).toMatch(/^(write:log\.\w+ fdatasync:log\.\w+ (done:\d+ ?)+)+close:log\.\w+$/);
    expect(calls.filter((call) => call.startsWith('fdatasync:'))).toHaveLength(2);
  });

  test('epochs are renamed into place and the directory fsynced before done', async () => {
    const calls: string[] = [];
    const log = await openLog({ fs: recordingDiskFs({ calls }) });
    calls.length = 0;
    await persist(log, [{ type: 'epochs', acceptedEpoch: 3, currentEpoch: 2 }]);
    calls.push('done');
    await log.close();
    expect(calls.slice(0, 8)).toEqual([
      'open:epochs.tmp',
      'write:epochs.tmp',
      'fsync:epochs.tmp',
      'close:epochs.tmp',
      'rename:epochs',
      `open:${temp.dir.slice(temp.dir.lastIndexOf('/') + 1)}`,
      expect.stringMatching(/^fsync:/),
      expect.stringMatching(/^close:/),
    ]);
    expect(calls[8]).toBe('done');
  });

  for (const [code, failing] of [
    ['EIO', 'fdatasync'],
    ['ENOSPC', 'write'],
    ['EIO', 'rename'],
  ] as const) {
    test(`${code} from ${failing} reaches onFatal, and no done is called after it`, async () => {
      let isFailing = false;
      const fs: DiskFs = recordingDiskFs({
        calls: [],
        failOn: (call) => (isFailing && call.startsWith(failing) ? fsError(code, failing) : null),
      });
      const fatal: Error[] = [];
      const log = await openLog({ fs, onFatal: (error) => fatal.push(error) });
      const dones: (bigint | null)[] = [];
      const txns = createTxns(0x100000001n, 3);
      log.write([{ type: 'txns', txns: txns.slice(0, 1) }], (zxid) => dones.push(zxid));
      await new Promise((resolve) => setTimeout(resolve, 50));
      isFailing = true;
      log.write(
        [
          { type: 'txns', txns: txns.slice(1, 2) },
          { type: 'epochs', acceptedEpoch: 2, currentEpoch: 2 },
        ],
        (zxid) => dones.push(zxid),
      );
      log.write([{ type: 'txns', txns: txns.slice(2) }], (zxid) => dones.push(zxid));
      await log.close();
      expect(dones).toEqual([0x100000001n]);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ code });
    });
  }
});
