// A tree's whole state as plain data — every node with its raw stat, parents first — for a SNAP
// to a learner and for snapshot files; DataTree.fromSnapshot rebuilds an identical tree from it.
// ZooKeeper: DataTree.serialize / deserialize (serializeNode walks the tree parents first).

import type { Acl } from '@zoo/client/protocol';
import { MutableZNode, type StoredData, type ZNode } from './z-node.js';
import type { NodesByPath } from './node-index.js';

/** One znode as stored: the raw fields from which its Stat is computed. */
export interface SnapshotNode {
  path: string;
  data: Buffer | null;
  /** The tree's interned (frozen, shared) list: nodes with one ACL share one array. */
  acl: readonly Acl[];
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  /** ms since the epoch, as ZNode.ctimeMs. */
  ctime: number;
  mtime: number;
  version: number;
  /** Children ever created (ZooKeeper: StatPersisted.cversion); Stat.cversion derives from it. */
  childCreates: number;
  aversion: number;
  /** Raw, including the container and TTL markers (ephemeral-type.ts). */
  ephemeralOwner: bigint;
}

/**
 * A node's stored fields read in place, as ZNode names them (a live ZNode is one): what a
 * checkpoint's encoder reads, so that it needs no SnapshotNode per node (snapshot-node-reader.ts).
 */
export type SnapshotNodeView = Omit<ZNode, 'children' | 'numChildren'>;

/** A node's fields besides its data: what a restore checks and copies. */
export type SnapshotNodeFields = Omit<SnapshotNode, 'data'>;

/**
 * A node as a snapshot file's decoder hands it to a restore: the data already in the form a node
 * keeps it (z-node.ts storedOf), which the restored node takes over without a copy.
 */
export interface StoredSnapshotNode extends SnapshotNodeFields {
  stored: StoredData;
}

export interface SnapshotSession {
  sessionId: bigint;
  timeoutMs: number;
}

/** The replicated state as of `zxid`: the tree, and the sessions open at that point. */
export interface TreeSnapshot {
  zxid: bigint;
  nodes: SnapshotNode[];
  sessions: SnapshotSession[];
}

/**
 * A snapshot to restore from, whose nodes may be produced as they are read (recovery decodes a
 * large file's nodes a chunk at a time). A TreeSnapshot is one.
 */
export interface RestorableSnapshot {
  zxid: bigint;
  nodes: Iterable<SnapshotNode>;
  sessions: SnapshotSession[];
  /**
   * When present, a restore reads the nodes this way instead of `nodes`: each handed to `visit`
   * in snapshot order with its data already stored, and valid only during the call (a decoder
   * may reuse one object for every node), so a million-node recovery makes no object per node
   * beyond the ones the tree keeps.
   */
  forEachStoredNode?: (visit: (node: StoredSnapshotNode) => void) => void;
  /**
   * The tree these nodes make, when the reader built it as it read them (recovery restores a
   * snapshot file as it streams it): DataTree.fromSnapshot hands it out instead of restoring
   * again. Typed loosely so that this file need not import DataTree (which imports it).
   */
  restored?: object;
}

/**
 * A snapshot read a chunk at a time (a checkpoint's comes from a SnapshotWalk while the tree goes
 * on changing). Whoever receives one must read it to its end or abandon it: until then the tree
 * keeps copies of the nodes it changes for it.
 */
export interface SnapshotStream {
  readonly zxid: bigint;
  readonly nodeCount: number;
  readonly sessions: readonly SnapshotSession[];
  /** Up to `max` more nodes in snapshot order; an empty list once all were read. */
  next(max: number): SnapshotNode[];
  /**
   * The next node in snapshot order, read in place: valid only until the stream is read again
   * or the tree changes (an encoder writes it at once); undefined once all were read. A walk's
   * stream has it, so a checkpoint makes no object per node; without it, read `next`.
   */
  nextView?(): SnapshotNodeView | undefined;
  abandon(): void;
}

/** A whole snapshot as a stream (a SNAP's, a test's). */
export function streamOfSnapshot(snapshot: TreeSnapshot): SnapshotStream {
  let read = 0;
  return {
    zxid: snapshot.zxid,
    nodeCount: snapshot.nodes.length,
    sessions: snapshot.sessions,
    next(max: number): SnapshotNode[] {
      const nodes = snapshot.nodes.slice(read, read + max);
      read += nodes.length;
      return nodes;
    },
    abandon(): void {
      read = snapshot.nodes.length;
    },
  };
}

/** Reads a stream to its end into one snapshot (a log kept in memory stores it so). */
export function drainSnapshot(stream: SnapshotStream): TreeSnapshot {
  const nodes: SnapshotNode[] = [];
  for (let chunk = stream.next(4096); chunk.length > 0; chunk = stream.next(4096)) {
    for (const node of chunk) nodes.push(node);
  }
  return { zxid: stream.zxid, nodes, sessions: [...stream.sessions] };
}

/**
 * Every node in pre-order from '/', each node's children in insertion order: parents come before
 * their children, and a restore that re-adds children in this order gives back the same order
 * getChildren answers with. The order is a function of the applied txns, so replicas agree.
 * Each node's data is a copy of its own.
 */
export function snapshotNodes(nodes: NodesByPath): SnapshotNode[] {
  const out: SnapshotNode[] = [];
  const root = nodes.get('/');
  const stack: ZNode[] = root === undefined ? [] : [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    out.push(snapshotNodeOf(node.path, node));
    const children = Array.from(node.children.values());
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined) stack.push(child);
    }
  }
  return out;
}

export function snapshotNodeOf(path: string, node: SnapshotNodeView): SnapshotNode {
  return {
    path,
    data: node.data,
    acl: node.acl,
    czxid: node.czxid,
    mzxid: node.mzxid,
    pzxid: node.pzxid,
    ctime: node.ctimeMs,
    mtime: node.mtimeMs,
    version: node.version,
    childCreates: node.childCreates,
    aversion: node.aversion,
    ephemeralOwner: node.ephemeralOwner,
  };
}

/**
 * A stored node for `s`, with no children yet; `stored` is its data as the node keeps it (no
 * longer the snapshot's), `acl` the tree's interned copy.
 */
export function zNodeOfSnapshot(
  s: SnapshotNodeFields,
  stored: StoredData,
  acl: readonly Acl[],
): MutableZNode {
  const node = new MutableZNode({
    path: s.path,
    stored,
    acl,
    zxid: s.czxid,
    timeMs: s.ctime,
    ephemeralOwner: s.ephemeralOwner,
  });
  node.mzxid = s.mzxid;
  node.pzxid = s.pzxid;
  node.mtimeMs = s.mtime;
  node.version = s.version;
  node.childCreates = s.childCreates;
  node.aversion = s.aversion;
  return node;
}

/** One line, for logs and traces. */
export function describeSnapshot(snapshot: TreeSnapshot): string {
  const zxid = `0x${snapshot.zxid.toString(16)}`;
  return `snapshot ${zxid} nodes=${snapshot.nodes.length} sessions=${snapshot.sessions.length}`;
}
