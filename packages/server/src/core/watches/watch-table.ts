// One of the two watch tables (data or child) of ZooKeeper 3.8's WatchManager: path → connections
// with a mode, plus the reverse index connection → paths. WatchRegistry owns one of each.
//
// A trigger costs O(paths visited), not O(watchers): it hands out whole sets of connections
// (path-watchers.ts). The reverse index is brought up to date lazily: the entries of a fired
// one-shot set stay until `settle` removes them, a few per registration (exactly all of them when
// a count must be exact). An entry (connection, path) counts only while the path's watchers
// still hold the connection, so every answer stays what an eager index would give.

import { assert, pathAndAncestors } from '@zoo/client/protocol';
import { PathWatchers } from './path-watchers.js';
import type { WatchMode, WatcherGroup } from './path-watchers.js';

export type { WatchMode, WatcherGroup } from './path-watchers.js';

/** Reverse-index entries settled per registration while fired sets wait for it. */
const settledPerRegistration = 16;

/** A fired one-shot set whose reverse-index entries are still to be removed. */
interface FiredSet {
  path: string;
  ids: Iterator<number>;
}

export class WatchTable {
  // ZooKeeper: WatchManager.watchTable / watch2Paths / WatcherModeManager. Insertion-ordered
  // sets replace Java's HashSets so that deliveries come out in a defined order.
  private readonly watchersByPath = new Map<string, PathWatchers>();
  // As watch2Paths, an entry stays (maybe empty) until its connection goes: wchs counts it and
  // wchc lists it, as 3.8.0 was observed to do. May hold fired paths until settled.
  private readonly pathsByConnection = new Map<number, Set<string>>();
  private unsettled: FiredSet[] = [];
  /** The first of `unsettled` not yet settled whole. */
  private unsettledHead = 0;
  private recursiveCount = 0;

  /** Registers or re-registers; the last registration's mode wins (3.8). True if it is new. */
  add(connectionId: number, path: string, mode: WatchMode): boolean {
    this.settle(settledPerRegistration);
    let watchers = this.watchersByPath.get(path);
    if (watchers === undefined) {
      watchers = new PathWatchers();
      this.watchersByPath.set(path, watchers);
    }
    const previous = watchers.set(connectionId, mode);
    this.adjustRecursiveCount(previous, mode);
    let paths = this.pathsByConnection.get(connectionId);
    if (paths === undefined) {
      paths = new Set();
      this.pathsByConnection.set(connectionId, paths);
    }
    // A new registration goes last, even over an entry of the same path not yet settled.
    if (previous === undefined) paths.delete(path);
    paths.add(path);
    return previous === undefined;
  }

  has(connectionId: number, path: string): boolean {
    return this.watchersByPath.get(path)?.has(connectionId) ?? false;
  }

  /** Whether any connection watches exactly this path. */
  isWatched(path: string): boolean {
    return this.watchersByPath.has(path);
  }

  remove(connectionId: number, path: string): boolean {
    const watchers = this.watchersByPath.get(path);
    if (watchers === undefined || !watchers.has(connectionId)) return false;
    this.forget(watchers, connectionId, path);
    return true;
  }

  removeConnection(connectionId: number): void {
    const paths = this.pathsByConnection.get(connectionId);
    if (paths === undefined) return;
    for (const path of paths) {
      const watchers = this.watchersByPath.get(path);
      if (watchers?.has(connectionId) === true) this.forget(watchers, connectionId, path);
    }
    this.pathsByConnection.delete(connectionId);
  }

  /** Watches this connection holds in this table (exact: settles the reverse index first). */
  countOf(connectionId: number): number {
    this.settle(Infinity);
    return this.pathsByConnection.get(connectionId)?.size ?? 0;
  }

  /** At least `countOf`, without settling: fired entries may still be counted. */
  countAtMostOf(connectionId: number): number {
    return this.pathsByConnection.get(connectionId)?.size ?? 0;
  }

  /**
   * Appends to `groups` the sets of connections whose watch fires for an event on `path`,
   * consuming the standard watches it hits. `isChildrenChanged` keeps recursive watches out, as
   * ZooKeeper does. A connection may be in several groups; it gets the event once.
   */
  collect(path: string, isChildrenChanged: boolean, groups: WatcherGroup[]): void {
    // ZooKeeper: WatchManager.triggerWatch — the path itself matches every mode; an ancestor
    // (visited only while some recursive watch exists) matches recursive watches only.
    if (this.recursiveCount === 0) {
      this.collectAt(path, path, isChildrenChanged, groups);
      return;
    }
    for (const localPath of pathAndAncestors(path)) {
      this.collectAt(localPath, path, isChildrenChanged, groups);
    }
  }

  /** Whether an event on `path` may fire a watch here: one on the path, or any recursive one. */
  mayFire(path: string): boolean {
    return this.recursiveCount > 0 || this.watchersByPath.has(path);
  }

  private collectAt(
    localPath: string,
    path: string,
    isChildrenChanged: boolean,
    groups: WatcherGroup[],
  ): void {
    const watchers = this.watchersByPath.get(localPath);
    if (watchers === undefined) return;
    if (localPath === path) {
      const fired = watchers.detachStandard();
      if (fired !== null) {
        groups.push(fired);
        this.unsettled.push({ path, ids: fired.values() });
        if (watchers.size === 0) this.watchersByPath.delete(path);
      }
      const persistent = watchers.sharePersistent();
      if (persistent !== null) groups.push(persistent);
    }
    const recursive = isChildrenChanged ? null : watchers.shareRecursive();
    if (recursive !== null) groups.push(recursive);
  }

  /** Total registrations (ZooKeeper: WatchManager.size()). */
  size(): number {
    let total = 0;
    for (const watchers of this.watchersByPath.values()) total += watchers.size;
    return total;
  }

  /** Connections that registered here and are still open, even if nothing is left. */
  connectionCount(): number {
    return this.pathsByConnection.size;
  }

  pathCount(): number {
    return this.watchersByPath.size;
  }

  /** connection → watched paths, in registration order. */
  byConnection(): Map<number, string[]> {
    this.settle(Infinity);
    const result = new Map<number, string[]>();
    for (const [connectionId, paths] of this.pathsByConnection) {
      result.set(connectionId, [...paths]);
    }
    return result;
  }

  /** path → watching connections: standard, persistent, recursive, each in registration order. */
  byPath(): Map<string, number[]> {
    const result = new Map<string, number[]>();
    for (const [path, watchers] of this.watchersByPath) {
      result.set(path, [...watchers.connectionIds()]);
    }
    return result;
  }

  invariants(): void {
    this.settle(Infinity);
    let recursive = 0;
    let forward = 0;
    for (const [path, watchers] of this.watchersByPath) {
      assert(watchers.size > 0, `watch table keeps an empty entry for ${path}`);
      forward += watchers.size;
      recursive += watchers.recursiveSize;
      for (const connectionId of watchers.connectionIds()) {
        assert(
          this.pathsByConnection.get(connectionId)?.has(path) === true,
          `watch of connection ${connectionId} on ${path} missing from the reverse index`,
        );
      }
    }
    let reverse = 0;
    for (const paths of this.pathsByConnection.values()) reverse += paths.size;
    assert(forward === reverse, `watch table indexes differ: ${forward} vs ${reverse}`);
    assert(
      recursive === this.recursiveCount,
      `recursive watch count ${this.recursiveCount}, actual ${recursive}`,
    );
  }

  /**
   * Removes up to `limit` reverse-index entries of fired one-shot watches, oldest fired first.
   * An entry stays if its connection watches the path again.
   */
  private settle(limit: number): void {
    let budget = limit;
    while (budget > 0 && this.unsettledHead < this.unsettled.length) {
      const fired = this.unsettled[this.unsettledHead]!;
      for (let next = fired.ids.next(); ; next = fired.ids.next()) {
        if (next.done === true) {
          this.unsettledHead += 1;
          break;
        }
        const connectionId = next.value;
        if (!this.has(connectionId, fired.path)) {
          this.pathsByConnection.get(connectionId)?.delete(fired.path);
        }
        budget -= 1;
        if (budget <= 0) break;
      }
    }
    if (this.unsettledHead > 1024 && this.unsettledHead * 2 > this.unsettled.length) {
      this.unsettled = this.unsettled.slice(this.unsettledHead);
      this.unsettledHead = 0;
    }
  }

  private forget(watchers: PathWatchers, connectionId: number, path: string): void {
    this.adjustRecursiveCount(watchers.delete(connectionId), undefined);
    if (watchers.size === 0) this.watchersByPath.delete(path);
    this.pathsByConnection.get(connectionId)?.delete(path);
  }

  private adjustRecursiveCount(before: WatchMode | undefined, after: WatchMode | undefined): void {
    const wasRecursive = before === 'persistentRecursive';
    const isRecursive = after === 'persistentRecursive';
    if (wasRecursive !== isRecursive) this.recursiveCount += isRecursive ? 1 : -1;
  }
}
