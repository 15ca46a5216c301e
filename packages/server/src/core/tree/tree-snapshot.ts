// A tree's whole state as plain data — every node with its raw stat, parents first — for a SNAP
// to a learner and for snapshot files; DataTree.fromSnapshot rebuilds an identical tree from it.
// ZooKeeper: DataTree.serialize / deserialize (serializeNode walks the tree parents first).

import type { Acl } from '@zoo/client/protocol';
import { childPath } from './path.js';
import { MutableZNode, type ZNode } from './z-node.js';

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
 * Every node in pre-order from '/', each node's children in insertion order: parents come before
 * their children, and a restore that re-adds children in this order gives back the same order
 * getChildren answers with. The order is a function of the applied txns, so replicas agree.
 * Data buffers are shared with the tree, which never mutates one in place.
 */
export function snapshotNodes(nodes: ReadonlyMap<string, ZNode>): SnapshotNode[] {
  const out: SnapshotNode[] = [];
  const stack: string[] = ['/'];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    const node = nodes.get(path);
    if (node === undefined) continue;
    out.push(snapshotNodeOf(path, node));
    const names = Array.from(node.children);
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i];
      if (name !== undefined) stack.push(childPath(path, name));
    }
  }
  return out;
}

export function snapshotNodeOf(path: string, node: ZNode): SnapshotNode {
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

/** A stored node for `s`, with no children yet; `acl` is the tree's interned copy. */
export function zNodeOfSnapshot(s: SnapshotNode, acl: readonly Acl[]): MutableZNode {
  const node = new MutableZNode({
    // The tree owns its buffers (as apply copies a txn's data), so the snapshot can be dropped.
    data: s.data === null ? null : Buffer.from(s.data),
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
