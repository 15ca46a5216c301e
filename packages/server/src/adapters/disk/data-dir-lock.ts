// The data directory's lock: a `lock` file created exclusively (by link) holding the owner's pid,
// so a second process — or a second instance in this one — is refused. A lock whose pid is no
// longer alive is stale (its owner crashed) and is taken over.

import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DataDirLockedError } from './disk-errors.js';
import { isNotFound } from './epochs-file.js';

export const lockFileName = 'lock';

export interface DataDirLock {
  readonly dataDir: string;
  /** Removes the lock file (only if it is still this lock's). */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Whether a process is alive; tests replace it. */
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * Takes the lock or throws DataDirLockedError. Two processes taking over the same stale lock at
 * the same instant could both succeed: the rule guards against a second server started by
 * mistake, not against a race of two crash-restarts within microseconds.
 */
export async function lockDataDir(
  dataDir: string,
  options: LockOptions = {},
): Promise<DataDirLock> {
  const isAlive = options.isProcessAlive ?? isProcessAlive;
  const path = join(dataDir, lockFileName);
  await mkdir(dataDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path)) return heldLock(dataDir, path);
    const holderPid = await readHolder(path);
    if (holderPid === undefined) continue; // Released meanwhile: try again.
    if (holderPid !== null && (holderPid === process.pid || isAlive(holderPid))) {
      throw new DataDirLockedError(dataDir, holderPid);
    }
    // A crash left the lock (or a lock file with no pid in it, never written by Zoo): take over.
    if (attempt > 0) throw new DataDirLockedError(dataDir, holderPid ?? 0);
    await unlink(path).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }
}

/**
 * The lock file appears whole or not at all: the pid is written to a file of this process's own,
 * which is then hard-linked to `lock` — link fails with EEXIST when a lock exists, as O_EXCL
 * would, but no one ever reads a lock file whose pid is not written yet.
 */
async function tryCreate(path: string): Promise<boolean> {
  const pending = `${path}.pending.${process.pid}.${pendingCount++}`;
  const handle = await open(pending, 'wx');
  try {
    await handle.writeFile(`${process.pid}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(pending, path);
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(pending);
  }
}

let pendingCount = 0;

/** The holder's pid; null when the file holds none; undefined when there is no file. */
async function readHolder(path: string): Promise<number | null | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function heldLock(dataDir: string, path: string): DataDirLock {
  let isHeld = true;
  return {
    dataDir,
    async release() {
      if (!isHeld) return;
      isHeld = false;
      if ((await readHolder(path)) === process.pid) await unlink(path);
    },
  };
}

/** Signal 0 checks that the process exists; EPERM means it exists under another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
