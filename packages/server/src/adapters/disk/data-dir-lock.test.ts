import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lockDataDir, lockFileName } from './data-dir-lock.js';
import { DataDirLockedError } from './disk-errors.js';
import { useTempDir } from './testing/disk-fixtures.js';

const temp = useTempDir();

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockDataDir', () => {
  test('a second instance in this process is refused until the first releases', async () => {
    const lock = await lockDataDir(temp.dir);
    expect(readFileSync(join(temp.dir, lockFileName), 'utf8')).toBe(`${process.pid}\n`);
    const second = lockDataDir(temp.dir);
    await expect(second).rejects.toThrow(DataDirLockedError);
    await expect(second).rejects.toThrow(/locked by process \d+ \(this process/);
    await lock.release();
    expect(existsSync(join(temp.dir, lockFileName))).toBe(false);
    await (await lockDataDir(temp.dir)).release();
  });

  test('concurrent openers in one process: exactly one wins', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => lockDataDir(temp.dir)),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  test('a lock held by another live process is refused', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(join(temp.dir, lockFileName), `${other.pid}\n`);
      const locking = lockDataDir(temp.dir);
      await expect(locking).rejects.toThrow(new RegExp(`locked by process ${other.pid}$`));
    } finally {
      other.kill();
    }
  });

  test('a stale lock, whose process has exited, is taken over', async () => {
    writeFileSync(join(temp.dir, lockFileName), `${deadPid()}\n`);
    const lock = await lockDataDir(temp.dir);
    expect(readFileSync(join(temp.dir, lockFileName), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  test('a lock file with no pid in it is taken over', async () => {
    writeFileSync(join(temp.dir, lockFileName), '');
    await (await lockDataDir(temp.dir)).release();
  });
});
