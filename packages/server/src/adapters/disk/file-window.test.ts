import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nodeDiskFs } from './disk-fs.js';
import { FileWindow } from './file-window.js';
import { useTempDir } from './testing/disk-fixtures.js';

const temp = useTempDir();

/** A file of `length` bytes, byte i being i mod 251; `use` gets a 16-byte window on it. */
async function withWindow(length: number, use: (window: FileWindow) => Promise<void>) {
  const path = join(temp.dir, 'file');
  writeFileSync(path, Buffer.from(Array.from({ length }, (_, i) => i % 251)));
  const fd = await nodeDiskFs.open(path, 'r');
  try {
    const window = new FileWindow(nodeDiskFs, 16);
    window.reset(fd);
    await use(window);
  } finally {
    await nodeDiskFs.close(fd);
  }
}

/** The `length` bytes at `position` as the window holds them, after ensure(). */
async function bytesAt(window: FileWindow, position: number, length: number): Promise<number[]> {
  const got = await window.ensure(position, length);
  const start = position - window.offset;
  return [...window.bytes.subarray(start, start + got)];
}

const expected = (position: number, length: number): number[] =>
  Array.from({ length }, (_, i) => (position + i) % 251);

describe('FileWindow', () => {
  test('reads forward, jumps past the window, back to the start, and grows', async () => {
    await withWindow(1000, async (window) => {
      expect(await bytesAt(window, 0, 10)).toEqual(expected(0, 10));
      expect(await bytesAt(window, 12, 10)).toEqual(expected(12, 10));
      expect(await bytesAt(window, 900, 16)).toEqual(expected(900, 16));
      expect(await bytesAt(window, 3, 5)).toEqual(expected(3, 5));
      expect(await bytesAt(window, 100, 300)).toEqual(expected(100, 300));
    });
  });

  test('says how many bytes the file has at its end', async () => {
    await withWindow(100, async (window) => {
      expect(await bytesAt(window, 90, 20)).toEqual(expected(90, 10));
      expect(await window.ensure(100, 8)).toBe(0);
      expect(await window.ensure(150, 8)).toBe(0);
    });
  });

  test('holds exactly the bytes the last ensure brought in, and no more', async () => {
    await withWindow(100, async (window) => {
      expect(window.holds(0, 1)).toBe(false);
      await window.ensure(20, 8);
      const [start, end] = [window.offset, window.offset + 16];
      expect(start).toBe(20);
      expect(window.holds(start, 16)).toBe(true);
      expect(window.holds(start + 4, 12)).toBe(true);
      expect(window.holds(start - 1, 2)).toBe(false);
      expect(window.holds(end - 2, 3)).toBe(false);
      await window.ensure(95, 8);
      expect(window.holds(95, 5)).toBe(true);
      expect(window.holds(95, 6)).toBe(false);
    });
  });

  test('tells zeros through the end from anything else', async () => {
    const path = join(temp.dir, 'zeros');
    const bytes = Buffer.alloc(200);
    bytes[5] = 1;
    writeFileSync(path, bytes);
    const fd = await nodeDiskFs.open(path, 'r');
    try {
      const window = new FileWindow(nodeDiskFs, 16);
      window.reset(fd);
      expect(await window.restIsZero(0)).toBe(false);
      expect(await window.restIsZero(6)).toBe(true);
      bytes[199] = 1;
      writeFileSync(path, bytes);
      window.reset(fd);
      expect(await window.restIsZero(6)).toBe(false);
    } finally {
      await nodeDiskFs.close(fd);
    }
  });
});
