// What fires which watch, in ZooKeeper's terms: the changes each kind of watch sees, and what a
// setWatches(2) with the client's last zxid owes a watch when its session reconnects. Used by
// the watch checker (watch-order.ts); the reasons are in its header.

import { EventType, WatcherType } from '@zoo/client/protocol';
import type { SessionEntry, WatchKind } from '../history/history.js';
import type { ChangeLog, ChangeType, TreeChange } from './tree-changes.js';
import { isWithin } from './tree-changes.js';

/** A watch a session's client holds. */
export interface Watch {
  kind: WatchKind;
  path: string;
  /** Changes after this zxid fire it on the current connection; null: not on any server now. */
  since: bigint | null;
  /** Index in its change list of the first change it has not been given yet. */
  cursor: number;
  /**
   * A checkWatches removed a listener of it from the client, not from the server: the client
   * may no longer hold it, so it need not be re-sent after a reconnect.
   */
  isOptional: boolean;
}

export function watchKey(kind: WatchKind, path: string): string {
  return `${kind} ${path}`;
}

/** What the reconnect judge (watch-catch-up.ts) needs of the session being checked. */
export interface WatchSession {
  readonly watches: Map<string, Watch>;
  /** The client's lastZxidSeen: the highest zxid of any reply so far. */
  readonly lastZxidSeen: bigint;
  readonly changes: WatchedChanges;
  report(entry: SessionEntry, message: string): void;
  /** Sets a held watch again at `zxid` (a setWatches reply's). */
  rearm(watch: Watch, zxid: bigint): void;
}

/** The kinds a checkWatches / removeWatches of a WatcherType covers (the 3.8 client's). */
export function kindsOfWatcherType(watcherType: number): readonly WatchKind[] {
  switch (watcherType) {
    case WatcherType.children:
      return ['child'];
    case WatcherType.data:
      return ['data', 'exist'];
    case WatcherType.any:
      return ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];
    default:
      return [];
  }
}

export function isOneShot(kind: WatchKind): boolean {
  return kind === 'data' || kind === 'exist' || kind === 'child';
}

/**
 * Whether an event on `path` reaches a watch of `kind` on `watched` — the server fires it, and
 * the client hands the event to it (and forgets it, if one-shot). ZooKeeper: WatchManager
 * .triggerWatch and ZKWatchManager.materialize.
 */
export function reaches(kind: WatchKind, watched: string, path: string, type: ChangeType): boolean {
  switch (kind) {
    case 'data':
    case 'exist':
      return watched === path && type !== 'childrenChanged';
    case 'child':
      return watched === path && (type === 'childrenChanged' || type === 'deleted');
    case 'persistent':
      return watched === path;
    case 'persistentRecursive':
      return type !== 'childrenChanged' && isWithin(path, watched);
  }
}

/** The changes a watch of `kind` on `path` can fire for, in order (cached per kind and path). */
export class WatchedChanges {
  private readonly lists = new Map<string, readonly TreeChange[]>();

  constructor(readonly log: ChangeLog) {}

  of(kind: WatchKind, path: string): readonly TreeChange[] {
    const group = kind === 'exist' ? 'data' : kind;
    const key = `${group} ${path}`;
    let list = this.lists.get(key);
    if (list === undefined) {
      list =
        group === 'persistentRecursive'
          ? this.log.ofSubtree(path)
          : this.log.ofPath(path).filter((change) => reaches(group, path, path, change.type));
      this.lists.set(key, list);
    }
    return list;
  }
}

/** A notification's EventType as a change type; null for anything a server never sends. */
export function changeTypeOf(eventType: number): ChangeType | null {
  switch (eventType) {
    case EventType.nodeCreated:
      return 'created';
    case EventType.nodeDeleted:
      return 'deleted';
    case EventType.nodeDataChanged:
      return 'dataChanged';
    case EventType.nodeChildrenChanged:
      return 'childrenChanged';
    default:
      return null;
  }
}

/**
 * The event setWatches owes a re-registered one-shot watch at once, given the client's last
 * zxid `relative` and the tree at `zxid` (the setWatches reply's): null when it registers the
 * watch instead. Persistent watches are only registered. ZooKeeper: DataTree.setWatches.
 */
export function catchUpEvent(
  log: ChangeLog,
  watch: { kind: WatchKind; path: string },
  relative: bigint,
  zxid: bigint,
): ChangeType | null {
  const { kind, path } = watch;
  if (!isOneShot(kind)) return null;
  const exists = log.existsAt(path, zxid);
  if (kind === 'exist') return exists ? 'created' : null;
  if (!exists) return 'deleted';
  const changed = kind === 'data' ? log.mzxidAt(path, zxid) : log.pzxidAt(path, zxid);
  if (changed !== null && changed > relative) {
    return kind === 'data' ? 'dataChanged' : 'childrenChanged';
  }
  return null;
}

/**
 * Whether setWatches could owe this event for some tree state after `relative`: used when the
 * setWatches reply (and so the state it was judged at) never arrived.
 */
export function mayCatchUp(
  log: ChangeLog,
  watch: { kind: WatchKind; path: string },
  relative: bigint,
  type: ChangeType,
): boolean {
  const { kind, path } = watch;
  const changes = log.ofPath(path);
  const changedAfter = (types: readonly ChangeType[]): boolean =>
    changes.some((change) => change.zxid > relative && types.includes(change.type));
  switch (kind) {
    case 'exist':
      return type === 'created' && (log.existsAt(path, relative) || changedAfter(['created']));
    case 'data':
    case 'child': {
      if (type === 'deleted') return !log.existsAt(path, relative) || changedAfter(['deleted']);
      const own: ChangeType = kind === 'data' ? 'dataChanged' : 'childrenChanged';
      return type === own && changedAfter(['created', own]);
    }
    default:
      return false;
  }
}
