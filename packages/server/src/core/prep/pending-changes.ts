// ZooKeeper's outstandingChanges: what the tree will look like once every prepared-but-unapplied
// txn is applied. prepareWrite reads through it and records its own changes here; DataTree.apply
// does not know it; the caller calls applied(zxid) after applying each txn to drop what is ≤ zxid.

import type { Acl } from '@zoo/client/protocol';
import { assert } from '@zoo/client/protocol';
import type { DataTree } from '../tree/data-tree.js';

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

  constructor(readonly tree: DataTree) {}

  /** The node at `path` once all prepared txns apply; null if it will not exist then. */
  get(path: string): NodeView | null {
    const key = path === '' ? '/' : path;
    const record = this.byPath.get(key);
    if (record !== undefined) return record.node;
    return this.tree.getNode(key) ?? null;
  }

  /** Records one change of the txn `zxid`. Zxids must not go down. */
  record(zxid: bigint, path: string, node: NodeView | null): void {
    assert(zxid >= this.lastRecordedZxid, () => `pending zxid ${zxid} < ${this.lastRecordedZxid}`);
    assert(zxid > this.tree.lastZxid, () => `pending zxid ${zxid} already applied`);
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

/**
 * The changes one request makes, staged over PendingChanges so a failing op (or any op of a
 * failing multi) leaves nothing behind. ZooKeeper instead adds records as it goes and rolls a
 * failed multi back (rollbackPendingChanges); staging gives the same visible result.
 */
export class ChangeScope {
  private readonly staged = new Map<string, NodeView | null>();

  constructor(private readonly pending: PendingChanges) {}

  get(path: string): NodeView | null {
    const key = path === '' ? '/' : path;
    const staged = this.staged.get(key);
    if (staged !== undefined || this.staged.has(key)) return staged ?? null;
    return this.pending.get(key);
  }

  put(path: string, node: NodeView | null): void {
    this.staged.set(path === '' ? '/' : path, node);
  }

  commit(zxid: bigint): void {
    for (const [path, node] of this.staged) this.pending.record(zxid, path, node);
    this.staged.clear();
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
