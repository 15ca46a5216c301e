// A snapshot of the tree as of one zxid, read a chunk at a time while the tree goes on changing:
// ZooKeeper writes "fuzzy" snapshots and replays the log over them; Zoo keeps them exact instead,
// by copy-on-write. Before the tree changes (or deletes) a node the walk has not reached yet, it
// hands the walk a copy of that node as it was (preserve), so the walk emits the old version.
// Only nodes touched during the walk are copied, each at most once; the rest are read in place.
// The walk visits the nodes in the order DataTree.snapshot lists them (pre-order, children in
// insertion order), so a restore from it gives back the same child order.

import { assert } from '@zoo/client/protocol';
import {
  snapshotNodeOf,
  type SnapshotNode,
  type SnapshotSession,
  type SnapshotStream,
} from './tree-snapshot.js';
import type { MutableZNode } from './z-node.js';

/** A node as the walk must emit it, with its children's paths as they were. */
interface PreservedNode {
  node: SnapshotNode;
  childPaths: string[];
}

export class SnapshotWalk {
  /** Paths still to visit, the next on top. */
  private readonly stack: string[] = ['/'];
  private readonly preserved = new Map<string, PreservedNode>();
  private isAbandoned = false;
  private hasEnded = false;

  /**
   * `generation` marks the nodes this walk has emitted (MutableZNode.walkedBy); `onEnd` runs once
   * the walk is done or abandoned, so the tree stops preserving for it.
   */
  constructor(
    private readonly nodes: ReadonlyMap<string, MutableZNode>,
    readonly zxid: bigint,
    private readonly generation: number,
    private readonly onEnd: () => void,
  ) {
    this.nodeCount = nodes.size;
  }

  /** How many nodes the walk emits in all: the tree's at zxid. */
  readonly nodeCount: number;

  get isDone(): boolean {
    return this.stack.length === 0;
  }

  /** Nodes copied for the walk and not emitted yet: the memory the walk holds beyond the tree. */
  get preservedCount(): number {
    return this.preserved.size;
  }

  /** Called by the tree before it changes or deletes `node` at `path`. */
  preserve(path: string, node: MutableZNode): void {
    if (node.czxid > this.zxid || node.walkedBy === this.generation) return;
    if (this.preserved.has(path)) return;
    const childPaths = Array.from(node.children, (child) => child.path);
    this.preserved.set(path, { node: snapshotNodeOf(path, node), childPaths });
  }

  /** Up to `max` more nodes in snapshot order; an empty list once every node was emitted. */
  next(max: number): SnapshotNode[] {
    assert(!this.isAbandoned, 'read of an abandoned snapshot walk');
    const out: SnapshotNode[] = [];
    while (out.length < max) {
      const path = this.stack.pop();
      if (path === undefined) break;
      const live = this.nodes.get(path);
      if (live !== undefined) live.walkedBy = this.generation;
      const kept = this.preserved.get(path);
      if (kept !== undefined) {
        this.preserved.delete(path);
        out.push(kept.node);
        this.pushPaths(kept.childPaths);
      } else {
        // Untouched since the walk began (a change would have preserved it), so as it was.
        assert(live !== undefined, () => `snapshot walk lost ${path}`);
        out.push(snapshotNodeOf(path, live));
        if (live.numChildren > 0) this.pushPaths(Array.from(live.children, (c) => c.path));
      }
    }
    if (this.stack.length === 0) this.end();
    return out;
  }

  /** Stops the walk: the tree stops preserving for it, and it can no longer be read. */
  abandon(): void {
    if (this.isAbandoned) return;
    this.isAbandoned = true;
    this.stack.length = 0;
    this.end();
  }

  /** Pushes children's paths so that the first is visited next. */
  private pushPaths(paths: readonly string[]): void {
    for (let i = paths.length - 1; i >= 0; i--) {
      const path = paths[i];
      if (path !== undefined) this.stack.push(path);
    }
  }

  private end(): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    this.preserved.clear();
    this.onEnd();
  }
}

/** A checkpoint's snapshot: the walk's nodes with the sessions open at its zxid. */
export function streamOfWalk(walk: SnapshotWalk, sessions: SnapshotSession[]): SnapshotStream {
  return {
    zxid: walk.zxid,
    nodeCount: walk.nodeCount,
    sessions,
    next: (max) => walk.next(max),
    abandon: () => walk.abandon(),
  };
}
