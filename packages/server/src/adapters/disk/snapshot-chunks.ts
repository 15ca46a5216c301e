// A checkpoint's nodes, framed a chunk at a time into one buffer kept for the whole snapshot: a
// chunk's nodes are encoded in place behind room for its frame header and count, the chunk is
// sealed and written, and then the same buffer takes the next one. Encoding a whole tree so
// makes no buffer per chunk (nor per path), and no copy from an encoded chunk into its frame.

import { SnapshotNodeReader } from '../../core/tree/snapshot-node-reader.js';
import type {
  SnapshotNode,
  SnapshotNodeView,
  SnapshotStream,
} from '../../core/tree/tree-snapshot.js';
import { frameHeaderBytes, sealFrame } from './record-frame.js';
import { NodeBuffer, NodeWriter, nodeBytesMax, type AclTable } from './snapshot-node-writer.js';

/** Nodes asked of a stream without views at a time; those a full chunk leaves start the next. */
const nodesPerRead = 32;
/** Most nodes in a chunk: what the walk and the encoding of one slice of work come to. */
const nodesPerChunkMax = 1024;
/** A chunk is sealed once it holds this many bytes (so one node past it at most). */
const chunkBytesTarget = 256 * 1024;
/** Where the nodes begin: after the frame header and the chunk's count. */
const nodesOffset = frameHeaderBytes + 4;

export class NodeChunks {
  private readonly target = new NodeBuffer(chunkBytesTarget + 64 * 1024);
  private readonly writer: NodeWriter;
  /** Nodes read from a stream without views and not yet encoded, from `pendingAt` on. */
  private pending: SnapshotNode[] = [];
  private pendingAt = 0;
  private readonly reader = new SnapshotNodeReader();
  /** Nodes encoded so far. */
  encoded = 0;

  constructor(
    private readonly stream: SnapshotStream,
    acls: AclTable,
  ) {
    this.writer = new NodeWriter(acls);
  }

  /**
   * The next chunk, framed; null once the stream has no more nodes. The bytes are a view of
   * the buffer the next call encodes into: write them (or copy them) before asking again.
   */
  next(): Buffer | null {
    let end = nodesOffset;
    let count = 0;
    while (count < nodesPerChunkMax && end - nodesOffset < chunkBytesTarget) {
      // Each node is written as soon as it is read: a view is valid only until the next read.
      const node = this.nextNode();
      if (node === undefined) break;
      this.target.ensure(end + nodeBytesMax(node), end);
      end = this.writer.write(node, this.target, end);
      count++;
    }
    if (count === 0) return null;
    this.encoded += count;
    const bytes = this.target.bytes;
    bytes.writeUInt32BE(count, frameHeaderBytes);
    sealFrame(bytes, 0, end - frameHeaderBytes);
    return bytes.subarray(0, end);
  }

  private nextNode(): SnapshotNodeView | undefined {
    if (this.stream.nextView !== undefined) return this.stream.nextView();
    if (this.pendingAt === this.pending.length) {
      this.pending = this.stream.next(nodesPerRead);
      this.pendingAt = 0;
    }
    const node = this.pending[this.pendingAt++];
    return node === undefined ? undefined : this.reader.read(node);
  }
}
