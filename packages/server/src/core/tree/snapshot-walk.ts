// A snapshot of the tree as of one zxid, read a chunk at a time while the tree goes on changing:
// ZooKeeper writes "fuzzy" snapshots and replays the log over them; Zoo keeps them exact instead,
// by copy-on-write. Before the tree changes (or deletes) a node the walk has not reached yet, it
// hands the walk a copy of that node as it was (preserve), so the walk emits the old version.
// Only nodes touched during the walk are copied, each at most once; the rest are read in place.
// The walk visits the nodes in the order DataTree.snapshot lists them (pre-order, children in
// insertion order), so a restore from it gives back the same child order.

import { assert } from '@zoo/client/protocol';
import { SnapshotNodeReader } from './snapshot-node-reader.js';
import {
  snapshotNodeOf,
  type SnapshotNode,
  type SnapshotNodeView,
  type SnapshotSession,
  type SnapshotStream,
} from './tree-snapshot.js';
import { MutableZNode } from './z-node.js';
import type { NodesByPath } from './node-index.js';

/** A node as the walk must emit it, with its children as they were. */
interface PreservedNode {
  node: SnapshotNode;
  children: MutableZNode[];
}

/**
 * The children of one emitted node still to visit, one looked ahead: read from the node's live
 * set while it is unchanged (nothing copied), or from a copy of the rest taken just before the
 * set changed (freeze). So the walk holds one cursor per level, not the paths of every child.
 */
class ChildCursor {
  current: MutableZNode | undefined;

  constructor(
    private children: Iterator<MutableZNode>,
    /** The node whose live set is read; null once frozen, or for a copy. */
    public owner: MutableZNode | null,
  ) {
    this.current = this.children.next().value;
  }

  advance(): void {
    this.current = this.children.next().value;
  }

  /** The owner's set is about to change: the rest is read from a copy of it as it is now. */
  freeze(): void {
    const rest: MutableZNode[] = [];
    for (let step = this.children.next(); step.done !== true; step = this.children.next()) {
      rest.push(step.value);
    }
    this.children = rest.values();
    this.owner = null;
  }
}

export class SnapshotWalk {
  /** One cursor per level below the root, the deepest on top. */
  private readonly cursors: ChildCursor[];
  /** The cursors reading a node's live set, by that node. */
  private readonly liveCursors = new Map<MutableZNode, ChildCursor>();
  private readonly preserved = new Map<string, PreservedNode>();
  /** What nextView hands out for a kept copy. */
  private readonly keptReader = new SnapshotNodeReader();
  private isAbandoned = false;
  private hasEnded = false;

  /**
   * `generation` marks the nodes this walk has emitted (MutableZNode.walkedBy); `onEnd` runs once
   * the walk is done or abandoned, so the tree stops preserving for it.
   */
  constructor(
    private readonly nodes: NodesByPath<MutableZNode>,
    readonly zxid: bigint,
    private readonly generation: number,
    private readonly onEnd: () => void,
  ) {
    this.nodeCount = nodes.size;
    const root = nodes.get('/');
    this.cursors = root === undefined ? [] : [new ChildCursor([root].values(), null)];
  }

  /** How many nodes the walk emits in all: the tree's at zxid. */
  readonly nodeCount: number;

  get isDone(): boolean {
    return this.cursors.length === 0;
  }

  /** Nodes copied for the walk and not emitted yet: the memory the walk holds beyond the tree. */
  get preservedCount(): number {
    return this.preserved.size;
  }

  /** Called by the tree before it changes or deletes `node` at `path`. */
  preserve(path: string, node: MutableZNode): void {
    const cursor = this.liveCursors.get(node);
    if (cursor !== undefined) {
      // Emitted, its children being read: the ones not read yet are kept as they are now.
      cursor.freeze();
      this.liveCursors.delete(node);
    }
    if (node.czxid > this.zxid || node.walkedBy === this.generation) return;
    if (this.preserved.has(path)) return;
    this.preserved.set(path, {
      node: snapshotNodeOf(path, node),
      children: [...node.children.values()],
    });
  }

  /** Up to `max` more nodes in snapshot order; an empty list once every node was emitted. */
  next(max: number): SnapshotNode[] {
    assert(!this.isAbandoned, 'read of an abandoned snapshot walk');
    const out: SnapshotNode[] = [];
    while (out.length < max) {
      const node = this.emitNext();
      if (node === undefined) break;
      out.push(node instanceof MutableZNode ? snapshotNodeOf(node.path, node) : node);
    }
    if (this.cursors.length === 0) this.end();
    return out;
  }

  /**
   * The next node in snapshot order, read in place: the live node when untouched (nothing is
   * made for it), else a view of the copy kept of it. Valid until the walk is read again or the
   * tree changes; undefined once every node was emitted.
   */
  nextView(): SnapshotNodeView | undefined {
    assert(!this.isAbandoned, 'read of an abandoned snapshot walk');
    const node = this.emitNext();
    if (node === undefined || node instanceof MutableZNode) return node;
    return this.keptReader.read(node);
  }

  /** The next node: live (untouched since the walk began) or the copy kept of it. */
  private emitNext(): MutableZNode | SnapshotNode | undefined {
    const cursor = this.cursors.at(-1);
    const child = cursor?.current;
    if (cursor === undefined || child === undefined) {
      this.end();
      return undefined;
    }
    cursor.advance();
    if (cursor.current === undefined) this.pop();
    const node = this.emit(child);
    if (this.cursors.length === 0) this.end();
    return node;
  }

  /** `node` as it was at zxid; its children are read next. */
  private emit(node: MutableZNode): MutableZNode | SnapshotNode {
    const path = node.path;
    const kept = this.preserved.size === 0 ? undefined : this.preserved.get(path);
    if (kept !== undefined) {
      this.preserved.delete(path);
      // The node at this path now, if any, is not to be preserved again for this walk.
      const live = this.nodes.get(path);
      if (live !== undefined) live.walkedBy = this.generation;
      if (kept.children.length > 0)
        this.cursors.push(new ChildCursor(kept.children.values(), null));
      return kept.node;
    }
    // Untouched since the walk began (a change or a delete would have preserved it), so it is
    // the live node, as it was: no look-up by path, which was a third of a checkpoint's CPU.
    node.walkedBy = this.generation;
    if (node.numChildren > 0) {
      const cursor = new ChildCursor(node.children.values(), node);
      this.cursors.push(cursor);
      this.liveCursors.set(node, cursor);
    }
    return node;
  }

  private pop(): void {
    const cursor = this.cursors.pop();
    if (cursor?.owner != null) this.liveCursors.delete(cursor.owner);
  }

  /** Stops the walk: the tree stops preserving for it, and it can no longer be read. */
  abandon(): void {
    if (this.isAbandoned) return;
    this.isAbandoned = true;
    this.cursors.length = 0;
    this.liveCursors.clear();
    this.end();
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
    nextView: () => walk.nextView(),
    abandon: () => walk.abandon(),
  };
}
