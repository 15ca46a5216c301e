// A checkpoint's nodes, framed a chunk at a time into one buffer kept for the whole snapshot: a
// chunk's nodes are encoded in place behind room for its frame header and count, the chunk is
// sealed and written, and then the same buffer takes the next one. Encoding a whole tree so
// makes no buffer per chunk (nor per path), and no copy from an encoded chunk into its frame.

import type { SnapshotNode, SnapshotStream } from '../../core/tree/tree-snapshot.js';
import { frameHeaderBytes, sealFrame } from './record-frame.js';
import { nodeBytesMax, writeNode, type AclTable } from './snapshot-nodes-codec.js';

/** Nodes asked of the stream at a time; those a full chunk leaves start the next. */
const nodesPerRead = 32;
/** Most nodes in a chunk: what the walk and the encoding of one slice of work come to. */
const nodesPerChunkMax = 1024;
/** A chunk is sealed once it holds this many bytes (so one node past it at most). */
const chunkBytesTarget = 256 * 1024;
/** Where the nodes begin: after the frame header and the chunk's count. */
const nodesOffset = frameHeaderBytes + 4;

export class NodeChunks {
  private buffer = Buffer.allocUnsafe(chunkBytesTarget + 64 * 1024);
  /** Nodes read from the stream and not yet encoded, from `pendingAt` on. */
  private pending: SnapshotNode[] = [];
  private pendingAt = 0;
  /** Nodes encoded so far. */
  encoded = 0;

  constructor(
    private readonly stream: SnapshotStream,
    private readonly acls: AclTable,
  ) {}

  /**
   * The next chunk, framed; null once the stream has no more nodes. The bytes are a view of
   * the buffer the next call encodes into: write them (or copy them) before asking again.
   */
  next(): Buffer | null {
    let end = nodesOffset;
    let count = 0;
    while (count < nodesPerChunkMax && end - nodesOffset < chunkBytesTarget) {
      const node = this.nextNode();
      if (node === undefined) break;
      end = this.append(node, end);
      count++;
    }
    if (count === 0) return null;
    this.encoded += count;
    this.buffer.writeUInt32BE(count, frameHeaderBytes);
    sealFrame(this.buffer, 0, end - frameHeaderBytes);
    return this.buffer.subarray(0, end);
  }

  private nextNode(): SnapshotNode | undefined {
    if (this.pendingAt === this.pending.length) {
      this.pending = this.stream.next(nodesPerRead);
      this.pendingAt = 0;
    }
    return this.pending[this.pendingAt++];
  }

  /** Appends `node` at `end`, growing the buffer if it may not fit; returns the new end. */
  private append(node: SnapshotNode, end: number): number {
    const needed = end + nodeBytesMax(node);
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length));
      this.buffer.copy(grown, 0, 0, end);
      this.buffer = grown;
    }
    return writeNode(node, this.acls, this.buffer, end);
  }
}
