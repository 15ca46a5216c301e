// Watches of every connection on this server (ZooKeeper 3.8 WatchManager semantics, wire sheet
// §5): registration by reads and addWatch, triggering by tree events, setWatches catch-up,
// check/remove. Turns the data tree's events into notifications; pure and deterministic.

import { assert, assertNever, EventType, KeeperState, WatcherType } from '@zoo/client/protocol';
import type { Acl, SetWatchesRequest, WatcherEvent } from '@zoo/client/protocol';
import { WatchTable } from './watch-table.js';
import type { WatchMode, WatcherGroup } from './watch-table.js';

export type { WatchMode, WatcherGroup } from './watch-table.js';

/** The data tree's event, restated here so that watches need not import the tree. */
export interface WatchTriggerEvent {
  type: 'nodeCreated' | 'nodeDeleted' | 'nodeDataChanged' | 'nodeChildrenChanged';
  path: string;
  /** READ is checked against this: the node's ACL, its parent's for nodeChildrenChanged. */
  acl: readonly Acl[];
}

/**
 * The connections one tree event notifies: each connection in any of `watchers` gets `event`
 * once. The groups are handed out whole (never copied per watcher) and never change afterwards:
 * the runtime fans the event out over later loop turns.
 */
export interface FiredWatches {
  event: WatcherEvent;
  watchers: readonly WatcherGroup[];
}

/** The little of the tree setWatches needs: which nodes exist, and their mzxid / pzxid. */
export interface NodeView {
  getNode(path: string): { mzxid: bigint; pzxid: bigint } | undefined;
}

export type CheckWatchesResult = 'ok' | 'noWatcher' | 'badType';

/**
 * Bound on watch registrations (data + child table) per connection. Registrations beyond it are
 * refused and the connection is flagged (`isOverLimit`) so the runtime can close it.
 */
export const watchesPerConnectionMaxDefault = 1 << 20;

export interface WatchRegistryOptions {
  watchesPerConnectionMax?: number;
}

export class WatchRegistry {
  private readonly dataTable = new WatchTable();
  private readonly childTable = new WatchTable();
  private readonly watchesPerConnectionMax: number;
  private readonly connectionsOverLimit = new Set<number>();

  constructor(options: WatchRegistryOptions = {}) {
    this.watchesPerConnectionMax =
      options.watchesPerConnectionMax ?? watchesPerConnectionMaxDefault;
    assert(
      Number.isInteger(this.watchesPerConnectionMax) && this.watchesPerConnectionMax > 0,
      `watchesPerConnectionMax must be a positive integer: ${this.watchesPerConnectionMax}`,
    );
  }

  /** exists / getData with watch=true: a standard watch in the data table. */
  addDataWatch(connectionId: number, path: string): void {
    this.register(this.dataTable, { connectionId, path, mode: 'standard' });
  }

  /** getChildren / getChildren2 with watch=true: a standard watch in the child table. */
  addChildWatch(connectionId: number, path: string): void {
    this.register(this.childTable, { connectionId, path, mode: 'standard' });
  }

  /**
   * addWatch: mode 0 persistent, 1 persistent-recursive. ZooKeeper 3.8 puts both modes in both
   * tables (DataTree.addWatch); 3.9 keeps recursive watches out of the child table. A recursive
   * watch in the child table never fires NodeChildrenChanged, so the two differ only in what
   * checkWatches / removeWatches(Children) find and in the watch count.
   */
  addWatch(connectionId: number, path: string, mode: 0 | 1): void {
    const watchMode: WatchMode = mode === 0 ? 'persistent' : 'persistentRecursive';
    this.register(this.dataTable, { connectionId, path, mode: watchMode });
    this.register(this.childTable, { connectionId, path, mode: watchMode });
  }

  /** Whether `event` could fire any watch (trigger answers null when not): a cheap first look. */
  mayFire(event: WatchTriggerEvent): boolean {
    const isChildrenChanged = event.type === 'nodeChildrenChanged';
    if (!isChildrenChanged && this.dataTable.mayFire(event.path)) return true;
    return (
      (isChildrenChanged || event.type === 'nodeDeleted') && this.childTable.mayFire(event.path)
    );
  }

  /**
   * The watches one tree event fires, or null if none does. Costs O(paths visited), not
   * O(watchers), unless `canRead` must filter: it is null when every connection may read the
   * node (an open ACL, or ACLs skipped), else the event goes only to the connections it passes.
   * Standard watches are consumed even when the READ filter drops the event (CVE-2024-23944).
   */
  trigger(
    event: WatchTriggerEvent,
    canRead: ((connectionId: number) => boolean) | null,
  ): FiredWatches | null {
    const groups: WatcherGroup[] = [];
    const isChildrenChanged = event.type === 'nodeChildrenChanged';
    // ZooKeeper: DataTree.createNode/deleteNode/setData — NodeCreated and NodeDataChanged go to
    // the data table, NodeChildrenChanged to the child table, NodeDeleted to the data table and
    // then to the child table (a connection in both gets it once).
    if (!isChildrenChanged) this.dataTable.collect(event.path, false, groups);
    if (isChildrenChanged || event.type === 'nodeDeleted') {
      this.childTable.collect(event.path, isChildrenChanged, groups);
    }
    if (groups.length === 0) return null;
    const fired = syncConnectedEvent(eventTypeOf(event.type), event.path);
    if (canRead === null) return { event: fired, watchers: groups };
    // ZooKeeper: NIOServerCnxn.process(event, znodeAcl) — filtered after the watch fired.
    const readers = new Set<number>();
    for (const group of groups) {
      for (const connectionId of group) if (canRead(connectionId)) readers.add(connectionId);
    }
    return readers.size === 0 ? null : { event: fired, watchers: [readers] };
  }

  /**
   * checkWatches (remove=false) and removeWatches (remove=true), 3.8 watcher types:
   * 1 Children = a child-table watch of any mode on the path, 2 Data = a data-table watch of any
   * mode, 3 Any = either. Other types → 'badType' (the caller answers MarshallingError −5).
   * removeWatches removes only this connection's watches; checkWatches, as in 3.8, answers 'ok'
   * when any connection watches the path (WatchManager.containsWatcher checks the path's entry,
   * not the watcher; observed on 3.8.0).
   */
  checkWatches(
    connectionId: number,
    path: string,
    watcherType: number,
    remove: boolean,
  ): CheckWatchesResult {
    const tables = this.tablesFor(watcherType);
    if (tables === undefined) return 'badType';
    // ZooKeeper: DataTree.containsWatcher / DataTree.removeWatch.
    let found = false;
    for (const table of tables) {
      const hit = remove ? table.remove(connectionId, path) : table.isWatched(path);
      found = found || hit;
    }
    return found ? 'ok' : 'noWatcher';
  }

  /**
   * setWatches / setWatches2 after a reconnect (§5.5): returns the catch-up events to send now,
   * before the reply, and registers the rest. Lists in ZooKeeper's order: data, exist, child,
   * persistent, recursive. Catch-up events skip the READ filter, as ZooKeeper's do.
   */
  setWatches(connectionId: number, request: SetWatchesRequest, view: NodeView): WatcherEvent[] {
    // ZooKeeper: DataTree.setWatches.
    const events: WatcherEvent[] = [];
    const relativeZxid = request.relativeZxid;
    for (const path of request.dataWatches) {
      const node = view.getNode(path);
      if (node === undefined) events.push(syncConnectedEvent(EventType.nodeDeleted, path));
      else if (node.mzxid > relativeZxid) {
        events.push(syncConnectedEvent(EventType.nodeDataChanged, path));
      } else this.addDataWatch(connectionId, path);
    }
    for (const path of request.existWatches) {
      if (view.getNode(path) !== undefined) {
        events.push(syncConnectedEvent(EventType.nodeCreated, path));
      } else this.addDataWatch(connectionId, path);
    }
    for (const path of request.childWatches) {
      const node = view.getNode(path);
      if (node === undefined) events.push(syncConnectedEvent(EventType.nodeDeleted, path));
      else if (node.pzxid > relativeZxid) {
        events.push(syncConnectedEvent(EventType.nodeChildrenChanged, path));
      } else this.addChildWatch(connectionId, path);
    }
    for (const path of request.persistentWatches) this.addWatch(connectionId, path, 0);
    for (const path of request.persistentRecursiveWatches) this.addWatch(connectionId, path, 1);
    return events;
  }

  /** The connection closed (or its session moved): all its watches go. */
  removeConnection(connectionId: number): void {
    this.dataTable.removeConnection(connectionId);
    this.childTable.removeConnection(connectionId);
    this.connectionsOverLimit.delete(connectionId);
  }

  /** True once a registration of this connection was refused for `watchesPerConnectionMax`. */
  isOverLimit(connectionId: number): boolean {
    return this.connectionsOverLimit.has(connectionId);
  }

  /** Registrations of this connection, both tables (exact: settles the reverse indexes). */
  watchCountOf(connectionId: number): number {
    return this.dataTable.countOf(connectionId) + this.childTable.countOf(connectionId);
  }

  /** Data + child registrations (mntr zk_watch_count; ZooKeeper: DataTree.getWatchCount). */
  watchCount(): number {
    return this.dataTable.size() + this.childTable.size();
  }

  /** Data-table registrations (the `Total watches:` of wchs). */
  dataWatchCount(): number {
    return this.dataTable.size();
  }

  /** Data table, connection → paths (wchc). */
  summaryByConnection(): Map<number, string[]> {
    return this.dataTable.byConnection();
  }

  /** Data table, path → connections (wchp). */
  summaryByPath(): Map<string, number[]> {
    return this.dataTable.byPath();
  }

  /** Data table: open connections that registered a watch, even if all fired (wchs, 3.8). */
  connectionsWatching(): number {
    return this.dataTable.connectionCount();
  }

  /** Data table: paths with a watch (wchs). */
  pathsWatched(): number {
    return this.dataTable.pathCount();
  }

  invariants(): void {
    this.dataTable.invariants();
    this.childTable.invariants();
    for (const connectionId of this.connectionsOverLimit) {
      assert(
        this.watchCountOf(connectionId) <= this.watchesPerConnectionMax,
        `connection ${connectionId} holds more than ${this.watchesPerConnectionMax} watches`,
      );
    }
  }

  private register(
    table: WatchTable,
    watch: { connectionId: number; path: string; mode: WatchMode },
  ): void {
    const { connectionId, path, mode } = watch;
    const isNew = !table.has(connectionId, path);
    // The cheap bound first: the exact count settles fired watches out of the reverse indexes.
    const countAtMost =
      this.dataTable.countAtMostOf(connectionId) + this.childTable.countAtMostOf(connectionId);
    const isFull = countAtMost >= this.watchesPerConnectionMax;
    if (isNew && isFull && this.watchCountOf(connectionId) >= this.watchesPerConnectionMax) {
      this.connectionsOverLimit.add(connectionId);
      return;
    }
    table.add(connectionId, path, mode);
  }

  private tablesFor(watcherType: number): WatchTable[] | undefined {
    switch (watcherType) {
      case WatcherType.children:
        return [this.childTable];
      case WatcherType.data:
        return [this.dataTable];
      case WatcherType.any:
        return [this.childTable, this.dataTable];
      default:
        return undefined;
    }
  }
}

function eventTypeOf(type: WatchTriggerEvent['type']): number {
  switch (type) {
    case 'nodeCreated':
      return EventType.nodeCreated;
    case 'nodeDeleted':
      return EventType.nodeDeleted;
    case 'nodeDataChanged':
      return EventType.nodeDataChanged;
    case 'nodeChildrenChanged':
      return EventType.nodeChildrenChanged;
    default:
      return assertNever(type, 'tree event type');
  }
}

function syncConnectedEvent(type: number, path: string): WatcherEvent {
  return { type, state: KeeperState.syncConnected, path };
}

/** Each connection a fired event goes to, once, in the order of its groups (tests, harnesses). */
export function watchersOf(fired: Pick<FiredWatches, 'watchers'> | null): number[] {
  const ids = new Set<number>();
  for (const group of fired?.watchers ?? [])
    for (const connectionId of group) ids.add(connectionId);
  return [...ids];
}
