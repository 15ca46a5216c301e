// A peer link's outgoing messages, in order, where a SNAP is read from the leader's tree only as
// fast as the socket takes it: a SnapSend carries a walk of the tree (nothing copied), and its
// nodes are read and encoded a part at a time, the next part only once fewer than
// `partsInFlightMax` are unwritten, so neither the leader's heap nor the socket ever holds the
// whole tree while the leader goes on committing. Messages to the peer meanwhile wait behind the
// SNAP, in order (ZooKeeper's LearnerHandler queues its packets behind the snapshot the same way).

import type { SnapshotNode, SnapshotStream } from '../core/tree/tree-snapshot.js';
import { snapHeadOf } from '../core/zab/snap-messages.js';
import { encodePeerMessage } from './peer-codec.js';

/** A part holds at most this many nodes, or about this many bytes (bounded frames). */
export const snapPartNodesMax = 4096;
export const snapPartBytesTarget = 4 * 1024 * 1024;
/** Parts encoded and handed to the socket, not yet written out by it. */
const partsInFlightMax = 2;
/** Nodes read from the walk at a time while filling a part (a node may hold 1 MiB of data). */
const nodesPerReadMax = 64;

/** What the queue needs of a link (PeerLink). */
export interface PacedLink {
  /** Batched with this turn's other messages. */
  send(bytes: Buffer): void;
  /** A frame of its own; `onWritten` once the socket has taken it. */
  write(bytes: Buffer, onWritten: () => void): void;
  close(reason: string): void;
}

type Outgoing = { kind: 'bytes'; bytes: Buffer } | { kind: 'snap'; snapshot: SnapshotStream };

export class PeerSendQueue {
  /** Messages (and any further SNAP) waiting behind the SNAP being sent. */
  private readonly held: Outgoing[] = [];
  private heldBytes = 0;
  private current: SnapshotStream | null = null;
  private partsInFlight = 0;
  private isAbandoned = false;

  constructor(
    private readonly link: PacedLink,
    /** Bytes held behind a SNAP before the peer counts as not reading (the link closes). */
    private readonly heldBytesMax: number,
  ) {}

  sendBytes(bytes: Buffer): void {
    if (this.isAbandoned) return;
    if (this.current === null) return this.link.send(bytes);
    this.held.push({ kind: 'bytes', bytes });
    this.heldBytes += bytes.length;
    if (this.heldBytes > this.heldBytesMax) {
      this.link.close(`peer is not reading: ${this.heldBytes} bytes held behind a SNAP`);
    }
  }

  sendSnap(snapshot: SnapshotStream): void {
    if (this.isAbandoned) snapshot.abandon();
    else if (this.current === null) this.start(snapshot);
    else this.held.push({ kind: 'snap', snapshot });
  }

  /** The link is gone: nothing more is sent, and every SNAP not read to its end is abandoned. */
  abandon(): void {
    this.isAbandoned = true;
    this.current?.abandon();
    this.current = null;
    for (const item of this.held) if (item.kind === 'snap') item.snapshot.abandon();
    this.held.length = 0;
    this.heldBytes = 0;
  }

  private start(snapshot: SnapshotStream): void {
    this.current = snapshot;
    this.link.send(encodePeerMessage(snapHeadOf(snapshot)));
    this.pump();
  }

  /** Reads and sends parts while few are unwritten; each written part calls it again. */
  private pump(): void {
    const snapshot = this.current;
    while (snapshot !== null && this.current === snapshot) {
      if (this.partsInFlight >= partsInFlightMax) return;
      const nodes = readPart(snapshot);
      if (nodes.length === 0) return this.finish();
      this.partsInFlight += 1;
      const part = encodePeerMessage({ type: 'snapNodes', zxid: snapshot.zxid, nodes });
      this.link.write(part, () => {
        this.partsInFlight -= 1;
        if (!this.isAbandoned) this.pump();
      });
    }
  }

  /** The last part is out: what waited behind the SNAP follows, in order. */
  private finish(): void {
    this.current = null;
    while (this.current === null) {
      const item = this.held.shift();
      if (item === undefined) return;
      if (item.kind === 'snap') {
        this.start(item.snapshot);
      } else {
        this.heldBytes -= item.bytes.length;
        this.link.send(item.bytes);
      }
    }
  }
}

/** The next part's nodes (none once the stream is read to its end). */
function readPart(snapshot: SnapshotStream): SnapshotNode[] {
  const nodes: SnapshotNode[] = [];
  let bytes = 0;
  while (nodes.length < snapPartNodesMax && bytes < snapPartBytesTarget) {
    const read = snapshot.next(Math.min(nodesPerReadMax, snapPartNodesMax - nodes.length));
    if (read.length === 0) break;
    for (const node of read) {
      nodes.push(node);
      bytes += 128 + node.path.length + (node.data?.length ?? 0);
    }
  }
  return nodes;
}
