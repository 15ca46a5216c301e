import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nodeDiskFs, type DiskFs } from './disk-fs.js';
import { peekLogRecord } from './log-record.js';
import { frameAt } from './record-frame.js';
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
  syncedNotingDiskFs,
} from './testing/disk-fixtures.js';
import { openDiskLog, persist } from './testing/write-data-dir.js';

const temp = useTempDir();

const logger = recordingLogger();

/**
 * node:fs, logging when each write starts (`write>`) and returns (`write<`, with the zxids of
 * the records written); a write through a createSynced (O_DSYNC) fd takes `syncMs` longer, as
 * a slow disk's.
 */
function timedDiskFs(events: string[], syncMs: number): DiskFs {
  const synced = new Set<number>();
  return {
    ...syncedNotingDiskFs(synced),
    async write(fd, bytes, position) {
      events.push('write>');
      if (synced.has(fd)) await new Promise((resolve) => setTimeout(resolve, syncMs));
      await nodeDiskFs.write(fd, bytes, position);
      events.push(['write<', ...zxidsIn(Buffer.from(bytes))].join(' '));
    },
  };
}

/** The zxids of the log records framed in `bytes` (none in a segment's header). */
function zxidsIn(bytes: Buffer): string[] {
  const zxids: string[] = [];
  for (let frame = frameAt(bytes, 0); frame.type === 'record';) {
    zxids.push(String(peekLogRecord(frame.payload).zxid));
    frame = frameAt(bytes, frame.nextOffset);
  }
  return zxids;
}

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

  test('batches handed over at once, framed while writes run, roll segments in order', async () => {
    const log = await openLog({ segmentBytes: 4096 });
    const txns = createTxns(0x100000001n, 300);
    const dones: (bigint | null)[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < txns.length; i += 7) {
      const batch = txns.slice(i, i + 7);
      all.push(
        new Promise((resolve) => {
          log.write([{ type: 'txns', txns: batch }], (zxid) => {
            dones.push(zxid);
            resolve();
          });
        }),
      );
      // Some arrive while a write is in flight, some in the same turn as others.
      if (i % 21 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    await log.close();
    expect(dones).toEqual(all.map((_, i) => txns[Math.min(i * 7 + 6, txns.length - 1)]?.zxid));
    const segments = readdirSync(temp.dir).filter((name) => name.startsWith('log.'));
    expect(segments.length).toBeGreaterThan(5);
    expect((await recover(temp.dir, { logger })).log).toEqual(txns);
  });

  test('segments are preallocated; a record larger than one gets its own', async () => {
    const log = await openLog({ segmentBytes: 4096 });
    const sizes = (): number[] =>
      readdirSync(temp.dir)
        .filter((name) => /^log\.[0-9a-f]{16}$/.test(name)) // not one made ahead
        .sort()
        .map((name) => statSync(join(temp.dir, name)).size);
    expect(sizes()).toEqual([4096]);
    const small = createTxns(0x100000001n, 2);
    const large = createTxn(0x100000003n, 10_000);
    await persist(log, [{ type: 'txns', txns: [...small, large] }]);
    await persist(log, [{ type: 'txns', txns: [createTxn(0x100000004n)] }]);
    expect(sizes()[0]).toBe(4096);
    expect(sizes()[1]).toBeGreaterThan(10_000);
    expect(sizes()[2]).toBe(4096);
    await log.close(); // which cuts the zeros off the last segment (segment-trim.ts)
    expect(sizes()[2]).toBeLessThan(4096);
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

  test('a done follows the durable write holding it; batches arriving share the next', async () => {
    const events: string[] = [];
    const log = await openLog({ fs: timedDiskFs(events, 15) });
    events.length = 0;
    const txns = createTxns(0x100000001n, 60);
    const handed: Promise<void>[] = [];
    const hand = (index: number): void => {
      const batch = txns.slice(index * 3, index * 3 + 3);
      handed.push(
        new Promise((resolve) => {
          log.write([{ type: 'txns', txns: batch }], (zxid) => {
            events.push(`done ${String(zxid)}`);
            // Each answer brings a new batch, as a client does: they arrive during a write.
            if (index + 10 < 20) hand(index + 10);
            resolve();
          });
        }),
      );
    };
    for (let i = 0; i < 10; i++) hand(i);
    while (handed.length < 20) await Promise.all(handed);
    await Promise.all(handed);
    await log.close();
    const dones = events.filter((event) => event.startsWith('done '));
    expect(dones).toEqual(txns.filter((_, i) => i % 3 === 2).map((t) => `done ${t.zxid}`));
    for (const done of dones) {
      const at = events.indexOf(done);
      const zxid = done.slice('done '.length);
      const written = events.findIndex(
        (e) => e.startsWith('write< ') && e.split(' ').includes(zxid),
      );
      expect({ done, written, at }).toMatchObject({
        written: expect.toSatisfy((i: number) => i >= 0 && i < at),
      });
    }
    // One write in flight at a time, and far fewer writes than batches (group commit).
    const writes = events.filter((event) => event.startsWith('write'));
    expect(writes.every((event, i) => event.startsWith(i % 2 === 0 ? 'write>' : 'write<'))).toBe(
      true,
    );
    expect(writes.length / 2).toBeLessThan(10);
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
    ['EIO', 'write'],
    ['ENOSPC', 'write'],
    ['EIO', 'fsync'],
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
