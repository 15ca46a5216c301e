// A SNAP on the peer links goes as a stream of bounded parts, never as one message of the whole
// tree: a head (zxid, sessions, node count), then the nodes in chunks of at most 4,096 nodes or
// about 4 MiB. The receiving link puts them back together and hands the core one `snap` message,
// checked as a whole snapshot is, so the core never sees the parts.

import { DecodeError } from '@zoo/client/protocol';
import type { PeerMessage } from '../core/zab/messages.js';
import type { SnapshotNode, TreeSnapshot } from '../core/tree/tree-snapshot.js';
import { packValue } from './msgpack-value.js';
import { checkSnapshotNodes, readSnapshotNode, readSnapshotSessions } from './read-txn.js';
import { WireObject, decodeFail } from './wire-object.js';

const nodesPerPartMax = 4096;
const partBytesTarget = 4 * 1024 * 1024;

export type SnapPart =
  | { type: 'snapHead'; zxid: bigint; sessions: TreeSnapshot['sessions']; nodeCount: number }
  | { type: 'snapNodes'; zxid: bigint; nodes: SnapshotNode[] };

export const snapPartTypes: ReadonlySet<string> = new Set(['snapHead', 'snapNodes']);

/** The encoded parts of a SNAP, in order. */
export function* encodeSnapParts(snapshot: TreeSnapshot): Generator<Buffer> {
  const { zxid, sessions, nodes } = snapshot;
  yield packValue({ type: 'snapHead', zxid, sessions, nodeCount: nodes.length });
  let start = 0;
  while (start < nodes.length) {
    let end = start;
    let bytes = 0;
    while (end < nodes.length && end - start < nodesPerPartMax && bytes < partBytesTarget) {
      const node = nodes[end];
      bytes += 128 + (node?.path.length ?? 0) + (node?.data?.length ?? 0);
      end++;
    }
    yield packValue({ type: 'snapNodes', zxid, nodes: nodes.slice(start, end) });
    start = end;
  }
}

export function readSnapPart(o: WireObject): SnapPart {
  const zxid = o.int64('zxid');
  if (o.string('type') === 'snapHead') {
    const nodeCount = o.safeInteger('nodeCount');
    if (nodeCount < 1) decodeFail(o.at('nodeCount'), 'a snapshot has at least its root');
    const sessions = readSnapshotSessions(o.get('sessions'), o.at('sessions'));
    return { type: 'snapHead', zxid, sessions, nodeCount };
  }
  const nodes = o.list('nodes', (value, where) => readSnapshotNode(WireObject.of(value, where)));
  if (nodes.length === 0) decodeFail(o.at('nodes'), 'an empty part');
  return { type: 'snapNodes', zxid, nodes };
}

/**
 * One link's SNAP being received. Parts must come in order, head first, nothing else between
 * them; a violation is the peer's bad input (DecodeError: the link closes).
 */
export class SnapAssembly {
  private head: Extract<SnapPart, { type: 'snapHead' }> | null = null;
  private nodes: SnapshotNode[] = [];

  get isOpen(): boolean {
    return this.head !== null;
  }

  /** Takes one part; returns the whole snap message once its last part is in. */
  accept(part: SnapPart): PeerMessage | null {
    if (part.type === 'snapHead') {
      if (this.head !== null) throw new DecodeError('a SNAP began inside another');
      this.head = part;
      this.nodes = [];
      return null;
    }
    const head = this.head;
    if (head === null) throw new DecodeError('SNAP nodes without a head');
    if (part.zxid !== head.zxid) throw new DecodeError('SNAP nodes of another snapshot');
    for (const node of part.nodes) this.nodes.push(node);
    if (this.nodes.length > head.nodeCount) throw new DecodeError('more SNAP nodes than announced');
    if (this.nodes.length < head.nodeCount) return null;
    const nodes = this.nodes;
    this.head = null;
    this.nodes = [];
    checkSnapshotNodes(nodes, head.zxid, 'snap');
    return { type: 'snap', snapshot: { zxid: head.zxid, nodes, sessions: head.sessions } };
  }
}
