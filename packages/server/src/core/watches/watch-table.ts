// One of the two watch tables (data or child) of ZooKeeper 3.8's WatchManager: path → connections
// with a mode, plus the reverse index connection → paths. WatchRegistry owns one of each.

import { assert, pathAndAncestors } from '@zoo/client/protocol';

export type WatchMode = 'standard' | 'persistent' | 'persistentRecursive';

/** What a trigger matched in this table: the connections, in the order they were found. */
export type MatchedConnections = Set<number>;

export class WatchTable {
  // ZooKeeper: WatchManager.watchTable / watch2Paths / WatcherModeManager. Insertion-ordered
  // Maps replace Java's HashSets so that deliveries come out in a defined order.
  private readonly connectionsByPath = new Map<string, Map<number, WatchMode>>();
  // As watch2Paths, an entry stays (maybe empty) until its connection goes: wchs counts it and
  // wchc lists it, as 3.8.0 was observed to do.
  private readonly pathsByConnection = new Map<number, Set<string>>();
  private recursiveCount = 0;

  /** Registers or re-registers; the last registration's mode wins (3.8). True if it is new. */
  add(connectionId: number, path: string, mode: WatchMode): boolean {
    let connections = this.connectionsByPath.get(path);
    if (connections === undefined) {
      connections = new Map();
      this.connectionsByPath.set(path, connections);
    }
    const previous = connections.get(connectionId);
    connections.set(connectionId, mode);
    this.adjustRecursiveCount(previous, mode);
    let paths = this.pathsByConnection.get(connectionId);
    if (paths === undefined) {
      paths = new Set();
      this.pathsByConnection.set(connectionId, paths);
    }
    paths.add(path);
    return previous === undefined;
  }

  has(connectionId: number, path: string): boolean {
    return this.connectionsByPath.get(path)?.has(connectionId) ?? false;
  }

  /** Whether any connection watches exactly this path. */
  isWatched(path: string): boolean {
    return this.connectionsByPath.has(path);
  }

  remove(connectionId: number, path: string): boolean {
    const connections = this.connectionsByPath.get(path);
    const mode = connections?.get(connectionId);
    if (connections === undefined || mode === undefined) return false;
    this.forget(connections, connectionId, path);
    return true;
  }

  removeConnection(connectionId: number): void {
    const paths = this.pathsByConnection.get(connectionId);
    if (paths === undefined) return;
    for (const path of [...paths]) this.remove(connectionId, path);
    this.pathsByConnection.delete(connectionId);
  }

  /** Watches this connection holds in this table. */
  countOf(connectionId: number): number {
    return this.pathsByConnection.get(connectionId)?.size ?? 0;
  }

  /**
   * Adds to `matched` every connection whose watch fires for an event on `path`, consuming the
   * standard watches it hits. `isChildrenChanged` keeps recursive watches out, as ZooKeeper does.
   */
  collect(path: string, isChildrenChanged: boolean, matched: MatchedConnections): void {
    // ZooKeeper: WatchManager.triggerWatch — the path itself matches every mode; an ancestor
    // (visited only while some recursive watch exists) matches recursive watches only.
    const visited = this.recursiveCount > 0 ? pathAndAncestors(path) : [path];
    for (const localPath of visited) {
      const connections = this.connectionsByPath.get(localPath);
      if (connections === undefined) continue;
      const isAtPath = localPath === path;
      let standardCount = 0;
      for (const [connectionId, mode] of connections) {
        if (mode === 'persistentRecursive') {
          if (!isChildrenChanged) matched.add(connectionId);
        } else if (isAtPath) {
          matched.add(connectionId);
          if (mode === 'standard') standardCount += 1;
        }
      }
      if (standardCount > 0) this.consumeStandard(connections, localPath, standardCount);
    }
  }

  /** The standard watches on `path` fired: they are gone (all at once when nothing else is). */
  private consumeStandard(
    connections: Map<number, WatchMode>,
    path: string,
    standardCount: number,
  ): void {
    if (standardCount < connections.size) {
      for (const [connectionId, mode] of connections) {
        if (mode === 'standard') this.forget(connections, connectionId, path);
      }
      return;
    }
    // A storm's common case: every watcher of the path was one-shot.
    this.connectionsByPath.delete(path);
    for (const connectionId of connections.keys()) {
      this.pathsByConnection.get(connectionId)?.delete(path);
    }
  }

  /** Total registrations (ZooKeeper: WatchManager.size()). */
  size(): number {
    let total = 0;
    for (const connections of this.connectionsByPath.values()) total += connections.size;
    return total;
  }

  /** Connections that registered here and are still open, even if nothing is left. */
  connectionCount(): number {
    return this.pathsByConnection.size;
  }

  pathCount(): number {
    return this.connectionsByPath.size;
  }

  /** connection → watched paths, in registration order. */
  byConnection(): Map<number, string[]> {
    const result = new Map<number, string[]>();
    for (const [connectionId, paths] of this.pathsByConnection) {
      result.set(connectionId, [...paths]);
    }
    return result;
  }

  /** path → watching connections, in registration order. */
  byPath(): Map<string, number[]> {
    const result = new Map<string, number[]>();
    for (const [path, connections] of this.connectionsByPath) {
      result.set(path, [...connections.keys()]);
    }
    return result;
  }

  invariants(): void {
    let recursive = 0;
    let forward = 0;
    for (const [path, connections] of this.connectionsByPath) {
      assert(connections.size > 0, `watch table keeps an empty entry for ${path}`);
      for (const [connectionId, mode] of connections) {
        forward += 1;
        if (mode === 'persistentRecursive') recursive += 1;
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

  private forget(connections: Map<number, WatchMode>, connectionId: number, path: string): void {
    this.adjustRecursiveCount(connections.get(connectionId), undefined);
    connections.delete(connectionId);
    if (connections.size === 0) this.connectionsByPath.delete(path);
    this.pathsByConnection.get(connectionId)?.delete(path);
  }

  private adjustRecursiveCount(before: WatchMode | undefined, after: WatchMode | undefined): void {
    const wasRecursive = before === 'persistentRecursive';
    const isRecursive = after === 'persistentRecursive';
    if (wasRecursive !== isRecursive) this.recursiveCount += isRecursive ? 1 : -1;
  }
}
