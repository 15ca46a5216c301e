// What a simulated disk holds, in two layers: what the OS shows (the page cache) and what is on
// stable storage. Writes and truncations reach stable storage at fsync/fdatasync of their file
// (an O_DSYNC write, on its own, as it returns);
// names made, removed or renamed reach it at fsync of their directory. A crash keeps what was
// synced plus, for what was not, nothing, everything, or a prefix torn inside its last write.

import type { SeededRandom } from '@zoo/server/internals';
import type { UnsyncedFate } from '../scenario.js';

export type FileChange =
  { type: 'write'; position: number; bytes: Buffer } | { type: 'truncate'; lengthBytes: number };

type DirChange =
  | { type: 'link'; name: string; file: SimFile }
  | { type: 'unlink'; name: string }
  | { type: 'rename'; from: string; to: string };

/** One file (an inode): its bytes as read, on stable storage, and the changes in between. */
export class SimFile {
  bytes: Buffer = Buffer.alloc(0);
  durable: Buffer = Buffer.alloc(0);
  changes: FileChange[] = [];

  /** Takes `bytes` as its own: the caller must not change them afterwards. */
  write(position: number, bytes: Buffer): FileChange {
    const change = { type: 'write' as const, position, bytes };
    this.bytes = applyFileChange(this.bytes, change);
    this.changes.push(change);
    return change;
  }

  truncate(lengthBytes: number): void {
    const change = { type: 'truncate' as const, lengthBytes };
    this.bytes = applyFileChange(this.bytes, change);
    this.changes.push(change);
  }

  sync(): void {
    for (const change of this.changes) this.durable = applyFileChange(this.durable, change);
    this.changes = [];
  }

  /**
   * One change reaches stable storage on its own (an O_DSYNC write returning); the changes
   * before it that are still unsynced stay so. Nothing if a sync already took it.
   */
  syncChange(change: FileChange): void {
    const index = this.changes.indexOf(change);
    if (index < 0) return;
    this.durable = applyFileChange(this.durable, change);
    this.changes.splice(index, 1);
  }

  /** Back to what stable storage holds after a crash that met `fate`. */
  crash(fate: UnsyncedFate, random: SeededRandom): void {
    const kept = keptPrefix(this.changes.length, fate, random);
    let durable = this.durable;
    for (const change of this.changes.slice(0, kept.whole)) {
      durable = applyFileChange(durable, change);
    }
    const torn = this.changes[kept.whole];
    if (kept.isTorn && torn?.type === 'write') {
      // Any byte of the write may be where the power went: a prefix of it reached the platter.
      const cut = random.nextInt(0, torn.bytes.length - 1);
      durable = applyFileChange(durable, { ...torn, bytes: torn.bytes.subarray(0, cut) });
    }
    this.durable = durable;
    this.bytes = Buffer.from(durable);
    this.changes = [];
  }
}

/** A directory: its names as listed, on stable storage, and the changes in between. */
export class SimDirectory {
  entries = new Map<string, SimFile>();
  durable = new Map<string, SimFile>();
  changes: DirChange[] = [];

  change(change: DirChange): void {
    applyDirChange(this.entries, change);
    this.changes.push(change);
  }

  sync(): void {
    this.durable = new Map(this.entries);
    this.changes = [];
  }

  crash(fate: UnsyncedFate, random: SeededRandom): void {
    const kept = keptPrefix(this.changes.length, fate, random);
    for (const change of this.changes.slice(0, kept.whole)) applyDirChange(this.durable, change);
    this.entries = new Map(this.durable);
    this.changes = [];
  }

  /** Every file named on stable storage or in the cache, each once, by sorted name. */
  files(): SimFile[] {
    const names = [...new Set([...this.durable.keys(), ...this.entries.keys()])].sort();
    const files = names.flatMap((name) => {
      const file = this.durable.get(name) ?? this.entries.get(name);
      return file === undefined ? [] : [file];
    });
    return [...new Set(files)];
  }
}

/**
 * How many unsynced changes, oldest first, a crash keeps whole, and whether the next one is
 * torn. A disk writes back in no promised order, but Zoo's files are written front to back and
 * synced between dependent steps, so a prefix is the case that matters.
 */
function keptPrefix(
  count: number,
  fate: UnsyncedFate,
  random: SeededRandom,
): { whole: number; isTorn: boolean } {
  if (count === 0 || fate === 'lost') return { whole: 0, isTorn: false };
  if (fate === 'kept') return { whole: count, isTorn: false };
  return { whole: random.nextInt(0, count - 1), isTorn: true };
}

function applyFileChange(bytes: Buffer, change: FileChange): Buffer {
  if (change.type === 'truncate') {
    if (change.lengthBytes <= bytes.length) {
      return Buffer.from(bytes.subarray(0, change.lengthBytes));
    }
    return Buffer.concat([bytes, Buffer.alloc(change.lengthBytes - bytes.length)]);
  }
  // In place when it fits: each layer owns its buffer (sync and crash copy between them).
  const end = change.position + change.bytes.length;
  const out = end <= bytes.length ? bytes : Buffer.alloc(end);
  if (out !== bytes) bytes.copy(out);
  change.bytes.copy(out, change.position);
  return out;
}

function applyDirChange(entries: Map<string, SimFile>, change: DirChange): void {
  switch (change.type) {
    case 'link':
      entries.set(change.name, change.file);
      return;
    case 'unlink':
      entries.delete(change.name);
      return;
    case 'rename': {
      const file = entries.get(change.from);
      entries.delete(change.from);
      if (file !== undefined) entries.set(change.to, file);
      return;
    }
  }
}
