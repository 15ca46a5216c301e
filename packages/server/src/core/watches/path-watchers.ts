// The connections watching one path in one watch table, one set per mode, so that a trigger
// hands whole sets out instead of copying them connection by connection: the one-shot (standard)
// set is detached at once, since its watches fire once; the persistent and recursive sets are
// shared until they next change, and copied then (copy on write), because the runtime reads a
// handed-out set over later loop turns while it fans the event out.

export type WatchMode = 'standard' | 'persistent' | 'persistentRecursive';

/** A set of connection ids that a trigger handed out: nothing changes it any more. */
export type WatcherGroup = ReadonlySet<number>;

export class PathWatchers {
  private standard = new Set<number>();
  private persistent = new Set<number>();
  private recursive = new Set<number>();
  private isPersistentShared = false;
  private isRecursiveShared = false;

  get size(): number {
    return this.standard.size + this.persistent.size + this.recursive.size;
  }

  get recursiveSize(): number {
    return this.recursive.size;
  }

  modeOf(connectionId: number): WatchMode | undefined {
    if (this.standard.has(connectionId)) return 'standard';
    if (this.persistent.has(connectionId)) return 'persistent';
    if (this.recursive.has(connectionId)) return 'persistentRecursive';
    return undefined;
  }

  has(connectionId: number): boolean {
    return this.modeOf(connectionId) !== undefined;
  }

  /** Puts the connection in the set of `mode` (the last registration's mode wins). */
  set(connectionId: number, mode: WatchMode): WatchMode | undefined {
    const previous = this.modeOf(connectionId);
    if (previous === mode) return previous;
    if (previous !== undefined) this.delete(connectionId);
    this.writable(mode).add(connectionId);
    return previous;
  }

  /** Removes the connection; its mode, or undefined if it watched nothing here. */
  delete(connectionId: number): WatchMode | undefined {
    const mode = this.modeOf(connectionId);
    if (mode !== undefined) this.writable(mode).delete(connectionId);
    return mode;
  }

  /** The one-shot watchers fire: their set leaves this entry whole, and a new one starts. */
  detachStandard(): WatcherGroup | null {
    if (this.standard.size === 0) return null;
    const fired = this.standard;
    this.standard = new Set();
    return fired;
  }

  /** The persistent watchers, handed out as they are now (copied before the next change). */
  sharePersistent(): WatcherGroup | null {
    if (this.persistent.size === 0) return null;
    this.isPersistentShared = true;
    return this.persistent;
  }

  /** The recursive watchers, handed out as they are now (copied before the next change). */
  shareRecursive(): WatcherGroup | null {
    if (this.recursive.size === 0) return null;
    this.isRecursiveShared = true;
    return this.recursive;
  }

  /** Every watching connection: standard, then persistent, then recursive. */
  *connectionIds(): IterableIterator<number> {
    yield* this.standard;
    yield* this.persistent;
    yield* this.recursive;
  }

  private writable(mode: WatchMode): Set<number> {
    switch (mode) {
      case 'standard':
        return this.standard;
      case 'persistent':
        if (this.isPersistentShared) {
          this.persistent = new Set(this.persistent);
          this.isPersistentShared = false;
        }
        return this.persistent;
      case 'persistentRecursive':
        if (this.isRecursiveShared) {
          this.recursive = new Set(this.recursive);
          this.isRecursiveShared = false;
        }
        return this.recursive;
    }
  }
}
