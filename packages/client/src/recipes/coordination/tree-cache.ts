// A local copy of a subtree kept current by one persistent recursive watch (ZooKeeper 3.6+
// addWatch): the watch is armed first, then the subtree is read, and every event after that makes
// the cache read the node it names again. Reading again (rather than trusting the event) makes
// the cache converge to the server's state whatever order reads and events interleave in. After a
// reconnect the whole subtree is read again, since changes made while disconnected may not all
// produce events.

import type { ZooClient } from '../../api/zoo-client.js';
import type { Stat } from '../../protocol/index.js';
import { AddWatchMode, ErrorCode, EventType, WatcherType } from '../../protocol/index.js';
import { childPath } from '../support/znode-paths.js';
import { ListenerSet } from '../support/listener-set.js';
import { hasCode, isOutcomeUnknown } from '../support/zoo-error-kinds.js';

export interface CachedNode {
  data: Buffer | null;
  stat: Stat;
}

export type TreeCacheListener = (path: string, node: CachedNode | null) => void;

export class TreeCache {
  private readonly nodes = new Map<string, CachedNode>();
  private readonly listeners = new ListenerSet<[string, CachedNode | null]>();
  private isClosed = false;
  private stopReconnects: (() => void) | null = null;

  constructor(
    private readonly client: ZooClient,
    readonly root: string,
  ) {}

  /** Arms the watch, reads the subtree, and keeps it current until close(). */
  async start(): Promise<void> {
    await this.client.addWatch(this.root, AddWatchMode.persistentRecursive, (event) => {
      if (event.type === EventType.none) return;
      void this.refresh(event.path, false);
    });
    this.stopReconnects = this.client.on('connected', () => void this.refresh(this.root, true));
    await this.refresh(this.root, true);
  }

  /** The cached node at `path`, or undefined when the cache holds none. */
  get(path: string): CachedNode | undefined {
    return this.nodes.get(path);
  }

  /** Every cached path, sorted. */
  paths(): string[] {
    return [...this.nodes.keys()].sort();
  }

  /** Runs `listener(path, node)` on every change (node null: deleted). */
  onChange(listener: TreeCacheListener): () => void {
    return this.listeners.add(listener);
  }

  close(): void {
    this.isClosed = true;
    this.stopReconnects?.();
    this.listeners.clear();
    void this.client
      .removeWatches(this.root, WatcherType.any, { local: true })
      .catch(() => undefined);
  }

  /** Reads `path` (and, with `isDeep`, everything below it) again into the cache. */
  private async refresh(path: string, isDeep: boolean): Promise<void> {
    if (this.isClosed) return;
    try {
      const { data, stat } = await this.client.getData(path);
      this.put(path, { data, stat });
      if (!isDeep) return;
      const children = await this.client.getChildren(path);
      const below = new Set(children.map((name) => childPath(path, name)));
      for (const cached of [...this.nodes.keys()]) {
        if (parentOfPath(cached) === path && !below.has(cached)) this.removeSubtree(cached);
      }
      await Promise.all([...below].map((child) => this.refresh(child, true)));
    } catch (error) {
      if (hasCode(error, ErrorCode.NoNode)) this.removeSubtree(path);
      else if (!isOutcomeUnknown(error) && !hasCode(error, ErrorCode.SessionExpired)) throw error;
      // A lost read is made good by the reconnect's full read.
    }
  }

  private put(path: string, node: CachedNode): void {
    const previous = this.nodes.get(path);
    if (previous !== undefined && previous.stat.mzxid >= node.stat.mzxid) {
      if (previous.stat.czxid === node.stat.czxid) return;
    }
    this.nodes.set(path, node);
    this.listeners.emit(path, node);
  }

  private removeSubtree(path: string): void {
    for (const cached of [...this.nodes.keys()]) {
      if (cached === path || cached.startsWith(path === '/' ? '/' : `${path}/`)) {
        this.nodes.delete(cached);
        this.listeners.emit(cached, null);
      }
    }
  }
}

function parentOfPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}
