// A tree restored from a snapshot a node at a time (DataTree.restore): how a learner builds the
// state a SNAP carries as its parts arrive, never holding the parts and the tree at once.

import { assert } from '@zoo/client/protocol';
import type { RestorableSnapshot, SnapshotNode, StoredSnapshotNode } from './tree-snapshot.js';

/** `Tree` is DataTree (named by a parameter, so that the two files do not import each other). */
export interface TreeRestore<Tree> {
  /**
   * Links the next node in snapshot order (parents first), checked as DataTree.fromSnapshot
   * checks it; returns what is wrong with it (the snapshot is refused), or null.
   */
  add(node: SnapshotNode): string | null;
  /** add for a node whose data is already stored (a snapshot file's decoder's); not kept. */
  addStored(node: StoredSnapshotNode): string | null;
  /**
   * The restored tree, at the snapshot's zxid; call once, after the last node. It runs no O(n)
   * invariants() pass: add checked each node as it linked it (tests and the simulator run it).
   */
  finish(): Tree;
}

/**
 * Every node of `snapshot` through `restore`, with their data already stored when the snapshot
 * offers them so (a snapshot file's); a node the restore refuses fails an assertion.
 */
export function restoreAll<Tree>(
  restore: TreeRestore<Tree>,
  snapshot: Omit<RestorableSnapshot, 'sessions' | 'zxid'>,
): Tree {
  const check = (path: string, problem: string | null): void => {
    if (problem !== null) assert(false, `snapshot node ${path}: ${problem}`);
  };
  if (snapshot.forEachStoredNode === undefined) {
    for (const node of snapshot.nodes) check(node.path, restore.add(node));
  } else {
    snapshot.forEachStoredNode((node) => check(node.path, restore.addStored(node)));
  }
  return restore.finish();
}
