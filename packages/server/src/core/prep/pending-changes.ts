// ZooKeeper's outstandingChanges: what the tree will look like once every prepared-but-unapplied
// txn is applied. prepareWrite reads through it and records its own changes here; DataTree.apply
// does not know it; the caller calls applied(zxid) after applying each txn to drop what is ≤ zxid.

import type { Acl } from '@zoo/client/protocol';
import { assert } from '@zoo/client/protocol';
import type { DataTree } from '../tree/data-tree.js';
import { isChildOf } from '../tree/path.js';

/** The part of a node that write preparation looks at. A stored ZNode satisfies it as is. */
export interface NodeView {
  readonly acl: readonly Acl[];
  readonly version: number;
  readonly aversion: number;
  readonly childCreates: number;
  readonly numChildren: number;
  readonly ephemeralOwner: bigint;
  readonly mtimeMs: number;
}

/** ZooKeeper: ZooKeeperServer.ChangeRecord — `node` null means the txn deletes the path. */
export interface ChangeRecord {
  readonly zxid: bigint;
  readonly path: string;
  readonly node: NodeView | null;
}

/** Once this many applied records sit at the head of the queue, the array is compacted. */
const appliedRecordsCompactMin = 1024;

export class PendingChanges {
  private records: ChangeRecord[] = [];
  private head = 0;
  private readonly byPath = new Map<string, ChangeRecord>();
  private lastRecordedZxid = 0n;
  private readonly reusedScope = new ChangeScope(this);

  constructor(readonly tree: DataTree) {}

  /** An empty scope over these changes: one reused by every request (prep never nests them). */
  scope(): ChangeScope {
    this.reusedScope.reset();
    return this.reusedScope;
  }

  /** The node at `path` once all prepared txns apply; null if it will not exist then. */
  get(path: string): NodeView | null {
    const key = path === '' ? '/' : path;
    const record = this.byPath.get(key);
    if (record !== undefined) return record.node;
    return this.tree.getNode(key) ?? null;
  }

  /**
   * Whether `path`, a child of `parentPath`, exists once all prepared txns apply: a create's
   * check. The tree is asked through the parent's own children, one lookup where getNode(path)
   * takes up to four (and slices the parent path again).
   */
  hasChild(parentPath: string, path: string): boolean {
    const record = this.byPath.get(path);
    if (record !== undefined) return record.node !== null;
    if (!isChildOf(path, parentPath)) return this.get(path) !== null;
    return this.tree.getNode(parentPath)?.children.has(path) === true;
  }

  /** Records one change of the txn `zxid`. Zxids must not go down. */
  record(zxid: bigint, path: string, node: NodeView | null): void {
    // Checked before a message is built: a closure per record would be garbage per write.
    if (zxid < this.lastRecordedZxid) {
      assert(false, `pending zxid ${zxid} < ${this.lastRecordedZxid}`);
    }
    if (zxid <= this.tree.lastZxid) assert(false, `pending zxid ${zxid} already applied`);
    this.lastRecordedZxid = zxid;
    const record: ChangeRecord = { zxid, path: path === '' ? '/' : path, node };
    this.records.push(record);
    this.byPath.set(record.path, record);
  }

  /** ZooKeeper: FinalRequestProcessor — drop the records of every txn ≤ zxid, now in the tree. */
  applied(zxid: bigint): void {
    while (this.head < this.records.length) {
      const record = this.records[this.head];
      if (record === undefined || record.zxid > zxid) break;
      if (this.byPath.get(record.path) === record) this.byPath.delete(record.path);
      this.head++;
    }
    if (this.head >= appliedRecordsCompactMin && this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }

  /** Records not yet applied, oldest first (closeSession walks them). */
  *outstanding(): IterableIterator<ChangeRecord> {
    for (let i = this.head; i < this.records.length; i++) {
      const record = this.records[i];
      if (record !== undefined) yield record;
    }
  }

  get size(): number {
    return this.records.length - this.head;
  }

  /** Forgets everything (a new leader starts from its applied tree). */
  clear(): void {
    this.records = [];
    this.head = 0;
    this.byPath.clear();
    this.lastRecordedZxid = 0n;
  }

  invariants(): void {
    for (const [path, record] of this.byPath) {
      assert(record.path === path, () => `pending index ${path} holds ${record.path}`);
      assert(record.zxid > this.tree.lastZxid, () => `pending ${path} at ${record.zxid} applied`);
    }
    let previous = 0n;
    for (const record of this.outstanding()) {
      assert(record.zxid >= previous, () => `pending records out of order at ${record.zxid}`);
      previous = record.zxid;
    }
  }
}

/** Up to this many staged paths are found by a scan; more (a big multi, a closeSession) by Map. */
const stagedScanMax = 8;

/**
 * The changes one request makes, staged over PendingChanges so a failing op (or any op of a
 * failing multi) leaves nothing behind. ZooKeeper instead adds records as it goes and rolls a
 * failed multi back (rollbackPendingChanges); staging gives the same visible result. Write prep
 * reuses one scope (PendingChanges.scope()): a single write stages two paths or fewer, in arrays
 * that outlive it, so staging allocates nothing per write.
 */
export class ChangeScope {
  private readonly paths: string[] = [];
  private readonly nodes: (NodeView | null)[] = [];
  private count = 0;
  /** Slot by path, once more than stagedScanMax paths are staged. */
  private index: Map<string, number> | null = null;

  constructor(private readonly pending: PendingChanges) {}

  get(path: string): NodeView | null {
    const key = path === '' ? '/' : path;
    const slot = this.slotOf(key);
    return slot < 0 ? this.pending.get(key) : (this.nodes[slot] ?? null);
  }

  /** PendingChanges.hasChild, seeing what this scope staged. */
  hasChild(parentPath: string, path: string): boolean {
    const slot = this.slotOf(path);
    return slot < 0 ? this.pending.hasChild(parentPath, path) : this.nodes[slot] !== null;
  }

  put(path: string, node: NodeView | null): void {
    const key = path === '' ? '/' : path;
    const slot = this.slotOf(key);
    if (slot >= 0) {
      this.nodes[slot] = node;
      return;
    }
    const added = this.count++;
    this.paths[added] = key;
    this.nodes[added] = node;
    if (this.index !== null) this.index.set(key, added);
    else if (this.count > stagedScanMax) {
      this.index = new Map(this.paths.slice(0, this.count).map((staged, i) => [staged, i]));
    }
  }

  /** Records every staged change (in the order each path was first staged) and empties. */
  commit(zxid: bigint): void {
    for (let i = 0; i < this.count; i++) {
      this.pending.record(zxid, this.paths[i] ?? '/', this.nodes[i] ?? null);
    }
    this.reset();
  }

  /** Drops whatever is staged; the arrays are kept for the next request unless they grew big. */
  reset(): void {
    if (this.index !== null) {
      this.paths.length = 0;
      this.nodes.length = 0;
      this.index = null;
    } else {
      this.nodes.fill(null, 0, this.count);
    }
    this.count = 0;
  }

  private slotOf(key: string): number {
    if (this.index !== null) return this.index.get(key) ?? -1;
    for (let i = 0; i < this.count; i++) if (this.paths[i] === key) return i;
    return -1;
  }
}

/** A copy of a view with some fields changed (a stored ZNode's getters are read explicitly). */
export function changedView(view: NodeView, changes: Partial<NodeView>): NodeView {
  return {
    acl: changes.acl ?? view.acl,
    version: changes.version ?? view.version,
    aversion: changes.aversion ?? view.aversion,
    childCreates: changes.childCreates ?? view.childCreates,
    numChildren: changes.numChildren ?? view.numChildren,
    ephemeralOwner: changes.ephemeralOwner ?? view.ephemeralOwner,
    mtimeMs: changes.mtimeMs ?? view.mtimeMs,
  };
}
