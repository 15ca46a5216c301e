// The real log's DiskFs on the simulated platter, on virtual time: a sync (or a write through a
// createSynced fd, O_DSYNC: a write and the sync of its bytes) completes as a World event after
// a seeded latency, other calls (page-cache work) at once, so DiskTxnLog and recover() run
// deterministically. A crash drops the syncs in flight (their promises never
// settle: that process is gone) and keeps what the platter's rules keep. The nemesis arms one
// failing call (EIO, ENOSPC) or flips a bit.

import { basename, dirname } from 'node:path';
import type { DiskFs, SeededRandom } from '@zoo/server/internals';
import type { World } from '../world/world.js';
import type { UnsyncedFate } from '../scenario.js';
import { SimDirectory, SimFile, type FileChange } from './sim-platter.js';

/** A call the nemesis made fail once: a write (a full disk) or a sync (a failing device). */
export interface ArmedDiskError {
  call: 'write' | 'sync';
  code: 'EIO' | 'ENOSPC';
}

type OpenFile =
  /** isSynced: opened by createSynced (O_DSYNC), so each write returns once it is durable. */
  | { type: 'file'; file: SimFile; isSynced: boolean }
  | { type: 'directory'; directory: SimDirectory };

export class SimFs implements DiskFs {
  /** Extra latency of every sync (a stalling disk), set by the nemesis. */
  stallMs = 0;
  armedError: ArmedDiskError | null = null;
  /**
   * The planted bug logAckBeforeSync, from outside the log: a sync (or an O_DSYNC write) answers
   * at once and reaches stable storage only after its latency (a device whose volatile cache
   * acks flushes), so the log's `done` runs before its data is durable, as if it answered
   * before its fdatasync.
   */
  acksSyncEarly = false;
  /**
   * The planted bug epochsRollBack, from outside the server: once a crash has happened, reading
   * the `epochs` file hands back the version its last rename replaced, though the platter holds
   * the new one (a stale read after a restart).
   */
  rollsBackEpochs = false;
  /** Runs after each write reaches the cache (its sync, if any, still to come). */
  onWritten: (() => void) | null = null;
  /** For rollsBackEpochs: each epochs path's file before its last replacement. */
  private readonly replacedEpochs = new Map<string, SimFile>();
  private readonly directories = new Map<string, SimDirectory>();
  private readonly openFiles = new Map<number, OpenFile>();
  private nextFd = 3;
  /** Bumped by every crash: calls of an earlier life never complete. */
  private life = 0;

  constructor(
    private readonly world: World,
    private readonly random: SeededRandom,
  ) {}

  open(path: string, flags: string): Promise<number> {
    return this.now(() => {
      const directory = this.directories.get(path);
      if (directory !== undefined) return this.addFd({ type: 'directory', directory });
      const parent = this.directoryOf(path, 'open');
      const name = basename(path);
      let file = parent.entries.get(name);
      if (file !== undefined && flags === 'wx') throw fsError('EEXIST', 'open', path);
      if (file === undefined) {
        if (flags === 'r' || flags === 'r+') throw fsError('ENOENT', 'open', path);
        file = new SimFile();
        parent.change({ type: 'link', name, file });
      } else if (flags === 'w') {
        file.truncate(0);
      }
      return this.addFd({ type: 'file', file, isSynced: false });
    });
  }

  /** As open(path, 'wx'), its writes durable as they return (O_DSYNC): see write(). */
  createSynced(path: string): Promise<number> {
    return this.now(() => {
      const parent = this.directoryOf(path, 'open');
      const name = basename(path);
      if (parent.entries.has(name)) throw fsError('EEXIST', 'open', path);
      const file = new SimFile();
      parent.change({ type: 'link', name, file });
      return this.addFd({ type: 'file', file, isSynced: true });
    });
  }

  close(fd: number): Promise<void> {
    return this.now(() => {
      this.openFiles.delete(fd);
    });
  }

  /**
   * Page-cache work, done at once; through a createSynced fd (O_DSYNC) the bytes also reach
   * stable storage, and the call returns, one sync latency later: a crash before then meets
   * them unsynced (lost, kept, or torn at any byte), an armed sync error fails the call.
   */
  write(fd: number, bytes: Uint8Array, position: number): Promise<void> {
    const copy = Buffer.from(bytes);
    const open = this.openFiles.get(fd);
    const written = this.now(() => {
      this.throwArmed('write', 'write');
      const change = this.fileOf(fd, 'write').write(position, copy);
      this.onWritten?.();
      return change;
    });
    if (open?.type !== 'file' || !open.isSynced) return written.then(() => undefined);
    return written.then((change) => this.syncWrite(open.file, change));
  }

  read(fd: number, length: number, position: number): Promise<Buffer> {
    return this.now(() => {
      const { bytes } = this.fileOf(fd, 'read');
      return Buffer.from(bytes.subarray(position, Math.min(bytes.length, position + length)));
    });
  }

  readInto(fd: number, target: Uint8Array, position: number): Promise<number> {
    return this.now(() => {
      const { bytes } = this.fileOf(fd, 'read');
      const end = Math.min(bytes.length, position + target.length);
      if (end <= position) return 0;
      target.set(bytes.subarray(position, end));
      return end - position;
    });
  }

  fdatasync(fd: number): Promise<void> {
    return this.sync(fd, 'fdatasync');
  }

  fsync(fd: number): Promise<void> {
    return this.sync(fd, 'fsync');
  }

  ftruncate(fd: number, lengthBytes: number): Promise<void> {
    return this.now(() => {
      this.throwArmed('write', 'ftruncate');
      this.fileOf(fd, 'ftruncate').truncate(lengthBytes);
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.now(() => {
      const directory = this.directoryOf(from, 'rename');
      if (this.directoryOf(to, 'rename') !== directory) throw fsError('EXDEV', 'rename', to);
      if (!directory.entries.has(basename(from))) throw fsError('ENOENT', 'rename', from);
      const replaced = directory.entries.get(basename(to));
      if (basename(to) === 'epochs' && replaced !== undefined)
        this.replacedEpochs.set(to, replaced);
      directory.change({ type: 'rename', from: basename(from), to: basename(to) });
    });
  }

  unlink(path: string): Promise<void> {
    return this.now(() => {
      const directory = this.directoryOf(path, 'unlink');
      if (!directory.entries.has(basename(path))) throw fsError('ENOENT', 'unlink', path);
      directory.change({ type: 'unlink', name: basename(path) });
    });
  }

  readdir(path: string): Promise<string[]> {
    return this.now(() => {
      const directory = this.directories.get(path);
      if (directory === undefined) throw fsError('ENOENT', 'readdir', path);
      return [...directory.entries.keys()].sort();
    });
  }

  /** Directories are made durable at once: a member's directory is there before it starts. */
  mkdir(path: string): Promise<void> {
    return this.now(() => {
      if (!this.directories.has(path)) this.directories.set(path, new SimDirectory());
    });
  }

  readFile(path: string): Promise<Buffer> {
    return this.now(() => {
      const file = this.directoryOf(path, 'open').entries.get(basename(path));
      if (file === undefined) throw fsError('ENOENT', 'open', path);
      const stale = this.rollsBackEpochs && this.life > 0 ? this.replacedEpochs.get(path) : null;
      return Buffer.from((stale ?? file).bytes);
    });
  }

  /**
   * The disk as one life of a process sees it: once a crash ends that life, its calls (from
   * code of the dead process still unwinding) neither complete nor change anything.
   */
  view(): DiskFs {
    const life = this.life;
    const guard = <T>(call: () => Promise<T>): Promise<T> =>
      life === this.life ? call() : new Promise<T>(() => undefined);
    return {
      open: (path, flags) => guard(() => this.open(path, flags)),
      createSynced: (path) => guard(() => this.createSynced(path)),
      close: (fd) => guard(() => this.close(fd)),
      write: (fd, bytes, position) => guard(() => this.write(fd, bytes, position)),
      read: (fd, length, position) => guard(() => this.read(fd, length, position)),
      readInto: (fd, target, position) => guard(() => this.readInto(fd, target, position)),
      fdatasync: (fd) => guard(() => this.fdatasync(fd)),
      fsync: (fd) => guard(() => this.fsync(fd)),
      ftruncate: (fd, lengthBytes) => guard(() => this.ftruncate(fd, lengthBytes)),
      rename: (from, to) => guard(() => this.rename(from, to)),
      unlink: (path) => guard(() => this.unlink(path)),
      readdir: (path) => guard(() => this.readdir(path)),
      mkdir: (path) => guard(() => this.mkdir(path)),
      readFile: (path) => guard(() => this.readFile(path)),
    };
  }

  /** Power is lost: unsynced changes meet `fate`, open files and calls in flight are gone. */
  crash(fate: UnsyncedFate): void {
    this.life += 1;
    this.openFiles.clear();
    for (const [, directory] of [...this.directories].sort(byKey)) {
      for (const file of directory.files()) file.crash(fate, this.random);
      directory.crash(fate, this.random);
    }
  }

  /**
   * Flips one bit of what stable storage holds in a file under `path` (and in the cache, as a
   * reread would show it), somewhere in the bytes written. Returns where, or null if empty.
   */
  flipBit(path: string): string | null {
    const directory = this.directories.get(path);
    if (directory === undefined) return null;
    const named = [...directory.durable].filter(([, file]) => writtenLength(file.durable) > 0);
    if (named.length === 0) return null;
    const [name, file] = named[this.random.nextInt(0, named.length - 1)] ?? named[0] ?? [];
    if (name === undefined || file === undefined) return null;
    const offset = this.random.nextInt(0, writtenLength(file.durable) - 1);
    const mask = 1 << this.random.nextInt(0, 7);
    file.durable[offset] = (file.durable[offset] ?? 0) ^ mask;
    if (offset < file.bytes.length) file.bytes[offset] = (file.bytes[offset] ?? 0) ^ mask;
    return `${name} byte ${offset} bit ${Math.log2(mask)}`;
  }

  /**
   * What stable storage holds under `path`, read off the platter (not through a process's view):
   * each durably named file's durably written bytes, copied. Empty when there is no such
   * directory.
   */
  durableFiles(path: string): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    const directory = this.directories.get(path);
    if (directory === undefined) return files;
    for (const [name, file] of [...directory.durable].sort(byKey)) {
      files.set(name, Buffer.from(file.durable));
    }
    return files;
  }

  /**
   * An operator emptied the directory (`zoo-data reset`): it holds only `files`, durably, and
   * the member starts over from them and resyncs.
   */
  wipe(path: string, files: ReadonlyMap<string, Buffer> = new Map()): void {
    const directory = new SimDirectory();
    for (const [name, bytes] of files) {
      const file = new SimFile();
      file.bytes = Buffer.from(bytes);
      file.durable = Buffer.from(bytes);
      directory.entries.set(name, file);
      directory.durable.set(name, file);
    }
    this.directories.set(path, directory);
  }

  /** The sync half of an O_DSYNC write: that write alone reaches stable storage. */
  private syncWrite(file: SimFile, change: FileChange): Promise<void> {
    if (!this.acksSyncEarly) {
      return this.call(this.syncMs(), () => {
        this.throwArmed('sync', 'write');
        file.syncChange(change);
      });
    }
    void this.call(this.syncMs(), () => file.syncChange(change)).catch(() => undefined);
    return this.now(() => undefined);
  }

  private sync(fd: number, syscall: string): Promise<void> {
    if (!this.acksSyncEarly) return this.call(this.syncMs(), () => this.syncNow(fd, syscall));
    // The file is taken now: the log may close the fd (a segment rolled) before the flush lands.
    const open = this.openFiles.get(fd);
    void this.call(this.syncMs(), () => syncOpen(open)).catch(() => undefined);
    return this.now(() => undefined);
  }

  private syncNow(fd: number, syscall: string): void {
    this.throwArmed('sync', syscall);
    const open = this.openFiles.get(fd);
    if (open === undefined) throw fsError('EBADF', syscall, String(fd));
    syncOpen(open);
  }

  /**
   * Page-cache work takes no virtual time: `effect` runs now, and the caller resumes in this
   * event's microtasks (so a crash can still come between a write and its sync).
   */
  private now<T>(effect: () => T): Promise<T> {
    this.world.hasPendingMicrotasks = true;
    try {
      return Promise.resolve(effect());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Runs `effect` as a World event `latencyMs` from now, unless a crash comes first. */
  private call<T>(latencyMs: number, effect: () => T): Promise<T> {
    const life = this.life;
    return new Promise<T>((resolve, reject) => {
      this.world.after(latencyMs, () => {
        if (life !== this.life) return;
        // The awaiting code runs as microtasks: the world lets them finish before moving on.
        this.world.hasPendingMicrotasks = true;
        try {
          resolve(effect());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  private throwArmed(call: ArmedDiskError['call'], syscall: string): void {
    const armed = this.armedError;
    if (armed === null || armed.call !== call) return;
    this.armedError = null;
    throw fsError(armed.code, syscall, 'the simulated disk');
  }

  private addFd(open: OpenFile): number {
    const fd = this.nextFd;
    this.nextFd += 1;
    this.openFiles.set(fd, open);
    return fd;
  }

  private fileOf(fd: number, syscall: string): SimFile {
    const open = this.openFiles.get(fd);
    if (open?.type !== 'file') throw fsError('EBADF', syscall, String(fd));
    return open.file;
  }

  private directoryOf(path: string, syscall: string): SimDirectory {
    const directory = this.directories.get(dirname(path));
    if (directory === undefined) throw fsError('ENOENT', syscall, path);
    return directory;
  }

  /** Mostly a fraction of a millisecond (an SSD's fdatasync); sometimes a few ms. */
  private syncMs(): number {
    const base = this.random.chance(0.95)
      ? 0.05 + this.random.nextFloat() * 0.5
      : 1 + this.random.nextFloat() * 9;
    return base + this.stallMs;
  }
}

function syncOpen(open: OpenFile | undefined): void {
  if (open?.type === 'file') open.file.sync();
  else open?.directory.sync();
}

/**
 * An error as node:fs makes them: `code` is what callers test (isNotFound), and like an error of
 * node:fs's promise calls it carries no frames of its caller. Capturing them cost more than the
 * whole call: a segment file made ahead is unlinked first, "not found" nearly every time (#16).
 */
function fsError(code: string, syscall: string, path: string): Error {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Up to the last non-zero byte: preallocated zeros after it hold nothing to flip. */
function writtenLength(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0; i--) if (bytes[i] !== 0) return i + 1;
  return 0;
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
