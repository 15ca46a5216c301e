// A tree restored from a snapshot a node at a time (DataTree.restore): how a learner builds the
// state a SNAP carries as its parts arrive, never holding the parts and the tree at once.

import type { SnapshotNode } from './tree-snapshot.js';

/** `Tree` is DataTree (named by a parameter, so that the two files do not import each other). */
export interface TreeRestore<Tree> {
  /**
   * Links the next node in snapshot order (parents first), checked as DataTree.fromSnapshot
   * checks it; returns what is wrong with it (the snapshot is refused), or null.
   */
  add(node: SnapshotNode): string | null;
  /**
   * The restored tree, at the snapshot's zxid; call once, after the last node. It runs no O(n)
   * invariants() pass: add checked each node as it linked it (tests and the simulator run it).
   */
  finish(): Tree;
}
