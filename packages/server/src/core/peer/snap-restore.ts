// How a learner's Peer builds the state a SNAP carries as its parts arrive (ReplicatedState.
// beginRestore): the nodes go straight into a new tree, checked as they are linked. Once the last
// is in, the tree and its sessions are the state to install, and a walk of the new tree is the
// snapshot the learner makes durable (the tree goes on applying while it is written).

import { DataTree } from '../tree/data-tree.js';
import { streamOfWalk } from '../tree/snapshot-walk.js';
import type { SnapshotSession } from '../tree/tree-snapshot.js';
import type { RestoredState, SnapshotHead, SnapshotRestore } from '../replication/replication.js';

/** The state a SNAP built: what the Peer installs on the 'restore' effect. */
export class RestoredTree implements RestoredState {
  readonly zxid: bigint;

  constructor(
    readonly tree: DataTree,
    readonly sessions: readonly SnapshotSession[],
  ) {
    this.zxid = tree.lastZxid;
  }
}

export function beginTreeRestore(head: SnapshotHead): SnapshotRestore {
  const restore = DataTree.restore(head.zxid);
  const sessions = [...head.sessions];
  return {
    add(nodes) {
      for (const node of nodes) {
        const problem = restore.add(node);
        if (problem !== null) return `snapshot node ${node.path}: ${problem}`;
      }
      return null;
    },
    finish() {
      const tree = restore.finish();
      const snapshot = streamOfWalk(tree.beginSnapshotWalk(), sessions);
      return { state: new RestoredTree(tree, sessions), snapshot };
    },
  };
}
