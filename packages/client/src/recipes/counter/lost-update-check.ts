// What became of a counter update whose reply was lost: decided from a fresh read of the node,
// by looking for the update's id among the node's recent updates and comparing versions.
//
// Why this is exact: every write of an update is conditional on the version it read, so a lost
// write against version t can only ever apply as version t + 1. A read at version v > t that
// does not list the id proves it never applied — provided the node still lists the last v − t
// updates (each update appends one entry, and the list keeps the newest ones). When more updates
// than the list holds have landed since, the answer is honestly "unknown".

import type { CounterState } from './counter-codec.js';

export type LostUpdateVerdict =
  /** The update applied; `value` is what it set the counter to. */
  | { type: 'applied'; value: bigint }
  /** It has not applied (or nothing was lost): writing it against the version read is safe. */
  | { type: 'notApplied' }
  /** The read is older than a version written against; read again before deciding. */
  | { type: 'behind' }
  /** It may have applied, but its entry could have been pushed out of the recent list. */
  | { type: 'unknown'; expectedVersion: number; version: number };

/** A read of the counter node: its version (null when the node is missing) and its state. */
export interface CounterRead {
  version: number | null;
  state: CounterState;
}

/** Tracks the oldest write of one update that got no reply and may still apply. */
export class LostUpdateCheck {
  readonly updateId: string;
  /** The version the oldest unresolved write expected (−1: it was a create), or null. */
  private expectedVersion: number | null = null;

  constructor(updateId: string) {
    this.updateId = updateId;
  }

  get isResolved(): boolean {
    return this.expectedVersion === null;
  }

  /**
   * A write against `expectedVersion` got no reply. Writes of one update expect versions that
   * never decrease (each follows a read, and a session's reads never go back), so the first
   * unresolved one is the oldest.
   */
  lost(expectedVersion: number): void {
    if (this.expectedVersion === null) this.expectedVersion = expectedVersion;
  }

  judge(read: CounterRead): LostUpdateVerdict {
    const expected = this.expectedVersion;
    if (expected === null) return { type: 'notApplied' };
    const mine = read.state.updates.find((update) => update.id === this.updateId);
    if (mine !== undefined) {
      this.expectedVersion = null;
      return { type: 'applied', value: mine.value };
    }
    if (read.version === null) {
      // A create that got no reply may still land, and the next create would then fail with
      // NodeExists; a lost setData can no longer apply once the node is gone.
      if (expected !== -1) this.expectedVersion = null;
      return { type: 'notApplied' };
    }
    // ZooKeeper's version is an int32 that wraps (CURATOR-688): compare modulo 2^32.
    const versionsSince = (read.version - expected) | 0;
    if (versionsSince < 0) return { type: 'behind' };
    // The lost write may still apply as version expected + 1; the next write expects the same
    // version, so at most one of them can.
    if (versionsSince === 0) return { type: 'notApplied' };
    if (versionsSince <= read.state.updates.length) {
      this.expectedVersion = null;
      return { type: 'notApplied' };
    }
    return { type: 'unknown', expectedVersion: expected, version: read.version };
  }
}
