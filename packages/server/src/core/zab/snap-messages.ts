// A SNAP as the messages a learner receives: the head, then the nodes in parts, read from the
// leader's stream only as the parts are taken. Transports with nothing to pace (the simulator,
// the ZAB test network) take them all at once; the ws links pace them by the socket's drain.

import type { SnapshotStream } from '../tree/tree-snapshot.js';
import type { PeerMessage } from './messages.js';

/** Nodes per part; the ws links also bound a part's bytes. */
export const snapNodesPerPart = 1024;

export function snapHeadOf(snapshot: SnapshotStream): Extract<PeerMessage, { type: 'snap' }> {
  const { zxid, nodeCount, sessions } = snapshot;
  return { type: 'snap', zxid, nodeCount, sessions: [...sessions] };
}

/**
 * The head, then a snapNodes part per `nodesPerPart` nodes. A consumer that stops early (its
 * link went down) abandons the stream, so the tree stops keeping copies for it.
 */
export function* snapMessages(
  snapshot: SnapshotStream,
  nodesPerPart = snapNodesPerPart,
): Generator<PeerMessage> {
  try {
    yield snapHeadOf(snapshot);
    const zxid = snapshot.zxid;
    for (let nodes = snapshot.next(nodesPerPart); nodes.length > 0;) {
      yield { type: 'snapNodes', zxid, nodes };
      nodes = snapshot.next(nodesPerPart);
    }
  } finally {
    // Read to its end this changes nothing; left early, the walk stops.
    snapshot.abandon();
  }
}
