// Fixtures for the data directory's tests: a temp directory each test removes, txns and
// snapshots to write, a logger that remembers, and a DiskFs that records its calls and can fail.

import { afterEach, beforeEach } from 'vitest';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RestorableSnapshot, TreeSnapshot } from '../../../core/tree/tree-snapshot.js';
import { streamOfSnapshot } from '../../../core/tree/tree-snapshot.js';
import type { PersistOp } from '../../../core/replication/replication.js';
import type { Txn } from '../../../core/tree/txn.js';
import type { Logger } from '../../../runtime/env.js';
import { nodeDiskFs, type DiskFs } from '../disk-fs.js';
import { frameAt } from '../record-frame.js';
import { decodeSegmentHeader } from '../segment-file.js';

export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-disk-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh temporary directory for each test of the calling file, removed after the test. */
export function useTempDir(): { readonly dir: string } {
  let temp: ReturnType<typeof makeTempDir> | null = null;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => {
    temp?.remove();
    temp = null;
  });
  return {
    get dir(): string {
      if (temp === null) throw new Error('useTempDir: no test is running');
      return temp.dir;
    },
  };
}

/** A SNAP's durable write of `snapshot` (the op carries it as a stream, read once). */
export function snapshotOp(snapshot: TreeSnapshot): PersistOp {
  return { type: 'snapshot', snapshot: streamOfSnapshot(snapshot) };
}

export function createTxn(zxid: bigint, dataBytes = 8): Txn {
  return {
    zxid,
    timeMs: 1_700_000_000_000 + Number(zxid & 0xffffn),
    sessionId: 0x100000000n,
    cxid: Number(zxid & 0xffffn),
    body: {
      type: 'create',
      path: `/n${zxid.toString(16)}`,
      data: Buffer.alloc(dataBytes, Number(zxid & 0xffn)),
      acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
      ephemeralOwner: 0n,
      parentCVersion: Number(zxid & 0xffffn),
    },
  };
}

export function createTxns(fromZxid: bigint, count: number): Txn[] {
  return Array.from({ length: count }, (_, i) => createTxn(fromZxid + BigInt(i)));
}

/** A recovered snapshot with its (lazily decoded) nodes read into a list, to compare. */
export function listed(snapshot: RestorableSnapshot | null): TreeSnapshot | null {
  if (snapshot === null) return null;
  return { zxid: snapshot.zxid, nodes: [...snapshot.nodes], sessions: snapshot.sessions };
}

export function createSnapshot(zxid: bigint): TreeSnapshot {
  return {
    zxid,
    nodes: [
      {
        path: '/',
        data: null,
        acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        czxid: 0n,
        mzxid: 0n,
        pzxid: zxid,
        ctime: 0,
        mtime: 0,
        version: 0,
        childCreates: 1,
        aversion: 0,
        ephemeralOwner: 0n,
      },
      {
        path: '/a',
        data: Buffer.from(`state at ${zxid}`),
        acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        czxid: zxid,
        mzxid: zxid,
        pzxid: zxid,
        ctime: 5,
        mtime: 5,
        version: 0,
        childCreates: 0,
        aversion: 0,
        ephemeralOwner: 0n,
      },
    ],
    sessions: [{ sessionId: 0x100000000n, timeoutMs: 30_000 }],
  };
}

export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** nodeDiskFs, noting in `synced` the fds createSynced opens (the log's segments). */
export function syncedNotingDiskFs(synced: Set<number>): DiskFs {
  return {
    ...nodeDiskFs,
    async createSynced(path) {
      const fd = await nodeDiskFs.createSynced(path);
      synced.add(fd);
      return fd;
    },
  };
}

/** nodeDiskFs, recording every call as `name` or `name:<file>`; `failOn` may throw instead. */
export function recordingDiskFs(options: {
  calls: string[];
  failOn?: (call: string) => Error | null;
}): DiskFs {
  const fdNames = new Map<number, string>();
  const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
  const wrap = <A extends unknown[], R>(
    name: string,
    call: (...args: A) => Promise<R>,
    target: (...args: A) => string,
  ) => {
    return async (...args: A): Promise<R> => {
      const entry = `${name}:${target(...args)}`;
      const failure = options.failOn?.(entry) ?? null;
      if (failure !== null) throw failure;
      options.calls.push(entry);
      return call(...args);
    };
  };
  const ofFd = (fd: number): string => fdNames.get(fd) ?? String(fd);
  return {
    open: wrap(
      'open',
      async (path: string, flags: string) => {
        const fd = await nodeDiskFs.open(path, flags);
        fdNames.set(fd, baseName(path));
        return fd;
      },
      (path) => baseName(path),
    ),
    createSynced: wrap(
      'createSynced',
      async (path: string) => {
        const fd = await nodeDiskFs.createSynced(path);
        fdNames.set(fd, baseName(path));
        return fd;
      },
      (path) => baseName(path),
    ),
    close: wrap('close', nodeDiskFs.close, ofFd),
    write: wrap('write', nodeDiskFs.write, ofFd),
    read: wrap('read', nodeDiskFs.read, ofFd),
    readInto: wrap('readInto', nodeDiskFs.readInto, ofFd),
    fdatasync: wrap('fdatasync', nodeDiskFs.fdatasync, ofFd),
    fsync: wrap('fsync', nodeDiskFs.fsync, ofFd),
    ftruncate: wrap('ftruncate', nodeDiskFs.ftruncate, ofFd),
    rename: wrap('rename', nodeDiskFs.rename, (_from, to) => baseName(to)),
    unlink: wrap('unlink', nodeDiskFs.unlink, baseName),
    readdir: wrap('readdir', nodeDiskFs.readdir, baseName),
    mkdir: wrap('mkdir', nodeDiskFs.mkdir, baseName),
    readFile: wrap('readFile', nodeDiskFs.readFile, baseName),
  };
}

/** An errno-style error as node:fs raises it. */
export function fsError(code: 'EIO' | 'ENOSPC', syscall: string): Error {
  return Object.assign(new Error(`${code}: simulated failure, ${syscall}`), { code, syscall });
}

/** Every record's [start, end) in the highest-seq segment of `dir`, and that segment's path. */
export function lastSegmentRecords(dir: string): { path: string; spans: [number, number][] } {
  const name = readdirSync(dir)
    .filter((entry) => entry.startsWith('log.'))
    .sort()
    .at(-1);
  if (name === undefined) throw new Error(`no segment in ${dir}`);
  const path = join(dir, name);
  const bytes = readFileSync(path);
  const spans: [number, number][] = [];
  let offset = decodeSegmentHeader(bytes, name).recordsOffset;
  for (let frame = frameAt(bytes, offset); frame.type === 'record';) {
    spans.push([offset, frame.nextOffset]);
    offset = frame.nextOffset;
    frame = frameAt(bytes, offset);
  }
  return { path, spans };
}

/** Cuts the last segment in the middle of its last record: a write a crash interrupted. */
export function tearLastRecord(dir: string): void {
  const { path, spans } = lastSegmentRecords(dir);
  const last = spans.at(-1);
  if (last === undefined) throw new Error('no record to tear');
  truncateSync(path, last[0] + Math.floor((last[1] - last[0]) / 2));
}

/** Flips one bit of the file at `offset` (from the end when negative). */
export function flipBit(path: string, offset: number): void {
  const bytes = readFileSync(path);
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] = (bytes[at] ?? 0) ^ 0x04;
  writeFileSync(path, bytes);
}
