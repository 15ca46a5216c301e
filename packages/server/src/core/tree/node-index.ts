// The tree's path → node index. Each node keys its children by their paths (z-node.ts), and a
// map of only the nodes that have children (by path) finds a parent: a lookup slices the parent
// path, finds the parent there and the node in the parent's own map. In front of that, a map by
// full path of the nodes created or looked up since the tree was built answers a repeated
// lookup with one hash, as a map of every path does. A restore links each node into its
// parent's map only: filling a map of a million paths costs ~1.6 s of CPU (a JS Map that large
// is cache misses and rehashing), so a restored tree fills it as it is read
// (docs/architecture.md, "The znode tree in memory"). ZooKeeper: NodeHashMap, every path.

import { assert } from '@zoo/client/protocol';
import type { MutableZNode, ZNode } from './z-node.js';

/** What the tree's other parts read of its index: a Map's reading side (a Map is one). */
export interface NodesByPath<Node extends ZNode = ZNode> {
  readonly size: number;
  get(path: string): Node | undefined;
  has(path: string): boolean;
  keys(): Iterable<string>;
  values(): Iterable<Node>;
  [Symbol.iterator](): Iterator<[string, Node]>;
}

/** Read like a Map of every node by path, iterated parents first (pre-order from '/'). */
export class NodeIndex implements NodesByPath<MutableZNode> {
  private root: MutableZNode | undefined;
  /** Every node with at least one child, by its path ('/' included when it has one). */
  private readonly parents = new Map<string, MutableZNode>();
  /** Nodes created or looked up since the tree was built (never one no longer linked). */
  private readonly known = new Map<string, MutableZNode>();
  private count = 0;
  /** A restore linked a second node of one path (linkRestored): the index is not to be used. */
  private isRestoreRefused = false;

  get size(): number {
    return this.count;
  }

  get(path: string): MutableZNode | undefined {
    const known = this.known.get(path);
    if (known !== undefined) return known;
    const node = this.find(path);
    if (node !== undefined) this.known.set(path, node);
    return node;
  }

  /** The node at `path` through its parent's map. */
  private find(path: string): MutableZNode | undefined {
    const slash = path.lastIndexOf('/');
    if (slash < 0) return undefined;
    if (slash === 0) {
      if (path.length === 1) return this.root;
      return this.parents.get('/')?.childAt(path);
    }
    return this.parents.get(path.slice(0, slash))?.childAt(path);
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** Makes `node` the root of an empty index. */
  setRoot(node: MutableZNode): void {
    assert(this.count === 0 && node.path === '/', 'a root for an index that has one');
    this.root = node;
    this.count = 1;
  }

  /** link, for a node about to be read (a create's): it goes into the map by full path too. */
  add(node: MutableZNode, parent: MutableZNode): boolean {
    if (!this.link(node, parent)) return false;
    this.known.set(node.path, node);
    return true;
  }

  /**
   * Links `node` under `parent` (already in the index, its parent by path); false, linking
   * nothing, when the parent already has a child of that path.
   */
  link(node: MutableZNode, parent: MutableZNode): boolean {
    if (parent.childAt(node.path) !== undefined) return false;
    if (parent.numChildren === 0) this.parents.set(parent.path, parent);
    parent.addChild(node);
    this.count++;
    return true;
  }

  /**
   * link for a restore, with one operation on the parent's map instead of two (a look-up, then
   * the insert: a tenth of restoring a million nodes). A second node of one path replaces the
   * first and answers false; the index is then refused (assertRestored), and so is the restore.
   */
  linkRestored(node: MutableZNode, parent: MutableZNode): boolean {
    const before = parent.numChildren;
    parent.addChild(node);
    if (parent.numChildren === before) {
      this.isRestoreRefused = true;
      return false;
    }
    if (before === 0) this.parents.set(parent.path, parent);
    this.count++;
    return true;
  }

  /** A restore ends with a root and no path linked twice. */
  assertRestored(): void {
    assert(this.root !== undefined, 'snapshot has no root');
    assert(!this.isRestoreRefused, 'a snapshot node listed twice was linked');
  }

  /** Unlinks the leaf `node` from `parent`. */
  remove(node: MutableZNode, parent: MutableZNode): void {
    assert(parent.childAt(node.path) === node, () => `${node.path} is not in the index`);
    parent.removeChild(node);
    this.known.delete(node.path);
    if (parent.numChildren === 0) this.parents.delete(parent.path);
    this.count--;
  }

  clear(): void {
    this.root = undefined;
    this.isRestoreRefused = false;
    this.parents.clear();
    this.known.clear();
    this.count = 0;
  }

  *values(): IterableIterator<MutableZNode> {
    const stack: MutableZNode[] = this.root === undefined ? [] : [this.root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      yield node;
      for (const child of node.children.values()) stack.push(child);
    }
  }

  *keys(): IterableIterator<string> {
    for (const node of this.values()) yield node.path;
  }

  *entries(): IterableIterator<[string, MutableZNode]> {
    for (const node of this.values()) yield [node.path, node];
  }

  [Symbol.iterator](): IterableIterator<[string, MutableZNode]> {
    return this.entries();
  }

  /** The index agrees with the tree it indexes (O(n)): the count, and the map of parents. */
  invariants(): void {
    let walked = 0;
    let withChildren = 0;
    for (const node of this.values()) {
      walked++;
      for (const [path, child] of node.children) {
        assert(child.path === path, () => `${child.path} is keyed as ${path}`);
      }
      if (node.numChildren === 0) continue;
      withChildren++;
      assert(this.parents.get(node.path) === node, () => `${node.path} missing from parents`);
    }
    assert(walked === this.count, () => `index counts ${this.count} nodes, walk ${walked}`);
    assert(withChildren === this.parents.size, () => `parents lists childless nodes`);
    for (const [path, node] of this.known) {
      assert(this.find(path) === node, () => `${path} is known but not linked there`);
    }
  }
}
