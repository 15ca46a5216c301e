// Writes a checkpoint's nodes in the binary form snapshot-nodes-codec.ts reads, straight from
// the nodes as the walk hands them out (the live ones, read in place): no object, buffer or
// string is made per node. A checkpoint writes every node of the tree on the event loop, so this
// is the write path's largest cost beyond the log's.

import type { Acl } from '@zoo/client/protocol';
import type { SnapshotNodeView } from '../../core/tree/tree-snapshot.js';

/** The ACL lists of a snapshot's nodes, each once, by identity (the tree's interned arrays). */
export class AclTable {
  readonly lists: (readonly Acl[])[] = [];
  private readonly indexOf = new Map<readonly Acl[], number>();
  /** The last list asked for: runs of nodes share one, so most asks need no look-up. */
  private last: readonly Acl[] | null = null;
  private lastIndex = 0;

  indexFor(acl: readonly Acl[]): number {
    if (acl === this.last) return this.lastIndex;
    let index = this.indexOf.get(acl);
    if (index === undefined) {
      index = this.lists.length;
      this.lists.push(acl);
      this.indexOf.set(acl, index);
    }
    this.last = acl;
    this.lastIndex = index;
    return index;
  }
}

/** A buffer nodes are written into, with a DataView over it for the fixed-width fields. */
export class NodeBuffer {
  bytes: WritableBytes;
  view: DataView;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
    this.view = viewOf(this.bytes);
  }

  /** Makes room for `size` bytes, keeping the first `kept`. */
  ensure(size: number, kept: number): void {
    if (size <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(size, 2 * this.bytes.length));
    this.bytes.copy(grown, 0, 0, kept);
    this.bytes = grown;
    this.view = viewOf(grown);
  }
}

const viewOf = (bytes: Buffer): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.length);

/**
 * Buffer's own writer per encoding, which Buffer.write calls after sorting out its arguments
 * (msgpackr calls them so too): on short strings that sorting costs as much as the copy, and a
 * checkpoint writes two strings per node. Not in Node's typings, so looked for, with
 * Buffer.write in their place should a Node lack them.
 */
interface EncodingWriters {
  utf8Write(text: string, offset: number): number;
  latin1Write(text: string, offset: number): number;
}

/** A Buffer, whose encoding writers are called when it has them. */
type WritableBytes = Buffer & Partial<EncodingWriters>;

/** Writes `text` as UTF-8 at `offset` of `bytes`, which has room; returns the bytes written. */
function writeUtf8(bytes: WritableBytes, text: string, offset: number): number {
  return bytes.utf8Write === undefined
    ? bytes.write(text, offset, 'utf8')
    : bytes.utf8Write(text, offset);
}

/** writeUtf8 for a string of chars below 256, one byte each. */
function writeLatin1(bytes: WritableBytes, text: string, offset: number): number {
  return bytes.latin1Write === undefined
    ? bytes.write(text, offset, 'latin1')
    : bytes.latin1Write(text, offset);
}

/** path and data lengths, ACL index; 3 zxids, 2 times; version, childCreates, aversion; owner. */
const fixedBytes = 4 + 4 + 4 + 3 * 8 + 2 * 8 + 3 * 4 + 8;
/**
 * Above this length a node's data is read as a Buffer, below it as a latin1 string: a live node
 * hands out its own of each at no cost (z-node.ts keeps up to 1 KiB as a string). Either read
 * gives the same bytes; only what it costs differs.
 */
const stringDataBytesMax = 1024;

/**
 * At least the bytes writeNode writes for `node` (a path's UTF-8 is at most 3 bytes per UTF-16
 * unit), counted without encoding anything.
 */
export function nodeBytesMax(node: SnapshotNodeView): number {
  return fixedBytes + 3 * node.path.length + node.dataLength;
}

/** Writes snapshot nodes, each at an offset with nodeBytesMax(node) bytes free there. */
export class NodeWriter {
  constructor(private readonly acls: AclTable) {}

  /** Writes `node` at `offset` of `target`; returns the offset after it. */
  write(node: SnapshotNodeView, target: NodeBuffer, offset: number): number {
    const view = target.view;
    const pathLength = writeUtf8(target.bytes, node.path, offset + 4);
    view.setUint32(offset, pathLength);
    const at = writeData(node, target, offset + 4 + pathLength);
    view.setUint32(at, this.acls.indexFor(node.acl));
    writeZxids(node, view, at + 4);
    view.setFloat64(at + 28, node.ctimeMs);
    view.setFloat64(at + 36, node.mtimeMs);
    view.setInt32(at + 44, node.version);
    view.setInt32(at + 48, node.childCreates);
    view.setInt32(at + 52, node.aversion);
    const owner = node.ephemeralOwner;
    if (owner === 0n) {
      view.setUint32(at + 56, 0);
      view.setUint32(at + 60, 0);
    } else {
      view.setBigInt64(at + 56, owner);
    }
    return at + 64;
  }
}

/**
 * czxid, mzxid and pzxid at `at`. Most nodes have all three equal: the words of the first are
 * copied for the others, cheaper than converting a bigint again.
 */
function writeZxids(node: SnapshotNodeView, view: DataView, at: number): void {
  const czxid = node.czxid;
  view.setBigInt64(at, czxid);
  const high = view.getUint32(at);
  const low = view.getUint32(at + 4);
  const mzxid = node.mzxid;
  if (mzxid === czxid) {
    view.setUint32(at + 8, high);
    view.setUint32(at + 12, low);
  } else {
    view.setBigInt64(at + 8, mzxid);
  }
  const pzxid = node.pzxid;
  if (pzxid === czxid) {
    view.setUint32(at + 16, high);
    view.setUint32(at + 20, low);
  } else {
    view.setBigInt64(at + 16, pzxid);
  }
}

/** The data's i32 length (−1: null) and bytes at `at`; returns the offset after them. */
function writeData(node: SnapshotNodeView, target: NodeBuffer, at: number): number {
  const { bytes, view } = target;
  if (node.dataLength > stringDataBytesMax) {
    const data = node.data;
    if (data !== null) {
      view.setInt32(at, data.length);
      return at + 4 + data.copy(bytes, at + 4);
    }
  }
  const text = node.latin1Data;
  view.setInt32(at, text === null ? -1 : text.length);
  return text === null ? at + 4 : at + 4 + writeLatin1(bytes, text, at + 4);
}
