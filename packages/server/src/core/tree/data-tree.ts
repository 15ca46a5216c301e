// The znode tree: applies committed txns in zxid order and reports what each changed (the reply's
// result and the watch events). It knows no sessions or connections and decides nothing: every
// choice is in the txn. ZooKeeper: DataTree (createNode, deleteNode, setData, setACL, processTxn).

import type { Acl, Stat } from '@zoo/client/protocol';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, assert, assertNever } from '@zoo/client/protocol';
import { isChildOf, nameOf, parentOf } from './path.js';
import type { CreateTxnBody, SetDataTxnBody, Txn, TxnBody } from './txn.js';
import { AclCache } from './acl-cache.js';
import { OwnedNodes } from './owned-nodes.js';
import { QuotaStats } from './quota-stats.js';
import { treeInvariants } from './tree-invariants.js';
import { treeDigest } from './tree-digest.js';
import {
  snapshotNodes,
  zNodeOfSnapshot,
  type RestorableSnapshot,
  type SnapshotNode,
  type SnapshotNodeFields,
} from './tree-snapshot.js';
import { snapshotNodeProblem } from './snapshot-node-problem.js';
import { SnapshotWalk } from './snapshot-walk.js';
import { restoreAll, type TreeRestore } from './tree-restore.js';
import { countDescendants, findReapable } from './reapable-nodes.js';
import { MutableZNode, statOfNode, storedOf, type StoredData, type ZNode } from './z-node.js';
import { NodeIndex } from './node-index.js';
import { TreeEventList } from './tree-results.js';
import type { TreeEvent, TreeEventSink, TxnResult } from './tree-results.js';

export type { ZNode } from './z-node.js';
export type { TreeEvent, TreeEventSink, TxnResult } from './tree-results.js';

const lengthOf = (data: Buffer | null): number => (data === null ? 0 : data.length);

const multiSubOpTypes: ReadonlySet<string> = new Set(['create', 'delete', 'setData', 'check']);

/** A multi's op: prep puts only creates, deletes, setData and checks in one. */
function subOp(op: TxnBody): TxnBody {
  if (!multiSubOpTypes.has(op.type)) assert(false, `txn body ${op.type} inside a multi`);
  return op;
}

export class DataTree {
  /** Highest applied txn zxid. */
  lastZxid = 0n;
  private readonly nodes = new NodeIndex();
  /** Each session's ephemerals, the containers and the TTL nodes. */
  private readonly owned = new OwnedNodes();
  private readonly acls = new AclCache();
  /** Quota'd paths; keeps /zookeeper/quota/…/zookeeper_stats current (quota-stats.ts). */
  private readonly quotas = new QuotaStats(this.nodes, (path, node) =>
    this.beforeChange(path, node),
  );
  /** Snapshot walks in progress (a checkpoint's, SNAPs'), which must see nodes as they began. */
  private walks: SnapshotWalk[] = [];
  private walkGeneration = 0;
  /** Sum of path lengths and data lengths (ZooKeeper: nodeDataSize). */
  private dataSize = 0;
  private cachedDigest: string | null = null;

  /** ZooKeeper: the DataTree constructor — '/', '/zookeeper', '/zookeeper/quota' and
   * '/zookeeper/config' (world READ, aversion −1, ZOOKEEPER-2014), every stat field zero. */
  constructor() {
    this.addSystemNode('/', OPEN_ACL_UNSAFE);
    this.addSystemNode('/zookeeper', OPEN_ACL_UNSAFE);
    this.addSystemNode('/zookeeper/quota', OPEN_ACL_UNSAFE);
    this.addSystemNode('/zookeeper/config', READ_ACL_UNSAFE).aversion = -1;
  }

  private addSystemNode(path: string, acl: readonly Acl[]): MutableZNode {
    const node = new MutableZNode({
      path,
      stored: '',
      acl: this.acls.intern(acl),
      zxid: 0n,
      timeMs: 0,
      ephemeralOwner: 0n,
    });
    if (path === '/') this.nodes.setRoot(node);
    else this.nodes.add(node, this.mustGet(parentOf(path)));
    this.dataSize += path.length;
    return node;
  }

  /**
   * A snapshot read a chunk at a time while txns go on applying. Walks may overlap (checkpoint,
   * SNAPs): a node marks the last walk that read it, so another may copy it needlessly, never miss.
   */
  beginSnapshotWalk(): SnapshotWalk {
    const walk = new SnapshotWalk(this.nodes, this.lastZxid, ++this.walkGeneration, () => {
      this.walks = this.walks.filter((other) => other !== walk);
    });
    this.walks.push(walk);
    return walk;
  }

  get isWalking(): boolean {
    return this.walks.length > 0;
  }

  private beforeChange(path: string, node: MutableZNode): void {
    for (const walk of this.walks) walk.preserve(path, node);
  }

  /** Every node, parents first (tree-snapshot.ts), at lastZxid. ZooKeeper: DataTree.serialize. */
  snapshot(): { zxid: bigint; nodes: SnapshotNode[] } {
    return { zxid: this.lastZxid, nodes: snapshotNodes(this.nodes) };
  }

  /** The tree that took `snapshot` (same digest, stats, child order, indexes and lastZxid); no
   * entry for a session with no ephemeral left, as ZooKeeper's DataTree.deserialize. */
  static fromSnapshot(snapshot: Omit<RestorableSnapshot, 'sessions'>): DataTree {
    if (snapshot.restored instanceof DataTree) return snapshot.restored;
    return restoreAll(DataTree.restore(snapshot.zxid), snapshot);
  }

  /** fromSnapshot a node at a time (a SNAP's parts, as they come); a bad node is named. */
  static restore(zxid: bigint): TreeRestore<DataTree> {
    const tree = new DataTree();
    for (const node of tree.nodes.values()) tree.acls.release(node.acl);
    tree.nodes.clear();
    tree.dataSize = 0;
    // Pre-order lists siblings together: one parent lookup serves a whole run of them, checked
    // in place (slicing out each node's parent path would cost a string per node).
    let parentPath = '';
    let parent: MutableZNode | undefined;
    const parentOfNode = (path: string): MutableZNode | undefined => {
      if (parent === undefined || !isChildOf(path, parentPath)) {
        parentPath = path === '/' ? '' : parentOf(path);
        parent = tree.nodes.get(parentPath);
      }
      return parent;
    };
    return {
      add: (node) => tree.restoreNode(node, storedOf(node.data), zxid, parentOfNode(node.path)),
      addStored: (node) => tree.restoreNode(node, node.stored, zxid, parentOfNode(node.path)),
      finish() {
        tree.nodes.assertRestored();
        tree.quotas.rebuild();
        tree.lastZxid = zxid;
        return tree; // no O(n) invariants() pass: restoreNode checked each node as it linked it
      },
    };
  }

  /** Checks one snapshot node (parents come first) and links it; messages are built on failure. */
  private restoreNode(
    s: SnapshotNodeFields,
    stored: StoredData,
    zxid: bigint,
    parent?: MutableZNode,
  ) {
    const problem = snapshotNodeProblem(s, zxid, this.nodes.size === 0, parent);
    if (problem !== null) return problem;
    const node = zNodeOfSnapshot(s, stored, this.acls.intern(s.acl));
    if (parent === undefined) this.nodes.setRoot(node);
    else if (!this.nodes.linkRestored(node, parent)) return 'listed twice'; // restore refused
    this.dataSize += s.path.length + node.dataLength;
    this.owned.track(s.path, node.ephemeralOwner);
    return null;
  }

  /** Applies one committed txn. Txns must come in increasing zxid order. */
  apply(txn: Txn): { result: TxnResult; events: TreeEvent[] } {
    const list = new TreeEventList();
    return { result: this.applyInto(txn, list), events: list.events };
  }

  /**
   * apply, its watch events put in `events` (the request path reuses their objects). Without
   * `withStats` a create's and a setData's result carry no Stat (null): its reply needs none (a
   * plain create's) or nobody here waits for it, and a Stat is an object and two BigInts.
   */
  applyInto(txn: Txn, events: TreeEventSink, withStats = true): TxnResult {
    // Checked before a message is built: a closure per txn would be garbage per write.
    if (txn.zxid <= this.lastZxid) assert(false, `txn zxid ${txn.zxid} not above ${this.lastZxid}`);
    if (!Number.isSafeInteger(txn.timeMs)) assert(false, `txn time ${txn.timeMs} not an integer`);
    const result = this.applyBody(txn, txn.body, events, withStats);
    this.lastZxid = txn.zxid;
    this.cachedDigest = null;
    return result;
  }

  private applyBody(txn: Txn, body: TxnBody, events: TreeEventSink, withStats: boolean): TxnResult {
    switch (body.type) {
      case 'create':
        return this.createNode(body, txn, events, withStats);
      case 'delete':
      case 'deleteContainer':
        this.deleteNode(body.path, txn.zxid, events);
        return { type: 'delete' };
      case 'setData':
        return { type: 'setData', stat: this.setData(body, txn, events, withStats) };
      case 'setACL':
        return { type: 'setACL', stat: this.setAcl(body.path, body.acl, body.version) };
      case 'check':
        return { type: 'check' };
      case 'multi': {
        const results = body.ops.map((op) => this.applyBody(txn, subOp(op), events, withStats));
        return { type: 'multi', results };
      }
      case 'error':
        return { type: 'error', err: body.err };
      case 'multiError':
        return { type: 'multiError', errs: [...body.errs] };
      case 'createSession':
        return { type: 'session' };
      case 'closeSession':
        this.killSession(txn, body.ephemeralPaths, events);
        return { type: 'session' };
      default:
        return assertNever(body, 'txn body');
    }
  }

  private createNode(
    body: CreateTxnBody,
    txn: Txn,
    events: TreeEventSink,
    withStats: boolean,
  ): TxnResult {
    const { path } = body;
    const parentPath = parentOf(path);
    const parent = this.mustGet(parentPath);
    // The node keeps its own copy of the data (as a string), never the txn's buffer.
    const node = new MutableZNode({
      path,
      stored: storedOf(body.data),
      acl: this.acls.intern(body.acl),
      zxid: txn.zxid,
      timeMs: txn.timeMs,
      ephemeralOwner: body.ephemeralOwner,
    });
    // ZooKeeper: createNode only raises the parent's cversion ("if parentCVersion > cversion", a
    // guard for fuzzy-snapshot replay). Zoo has no fuzzy snapshots, and the guard would freeze
    // the sequence counter at int32 wrap, so the txn's value is taken as is.
    this.beforeChange(parentPath, parent);
    parent.childCreates = body.parentCVersion;
    parent.pzxid = txn.zxid;
    // Linked into the parent's map only (an existing child is found there; a message is built
    // only then): the index's map of known paths takes the node when it is first looked up.
    if (!this.nodes.link(node, parent)) assert(false, `create of existing ${path} at ${txn.zxid}`);
    this.dataSize += path.length + node.dataLength;
    this.owned.track(path, node.ephemeralOwner);
    // ZooKeeper: createNode copies the reply's Stat before the quota upkeep may rewrite data.
    const result: TxnResult = { type: 'create', path, stat: withStats ? statOfNode(node) : null };
    this.dataSize += this.quotas.afterCreate(path, node.dataLength);
    events.add('nodeCreated', path, node.acl);
    events.add('nodeChildrenChanged', parentPath, parent.acl);
    return result;
  }

  private deleteNode(path: string, zxid: bigint, events: TreeEventSink): void {
    const parentPath = parentOf(path);
    const parent = this.mustGet(parentPath);
    const node = this.mustGet(path);
    assert(node.numChildren === 0, () => `delete of non-empty node ${path} at ${zxid}`);
    this.beforeChange(path, node);
    this.beforeChange(parentPath, parent);
    this.nodes.remove(node, parent);
    // ZooKeeper: deleteNode — pzxid only moves forward; childCreates is untouched.
    if (zxid > parent.pzxid) parent.pzxid = zxid;
    this.acls.release(node.acl);
    this.dataSize -= path.length + node.dataLength;
    this.owned.untrack(path, node.ephemeralOwner);
    this.dataSize += this.quotas.afterDelete(path, node.dataLength);
    events.add('nodeDeleted', path, node.acl);
    events.add('nodeChildrenChanged', parentPath, parent.acl);
  }

  private setData(
    body: SetDataTxnBody,
    txn: Txn,
    events: TreeEventSink,
    withStats: boolean,
  ): Stat | null {
    const node = this.mustGet(body.path);
    this.beforeChange(body.path, node);
    const bytesDiff = lengthOf(body.data) - node.dataLength;
    node.data = body.data;
    node.mtimeMs = txn.timeMs;
    node.mzxid = txn.zxid;
    node.version = body.version;
    const stat = withStats ? statOfNode(node) : null;
    this.dataSize += bytesDiff + this.quotas.afterSetData(body.path, bytesDiff);
    events.add('nodeDataChanged', body.path, node.acl);
    return stat;
  }

  /** ZooKeeper: DataTree.setACL — only the ACL and aversion change, and no watch fires. */
  private setAcl(path: string, acl: readonly Acl[], version: number): Stat {
    const node = this.mustGet(path);
    this.beforeChange(path, node);
    const previous = node.acl;
    node.acl = this.acls.intern(acl);
    this.acls.release(previous);
    node.aversion = version;
    return statOfNode(node);
  }

  /**
   * ZooKeeper: DataTree.killSession/deleteNodes — deletes the txn's paths (skipping any already
   * gone), then any ephemeral of the session the txn did not list (only a prep bug leaves one).
   */
  private killSession(txn: Txn, paths: readonly string[], events: TreeEventSink): void {
    for (const path of paths) {
      if (this.nodes.has(path)) this.deleteNode(path, txn.zxid, events);
    }
    const leftover = this.owned.ephemeralsOf(txn.sessionId);
    for (const path of [...leftover].sort()) this.deleteNode(path, txn.zxid, events);
    this.owned.forgetSession(txn.sessionId);
  }

  private mustGet(path: string): MutableZNode {
    const node = this.nodes.get(path);
    assert(node !== undefined, () => `no node ${path} where the txn needs one`);
    return node;
  }

  /** The node at `path`; '' aliases the root, as ZooKeeper's table does (getData("") works). */
  getNode(path: string): ZNode | undefined {
    return this.nodes.get(path === '' ? '/' : path);
  }

  statOf(node: ZNode): Stat {
    return statOfNode(node);
  }

  /** Child names, in insertion order (ZooKeeper's order is unspecified). */
  childrenOf(node: ZNode): string[] {
    return Array.from(node.children.keys(), nameOf);
  }

  ephemeralsOf(sessionId: bigint): ReadonlySet<string> {
    return this.owned.ephemeralsOf(sessionId);
  }

  /** For the 4lw `dump`: every session that has (or had, until it closes) ephemerals. */
  sessionsWithEphemerals(): ReadonlyMap<bigint, ReadonlySet<string>> {
    return this.owned.ephemerals;
  }

  /** ZooKeeper counts its '' alias of the root too: 5 on a fresh tree. */
  get nodeCount(): number {
    return this.nodes.size + 1;
  }

  /** Ordinary ephemerals only. ZooKeeper: DataTree.getEphemeralsCount. */
  get ephemeralCount(): number {
    return this.owned.ephemeralCount;
  }

  /** ZooKeeper: approximateDataSize — path lengths plus data lengths, the root alias included. */
  approximateDataSize(): number {
    const root = this.mustGet('/');
    return this.dataSize + root.dataLength;
  }

  /**
   * ZooKeeper: DataTree.getAllChildrenNumber — all descendants, excluding the node itself. For '/'
   * every other node; for the '' alias every node including '/', as ZooKeeper's key scan gives.
   */
  countDescendants(path: string): number {
    return countDescendants(this.nodes, path);
  }

  /** Empty containers and expired TTL nodes to delete, sorted (reapable-nodes.ts). */
  findReapable(nowMs: number, options: { maxNeverUsedIntervalMs: number }): string[] {
    return findReapable(
      { nodes: this.nodes, containers: this.owned.containers, ttls: this.owned.ttls },
      nowMs,
      options,
    );
  }

  /** Order-independent hash of every node's path, data, stat and ACL, for replica comparison. */
  digest(): string {
    this.cachedDigest ??= treeDigest(this.nodes);
    return this.cachedDigest;
  }

  /** Checks every structural invariant (O(n)); tests and the simulator call it after each step. */
  invariants(): void {
    treeInvariants({
      nodes: this.nodes,
      ephemerals: this.owned.ephemerals,
      containers: this.owned.containers,
      ttls: this.owned.ttls,
      acls: this.acls,
      dataSize: this.dataSize,
    });
    this.quotas.invariants();
    this.nodes.invariants();
  }
}
