// The file-system calls the data directory makes, as one injectable interface: nodeDiskFs is
// node:fs; tests wrap it to watch the order of writes and fsyncs, or to fail a call with EIO;
// the simulator implements it over its simulated platter (sim/src/disk/sim-fs.ts).

import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

export interface DiskFs {
  open(path: string, flags: string): Promise<number>;
  /**
   * Creates `path` (it must not exist) for writing with O_DSYNC: each write through the fd
   * returns only once its bytes, and the metadata needed to read them back, are on stable
   * storage — a write and an fdatasync in one call (one trip to the thread pool). A crash
   * during such a write may leave any prefix of it.
   */
  createSynced(path: string): Promise<number>;
  close(fd: number): Promise<void>;
  /** Writes all of `bytes` at `position`. */
  write(fd: number, bytes: Uint8Array, position: number): Promise<void>;
  /** Reads up to `length` bytes at `position`; fewer only at the end of the file. */
  read(fd: number, length: number, position: number): Promise<Buffer>;
  /**
   * Reads into all of `target` from `position`; returns the bytes read, fewer only at the end of
   * the file. Recovery reads through one reused buffer: fresh memory costs a page fault a page.
   */
  readInto(fd: number, target: Uint8Array, position: number): Promise<number>;
  /** Data (and the metadata needed to read it back) on stable storage. */
  fdatasync(fd: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, lengthBytes: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
}

const fsWrite = promisify(fs.write);
const fsRead = promisify(fs.read);
const fsOpen = promisify(fs.open);
const fsClose = promisify(fs.close);
const fsFdatasync = promisify(fs.fdatasync);
/** Undefined where the platform has no O_DSYNC (Windows): there a write is followed by a sync. */
const dsyncFlag: number | undefined = fs.constants.O_DSYNC;
/** Fds from createSynced on a platform without O_DSYNC: each write fdatasyncs after itself. */
const syncedByHand = new Set<number>();

export const nodeDiskFs: DiskFs = {
  open: fsOpen,
  async createSynced(path) {
    const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
    if (dsyncFlag !== undefined) return fsOpen(path, O_WRONLY | O_CREAT | O_EXCL | dsyncFlag);
    const fd = await fsOpen(path, 'wx');
    syncedByHand.add(fd);
    return fd;
  },
  async close(fd) {
    syncedByHand.delete(fd);
    await fsClose(fd);
  },
  async write(fd, bytes, position) {
    // A write may be short (a full disk gives ENOSPC on the next call, not here): loop.
    for (let offset = 0; offset < bytes.length;) {
      const { bytesWritten } = await fsWrite(
        fd,
        bytes,
        offset,
        bytes.length - offset,
        position + offset,
      );
      offset += bytesWritten;
    }
    if (syncedByHand.has(fd)) await fsFdatasync(fd);
  },
  async read(fd, length, position) {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, await nodeDiskFs.readInto(fd, buffer, position));
  },
  async readInto(fd, target, position) {
    let filled = 0;
    while (filled < target.length) {
      const left = target.length - filled;
      const { bytesRead } = await fsRead(fd, target, filled, left, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled;
  },
  fdatasync: fsFdatasync,
  fsync: promisify(fs.fsync),
  ftruncate: promisify(fs.ftruncate),
  rename: promisify(fs.rename),
  unlink: promisify(fs.unlink),
  readdir: async (path) => (await promisify(fs.readdir)(path)).sort(),
  mkdir: async (path) => {
    await promisify(fs.mkdir)(path, { recursive: true });
  },
  readFile: (path) => promisify(fs.readFile)(path),
};

/** Makes a rename or a new file in `dir` durable (POSIX: the entry lives in the directory). */
export async function fsyncDirectory(disk: DiskFs, dir: string): Promise<void> {
  const fd = await disk.open(dir, 'r');
  try {
    await disk.fsync(fd);
  } finally {
    await disk.close(fd);
  }
}

/**
 * Replaces `path` with `bytes` atomically and durably: a temp file, written and fsynced, renamed
 * over it, then the directory fsynced — a crash leaves the old file or the new one, never half.
 */
export async function writeFileDurably(
  disk: DiskFs,
  path: string,
  bytes: Uint8Array,
): Promise<void> {
  const temp = `${path}.tmp`;
  const fd = await disk.open(temp, 'w');
  try {
    await disk.write(fd, bytes, 0);
    await disk.fsync(fd);
  } finally {
    await disk.close(fd);
  }
  await disk.rename(temp, path);
  await fsyncDirectory(disk, dirname(path));
}
