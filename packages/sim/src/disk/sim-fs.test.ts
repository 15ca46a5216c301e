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
});
