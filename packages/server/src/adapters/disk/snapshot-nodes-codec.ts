// The nodes of a snapshot file in a compact binary form: one chunk is a count, then per node its
// path, data, ACL (an index into the file's ACL table: the tree interns ACL lists, so a million
// nodes share a handful) and raw stat fields at fixed widths. Read straight from the buffer, with
// no per-node maps: recovery of a large tree is dominated by this decode.
//   path: u32 length + UTF-8 · data: i32 length (−1: null) + bytes · acl: u32 index
//   czxid, mzxid, pzxid: i64 · ctime, mtime: f64 (exact for any safe integer)
//   version, childCreates, aversion: i32 · ephemeralOwner: i64

import type { Acl } from '@zoo/client/protocol';
import type { SnapshotNode, StoredSnapshotNode } from '../../core/tree/tree-snapshot.js';
import { storedOfRange, type StoredData } from '../../core/tree/z-node.js';

const fixedBytes = 4 + 4 + 4 + 3 * 8 + 2 * 8 + 3 * 4 + 8;

const noOwner = 0n;
/** Below this magnitude the high word times 2^32 plus the low one is an exact double. */
const exactHighMax = 0x20_0000;

/**
 * The int64 at `at`: one BigInt made from an exact double when it fits (every zxid of an epoch
 * below 2^21), where getBigInt64 builds it from several.
 */
function int64At(view: DataView, at: number): bigint {
  const high = view.getInt32(at);
  if (high >= exactHighMax || high < -exactHighMax) return view.getBigInt64(at);
  return BigInt(high * 0x1_0000_0000 + view.getUint32(at + 4));
}

/**
 * Whether the int64 at `at` equals the one at `other` (−1: zero). A million nodes mostly have
 * czxid = mzxid = pzxid and no owner: sharing one BigInt saves an allocation and its memory.
 */
function sameInt64(view: DataView, at: number, other: number): boolean {
  if (other < 0) return view.getInt32(at) === 0 && view.getInt32(at + 4) === 0;
  const high = view.getInt32(at) === view.getInt32(other);
  return high && view.getInt32(at + 4) === view.getInt32(other + 4);
}

/** A chunk that does not parse: told apart from what a visitor throws. */
export class NodeChunkError extends Error {}

/** The one node a decode hands out, its fields overwritten for the next (one object per chunk). */
class DecodedNode implements StoredSnapshotNode {
  path = '';
  stored: StoredData = null;
  acl: readonly Acl[] = [];
  czxid = noOwner;
  mzxid = noOwner;
  pzxid = noOwner;
  ctime = 0;
  mtime = 0;
  version = 0;
  childCreates = 0;
  aversion = 0;
  ephemeralOwner = noOwner;
}

/**
 * Hands the chunk's nodes to `visit` in order, each valid only during its call (a restore copies
 * what it keeps), with no object made per node besides the strings and BigInts the tree keeps.
 * Throws NodeChunkError on a chunk that does not parse exactly. Fixed-width fields are read
 * through one DataView per chunk: Buffer's readers (a double through a scratch array) took a
 * fifth of a 1M-znode restore's samples.
 */
export function decodeStoredNodes(
  bytes: Buffer,
  acls: readonly (readonly Acl[])[],
  visit: (node: StoredSnapshotNode) => void,
): number {
  const need = (at: number, length: number): void => {
    if (length < 0 || at + length > bytes.length) throw new NodeChunkError(`cut short at ${at}`);
  };
  need(0, 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0);
  const node = new DecodedNode();
  let at = 4;
  for (let n = 0; n < count; n++) {
    need(at, 4);
    const pathLength = view.getUint32(at);
    need(at + 4, pathLength + 4);
    node.path = bytes.toString('utf8', at + 4, at + 4 + pathLength);
    at += 4 + pathLength;
    const dataLength = view.getInt32(at);
    at += 4;
    need(at, (dataLength < 0 ? 0 : dataLength) + fixedBytes - 8);
    node.stored = dataLength < 0 ? null : storedOfRange(bytes, at, at + dataLength);
    at += dataLength < 0 ? 0 : dataLength;
    const acl = acls[view.getUint32(at)];
    if (acl === undefined) throw new NodeChunkError(`${node.path}: ACL index out of the table`);
    node.acl = acl;
    readStat(view, at + 4, node);
    visit(node);
    at += 64;
  }
  if (at !== bytes.length) {
    throw new NodeChunkError(`${bytes.length - at} bytes after the chunk's nodes`);
  }
  return count;
}

/** The fixed-width fields from czxid on, at `at`. */
function readStat(view: DataView, at: number, node: DecodedNode): void {
  const czxid = int64At(view, at);
  node.czxid = czxid;
  node.mzxid = sameInt64(view, at + 8, at) ? czxid : int64At(view, at + 8);
  node.pzxid = sameInt64(view, at + 16, at) ? czxid : int64At(view, at + 16);
  node.ctime = view.getFloat64(at + 24);
  node.mtime = view.getFloat64(at + 32);
  node.version = view.getInt32(at + 40);
  node.childCreates = view.getInt32(at + 44);
  node.aversion = view.getInt32(at + 48);
  node.ephemeralOwner = sameInt64(view, at + 52, -1) ? noOwner : int64At(view, at + 52);
}

/** Appends the chunk's nodes to `into` as SnapshotNodes (inspection and tests). */
export function decodeNodeChunk(
  bytes: Buffer,
  acls: readonly (readonly Acl[])[],
  into: SnapshotNode[],
): void {
  decodeStoredNodes(bytes, acls, ({ stored, ...fields }) => {
    const data = stored === null ? null : typeof stored === 'string' ? latin1(stored) : stored;
    into.push({ ...fields, data });
  });
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
