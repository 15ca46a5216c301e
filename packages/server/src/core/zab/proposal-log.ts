// One peer's view of its replicated history: the logged txns after a base point, and how far
// they are committed and applied (applied ≤ committed ≤ last logged, as etcd's raftLog). The
// window keeps `committedLogMax` committed txns for DIFF sync (ZooKeeper: ZKDatabase.committedLog)
// and every uncommitted one. Durability is the loop's job: this is the in-memory mirror.

import { assert } from '@zoo/client/protocol';
import type { Txn } from '../tree/txn.js';
import { hexZxid } from './zxid.js';

/** Entries dropped from the front before the array is compacted. */
const compactAfterEntries = 1024;

export class ProposalLog {
  /** Live entries are entries[head…], zxids strictly increasing, all > baseZxid. */
  private entries: Txn[] = [];
  private head = 0;
  private base: bigint;
  private committed: bigint;
  private applied: bigint;
  private readonly committedLogMax: number;
  /**
   * invariants() has seen entries[head…checkedUpTo) in increasing order. Logged txns never
   * change, so each later call checks only what came since: the window holds up to
   * committedLogMax entries and the simulator checks every member every 100 ms.
   */
  private checkedUpTo = 0;

  /**
   * Rebuilds the window from the durable log and the host's applied state. The host restored
   * only what it knows is committed (its snapshot); every logged txn after it is of unknown
   * fate until a leader says so: a quorum's DIFF commits it, or a TRUNC drops it.
   */
  constructor(options: { log: readonly Txn[]; appliedZxid: bigint; committedLogMax: number }) {
    const { log, appliedZxid, committedLogMax } = options;
    assert(appliedZxid >= 0n, () => `applied zxid ${appliedZxid}`);
    assert(Number.isSafeInteger(committedLogMax) && committedLogMax >= 0, 'committedLogMax');
    this.committedLogMax = committedLogMax;
    for (let i = 1; i < log.length; i += 1) {
      const previous = log[i - 1];
      const txn = log[i];
      assert(previous !== undefined && txn !== undefined, 'log slot');
      assert(txn.zxid > previous.zxid, () => `durable log out of order at ${hexZxid(txn.zxid)}`);
    }
    const firstUnknown = log.findIndex((txn) => txn.zxid > appliedZxid);
    const known = firstUnknown < 0 ? log.length : firstUnknown;
    this.base = appliedZxid;
    this.committed = appliedZxid;
    this.applied = appliedZxid;
    if (known === 0) {
      this.entries = [...log];
    } else {
      const lastKnown = log[known - 1];
      assert(
        lastKnown !== undefined && lastKnown.zxid === appliedZxid,
        () => `the host's state ${hexZxid(appliedZxid)} is not a point of the durable log`,
      );
      // What precedes the first logged txn is unknown, so it becomes the base.
      const first = log[0];
      assert(first !== undefined, 'first logged txn');
      this.base = first.zxid;
      this.entries = log.slice(1);
    }
    this.trim();
  }

  /** The history point just before the first entry of the window. */
  get baseZxid(): bigint {
    return this.base;
  }

  get lastZxid(): bigint {
    const last = this.entries.at(-1);
    return this.entries.length > this.head && last !== undefined ? last.zxid : this.base;
  }

  get committedZxid(): bigint {
    return this.committed;
  }

  get appliedZxid(): bigint {
    return this.applied;
  }

  /** Entries in the window. */
  get size(): number {
    return this.entries.length - this.head;
  }

  append(txn: Txn): void {
    assert(
      txn.zxid > this.lastZxid,
      () => `append ${hexZxid(txn.zxid)} after ${hexZxid(this.lastZxid)}`,
    );
    this.entries.push(txn);
  }

  /** Whether `zxid` is a point of this history that the window knows (the base or an entry). */
  has(zxid: bigint): boolean {
    if (zxid === this.base) return true;
    const index = this.indexAfter(zxid - 1n);
    return index < this.entries.length && this.entries[index]?.zxid === zxid;
  }

  /** The largest known point (base or entry) below `zxid`, which must be above the base. */
  predecessor(zxid: bigint): bigint {
    assert(zxid > this.base, () => `predecessor of ${hexZxid(zxid)} at the base`);
    const index = this.indexAfter(zxid - 1n);
    return index > this.head ? (this.entries[index - 1]?.zxid ?? this.base) : this.base;
  }

  /** The entries after `zxid` (a point at or above the base), oldest first. */
  entriesAfter(zxid: bigint): Txn[] {
    assert(zxid >= this.base, () => `entries after ${hexZxid(zxid)} below the base`);
    return this.entries.slice(this.indexAfter(zxid));
  }

  /** TRUNC: drop every entry after `zxid`; never a committed one. */
  truncateAfter(zxid: bigint): void {
    assert(this.has(zxid), () => `truncate to ${hexZxid(zxid)}, not a point of this log`);
    assert(
      zxid >= this.committed,
      () => `truncate to ${hexZxid(zxid)} below committed ${hexZxid(this.committed)}`,
    );
    this.entries.length = this.indexAfter(zxid);
    this.checkedUpTo = Math.min(this.checkedUpTo, this.entries.length);
  }

  /** SNAP: the state is now the snapshot at `zxid`; the log restarts empty after it. */
  resetToSnapshot(zxid: bigint): void {
    assert(zxid >= 0n, () => `snapshot zxid ${zxid}`);
    this.entries = [];
    this.head = 0;
    this.checkedUpTo = 0;
    this.base = zxid;
    this.committed = zxid;
    this.applied = zxid;
  }

  /** Marks every entry up to `zxid` committed; returns the newly committed ones, in order. */
  commitTo(zxid: bigint): Txn[] {
    assert(
      zxid <= this.lastZxid,
      () => `commit ${hexZxid(zxid)} beyond last logged ${hexZxid(this.lastZxid)}`,
    );
    if (zxid <= this.committed) return [];
    const from = this.indexAfter(this.committed);
    const to = this.indexAfter(zxid);
    this.committed = zxid;
    return this.entries.slice(from, to);
  }

  /** The host applied `txn`, the next committed entry. */
  markApplied(txn: Txn): void {
    assert(txn.zxid <= this.committed, () => `applied ${hexZxid(txn.zxid)} before its commit`);
    const index = this.indexAfter(this.applied);
    assert(
      this.entries[index] === txn,
      () => `applied ${hexZxid(txn.zxid)} out of order after ${hexZxid(this.applied)}`,
    );
    this.applied = txn.zxid;
  }

  /** Keeps at most committedLogMax applied entries; older ones leave the DIFF window. */
  trim(): void {
    const appliedEnd = this.indexAfter(this.applied);
    const excess = appliedEnd - this.head - this.committedLogMax;
    if (excess <= 0) return;
    this.head += excess;
    const newBase = this.entries[this.head - 1];
    assert(newBase !== undefined, 'trimmed entry');
    this.base = newBase.zxid;
    if (this.head > compactAfterEntries && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.checkedUpTo = Math.max(0, this.checkedUpTo - this.head);
      this.head = 0;
    }
  }

  invariants(): void {
    const last = this.lastZxid;
    assert(this.base >= 0n, 'base zxid is not negative');
    assert(this.base <= this.applied, () => `base ${hexZxid(this.base)} above applied`);
    assert(this.applied <= this.committed, () => `applied ${hexZxid(this.applied)} > committed`);
    assert(this.committed <= last, () => `committed ${hexZxid(this.committed)} > last logged`);
    assert(this.has(this.applied), () => `applied ${hexZxid(this.applied)} is not a log point`);
    assert(this.has(this.committed), () => `committed ${hexZxid(this.committed)} not a point`);
    // From the base, or from the last entry already seen in order (its predecessors were).
    const from = Math.max(this.head, this.checkedUpTo);
    const seen = from === this.head ? undefined : this.entries[from - 1];
    let previous = seen === undefined ? this.base : seen.zxid;
    for (let i = from; i < this.entries.length; i += 1) {
      const txn = this.entries[i];
      assert(txn !== undefined, 'log slot');
      assert(txn.zxid > previous, () => `log zxids not increasing at ${hexZxid(txn.zxid)}`);
      previous = txn.zxid;
    }
    this.checkedUpTo = this.entries.length;
    const appliedCount = this.indexAfter(this.applied) - this.head;
    assert(appliedCount <= this.committedLogMax, () => `window keeps ${appliedCount} applied`);
  }

  describe(): string {
    const parts = [`base=${hexZxid(this.base)}`, `last=${hexZxid(this.lastZxid)}`];
    parts.push(`committed=${hexZxid(this.committed)}`, `applied=${hexZxid(this.applied)}`);
    return parts.join(' ');
  }

  /** The index of the first live entry with a zxid above `zxid` (binary search). */
  private indexAfter(zxid: bigint): number {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.entries[middle];
      assert(entry !== undefined, 'log slot');
      if (entry.zxid <= zxid) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
