// The client's watch table: which listener waits on which path, per kind (data, exist, child,
// persistent, persistent-recursive): who hears an event, and what setWatches re-sends.
// ZooKeeper: ZKWatchManager — materialize(), removeWatcher(), the lists primeConnection sends.

import { EventType, WatcherType, assert, pathAndAncestors } from '../protocol/index.js';
import type { EventTypeValue } from '../protocol/index.js';

export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

export const watchKinds: readonly WatchKind[] = [
  'data',
  'exist',
  'child',
  'persistent',
  'persistentRecursive',
];

/** A listener taken out of the table by removeWatches, with the local event it is owed. */
export interface RemovedWatch<L> {
  listener: L;
  path: string;
  eventType: EventTypeValue;
}

/** Which tables a WatcherType (checkWatches/removeWatches) covers, as the 3.8 client has it. */
function kindsOf(watcherType: number): readonly WatchKind[] {
  switch (watcherType) {
    case WatcherType.children:
      return ['child'];
    case WatcherType.data:
      return ['data', 'exist'];
    case WatcherType.any:
      return watchKinds;
    default:
      return [];
  }
}

function removedEventType(kind: WatchKind): EventTypeValue {
  if (kind === 'child') return EventType.childWatchRemoved;
  if (kind === 'data' || kind === 'exist') return EventType.dataWatchRemoved;
  return EventType.persistentWatchRemoved;
}

export class WatchTable<L> {
  private readonly tables = new Map<WatchKind, Map<string, Set<L>>>(
    watchKinds.map((kind) => [kind, new Map<string, Set<L>>()]),
  );

  add(kind: WatchKind, path: string, listener: L): void {
    const table = this.table(kind);
    let listeners = table.get(path);
    if (listeners === undefined) {
      listeners = new Set<L>();
      table.set(path, listeners);
    }
    listeners.add(listener);
  }

  /**
   * The listeners an event reaches, each once, with one-shot registrations removed.
   * ZooKeeper: ZKWatchManager.materialize — created/changed reach data and exist watchers,
   * children-changed the child watchers, deleted all three; persistent watchers on the path
   * always; recursive watchers on the path or an ancestor for everything but children-changed.
   */
  trigger(eventType: number, path: string): L[] {
    const result = new Set<L>();
    const take = (kind: WatchKind): void => {
      const table = this.table(kind);
      const listeners = table.get(path);
      if (listeners === undefined) return;
      table.delete(path);
      for (const listener of listeners) result.add(listener);
    };
    if (eventType === EventType.nodeCreated || eventType === EventType.nodeDataChanged) {
      take('data');
      take('exist');
    } else if (eventType === EventType.nodeChildrenChanged) {
      take('child');
    } else if (eventType === EventType.nodeDeleted) {
      take('data');
      take('exist');
      take('child');
    }
    this.addAll(this.table('persistent').get(path), result);
    // Recursive watches promise no child events, even when a standard child watch made the
    // server send one for a path below them.
    if (eventType !== EventType.nodeChildrenChanged) {
      const recursive = this.table('persistentRecursive');
      for (const ancestor of pathAndAncestors(path)) this.addAll(recursive.get(ancestor), result);
    }
    return [...result];
  }

  /** True if a listener of `watcherType` (or this specific one) is registered on `path`. */
  contains(path: string, watcherType: number, listener?: L): boolean {
    return kindsOf(watcherType).some((kind) => {
      const listeners = this.table(kind).get(path);
      if (listeners === undefined) return false;
      return listener === undefined ? listeners.size > 0 : listeners.has(listener);
    });
  }

  /** Removes the matching registrations and returns them with their "...WatchRemoved" type. */
  remove(path: string, watcherType: number, listener?: L): RemovedWatch<L>[] {
    const removed: RemovedWatch<L>[] = [];
    for (const kind of kindsOf(watcherType)) {
      const table = this.table(kind);
      const listeners = table.get(path);
      if (listeners === undefined) continue;
      const eventType = removedEventType(kind);
      if (listener === undefined) {
        table.delete(path);
        for (const l of listeners) removed.push({ listener: l, path, eventType });
      } else if (listeners.delete(listener)) {
        if (listeners.size === 0) table.delete(path);
        removed.push({ listener, path, eventType });
      }
    }
    return removed;
  }

  /** The watched paths of one kind, in registration order (for setWatches). */
  paths(kind: WatchKind): string[] {
    return [...this.table(kind).keys()];
  }

  /** Empties the table, returning every listener once with a path it watched (for session end). */
  drain(): Array<{ listener: L; path: string }> {
    const seen = new Set<L>();
    const drained: Array<{ listener: L; path: string }> = [];
    for (const kind of watchKinds) {
      const table = this.table(kind);
      for (const [path, listeners] of table) {
        for (const listener of listeners) {
          if (seen.has(listener)) continue;
          seen.add(listener);
          drained.push({ listener, path });
        }
      }
      table.clear();
    }
    return drained;
  }

  get isEmpty(): boolean {
    return watchKinds.every((kind) => this.table(kind).size === 0);
  }

  /** Number of (kind, path, listener) registrations. */
  get size(): number {
    let size = 0;
    for (const table of this.tables.values()) {
      for (const listeners of table.values()) size += listeners.size;
    }
    return size;
  }

  invariants(): void {
    for (const [kind, table] of this.tables) {
      for (const [path, listeners] of table) {
        assert(listeners.size > 0, () => `empty listener set kept for ${kind} watch on ${path}`);
      }
    }
  }

  private table(kind: WatchKind): Map<string, Set<L>> {
    const table = this.tables.get(kind);
    assert(table !== undefined, () => `no watch table for kind ${kind}`);
    return table;
  }

  private addAll(from: Set<L> | undefined, to: Set<L>): void {
    if (from === undefined) return;
    for (const listener of from) to.add(listener);
  }
}
