import { describe, expect, test } from 'vitest';
import { fsyncDirectory, writeFileDurably } from '@zoo/server/internals';
import { World } from '../world/world.js';
import { SimFs } from './sim-fs.js';
import { onWorld } from './on-world.js';

function freshDisk(seed = 1): { world: World; fs: SimFs } {
  const world = new World({ seed });
  return { world, fs: new SimFs(world, world.random('disk')) };
}

async function writeFile(
  fs: SimFs,
  path: string,
  text: string,
  sync: 'none' | 'file',
): Promise<void> {
  const fd = await fs.open(path, 'w');
  await fs.write(fd, Buffer.from(text), 0);
  if (sync === 'file') await fs.fsync(fd);
  await fs.close(fd);
}

/** A fresh disk with `/d/log` created for O_DSYNC writes, its name durable. */
async function freshSyncedLog(seed = 1): Promise<{ world: World; fs: SimFs; log: number }> {
  const { world, fs } = freshDisk(seed);
  await onWorld(world, fs.mkdir('/d'));
  const log = await onWorld(world, fs.createSynced('/d/log'));
  await onWorld(world, fsyncDirectory(fs, '/d'));
  return { world, fs, log };
}

/** Whether `work` settles with no virtual time passing (page-cache work does; a sync does not). */
async function settlesAtOnce(work: Promise<unknown>): Promise<boolean> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

async function readText(fs: SimFs, path: string): Promise<string | null> {
  try {
    return (await fs.readFile(path)).toString();
  } catch {
    return null;
  }
}

describe('SimFs', () => {
  test('completes each call as a world event, later in virtual time', async () => {
    const { world, fs } = freshDisk();
    await onWorld(world, fs.mkdir('/d'));
    const before = world.nowMs;
    await onWorld(world, writeFile(fs, '/d/a', 'x', 'file'));
    expect(world.nowMs).toBeGreaterThan(before);
  });

  test('keeps synced data and names across a crash, whatever the fate', async () => {
    for (const fate of ['lost', 'kept', 'torn'] as const) {
      const { world, fs } = freshDisk();
      await onWorld(world, fs.mkdir('/d'));
      await onWorld(world, writeFileDurably(fs, '/d/a', Buffer.from('durable')));
      fs.crash(fate);
      expect(await onWorld(world, readText(fs, '/d/a'))).toBe('durable');
      expect(await onWorld(world, fs.readdir('/d'))).toEqual(['a']);
    }
  });

  test('loses, keeps or tears unsynced writes as the crash says', async () => {
    const outcomes = new Set<string>();
    for (const fate of ['lost', 'kept'] as const) {
      const { world, fs } = freshDisk();
      await onWorld(world, fs.mkdir('/d'));
      await onWorld(world, writeFileDurably(fs, '/d/a', Buffer.from('old')));
      const fd = await onWorld(world, fs.open('/d/a', 'r+'));
      await onWorld(world, fs.write(fd, Buffer.from('-and-new'), 3));
      fs.crash(fate);
      outcomes.add(`${fate}:${await onWorld(world, readText(fs, '/d/a'))}`);
    }
    expect([...outcomes].sort()).toEqual(['kept:old-and-new', 'lost:old']);
    const torn = new Set<string>();
    for (let seed = 1; seed <= 20; seed += 1) {
      const { world, fs } = freshDisk(seed);
      await onWorld(world, fs.mkdir('/d'));
      await onWorld(world, writeFileDurably(fs, '/d/a', Buffer.from('old')));
      const fd = await onWorld(world, fs.open('/d/a', 'r+'));
      await onWorld(world, fs.write(fd, Buffer.from('-and-new'), 3));
      fs.crash('torn');
      const text = (await onWorld(world, readText(fs, '/d/a'))) ?? '';
      expect('old-and-new'.startsWith(text) && text.startsWith('old')).toBe(true);
      torn.add(text);
    }
    // A torn write keeps a prefix cut at any byte: many different ones over twenty seeds.
    expect(torn.size).toBeGreaterThan(3);
  });

  test('an O_DSYNC write returns later, durable; a crash during it leaves any prefix', async () => {
    const { world, fs, log } = await freshSyncedLog();
    const first = fs.write(log, Buffer.from('first'), 0);
    expect(await settlesAtOnce(first)).toBe(false);
    await onWorld(world, first);
    // Another write to the file, not yet returned: what it leaves is the crash's to decide.
    void fs.write(log, Buffer.from('-second'), 5);
    fs.crash('lost');
    expect(await onWorld(world, readText(fs, '/d/log'))).toBe('first');
    const torn = new Set<string>();
    for (let seed = 1; seed <= 20; seed += 1) {
      const disk = await freshSyncedLog(seed);
      await onWorld(disk.world, disk.fs.write(disk.log, Buffer.from('first'), 0));
      void disk.fs.write(disk.log, Buffer.from('-second'), 5);
      disk.fs.crash('torn');
      const text = (await onWorld(disk.world, readText(disk.fs, '/d/log'))) ?? '';
      expect('first-second'.startsWith(text) && text.startsWith('first')).toBe(true);
      torn.add(text);
    }
    expect(torn.size).toBeGreaterThan(3);
  });

  test('an O_DSYNC write makes its own bytes durable, not a plain write', async () => {
    const { world, fs, log } = await freshSyncedLog();
    await onWorld(world, writeFileDurably(fs, '/d/plain', Buffer.from('old')));
    const plain = await onWorld(world, fs.open('/d/plain', 'r+'));
    await onWorld(world, fs.write(plain, Buffer.from('NEW'), 0));
    await onWorld(world, fs.write(log, Buffer.from('synced'), 0));
    fs.crash('lost');
    expect(await onWorld(world, readText(fs, '/d/log'))).toBe('synced');
    expect(await onWorld(world, readText(fs, '/d/plain'))).toBe('old');
  });

  test('an armed sync error fails an O_DSYNC write; acksSyncEarly returns early', async () => {
    const { world, fs, log } = await freshSyncedLog();
    fs.armedError = { call: 'sync', code: 'EIO' };
    await expect(onWorld(world, fs.write(log, Buffer.from('x'), 0))).rejects.toMatchObject({
      code: 'EIO',
    });
    fs.acksSyncEarly = true;
    expect(await settlesAtOnce(fs.write(log, Buffer.from('acked'), 0))).toBe(true);
    fs.crash('lost');
    expect(await onWorld(world, readText(fs, '/d/log'))).toBe('');
  });

  test('loses a rename or a new file whose directory was not fsynced', async () => {
    const { world, fs } = freshDisk();
    await onWorld(world, fs.mkdir('/d'));
    await onWorld(world, writeFile(fs, '/d/new', 'n', 'file'));
    await onWorld(world, writeFile(fs, '/d/t', 't', 'file'));
    await onWorld(world, fs.rename('/d/t', '/d/renamed'));
    fs.crash('lost');
    expect(await onWorld(world, fs.readdir('/d'))).toEqual([]);
    await onWorld(world, writeFile(fs, '/d/t', 't', 'file'));
    await onWorld(world, fs.rename('/d/t', '/d/renamed'));
    await onWorld(world, fsyncDirectory(fs, '/d'));
    fs.crash('lost');
    expect(await onWorld(world, fs.readdir('/d'))).toEqual(['renamed']);
  });

  test('never completes a sync a crash overtook, nor a call of the life it ended', async () => {
    const { world, fs } = freshDisk();
    await onWorld(world, fs.mkdir('/d'));
    const life = fs.view();
    const fd = await onWorld(world, life.open('/d/a', 'w'));
    await onWorld(world, life.write(fd, Buffer.from('x'), 0));
    let isSynced = false;
    void life.fdatasync(fd).then(() => (isSynced = true));
    fs.crash('lost');
    void life.open('/d/b', 'w');
    await world.runUntil(world.nowMs + 100);
    expect(isSynced).toBe(false);
    expect(await onWorld(world, fs.readdir('/d'))).toEqual([]);
  });

  test('fails an armed call once, with the code a real disk gives', async () => {
    const { world, fs } = freshDisk();
    await onWorld(world, fs.mkdir('/d'));
    fs.armedError = { call: 'sync', code: 'EIO' };
    const fd = await onWorld(world, fs.open('/d/a', 'w'));
    await onWorld(world, fs.write(fd, Buffer.from('x'), 0));
    await expect(onWorld(world, fs.fdatasync(fd))).rejects.toMatchObject({ code: 'EIO' });
    await onWorld(world, fs.fdatasync(fd));
    fs.armedError = { call: 'write', code: 'ENOSPC' };
    await expect(onWorld(world, fs.write(fd, Buffer.from('y'), 1))).rejects.toMatchObject({
      code: 'ENOSPC',
    });
  });

  test('flips one stored bit, which a reread shows', async () => {
    const { world, fs } = freshDisk();
    await onWorld(world, fs.mkdir('/d'));
    await onWorld(world, writeFileDurably(fs, '/d/a', Buffer.from('abcdefgh')));
    const where = fs.flipBit('/d');
    expect(where).toMatch(/^a byte \d bit \d$/);
    fs.crash('lost');
    const bytes = await onWorld(world, fs.readFile('/d/a'));
    const differing = [...bytes].map((byte, i) => byte ^ (Buffer.from('abcdefgh')[i] ?? 0));
    expect(differing.filter((x) => x !== 0).map((x) => Math.log2(x) % 1)).toEqual([0]);
  });

  test('a missing file fails as node:fs does: a code, no frames of the caller', async () => {
    const { world, fs } = freshDisk();
    await onWorld(world, fs.mkdir('/d'));
    const error = await onWorld(world, fs.unlink('/d/gone')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'unlink', path: '/d/gone' });
    expect(error instanceof Error && error.stack).toBe("Error: ENOENT: unlink '/d/gone'");
    // Every other error still gets its frames: earlier calls in this file left V8's default.
    expect(Error.stackTraceLimit).toBe(10);
  });
});
