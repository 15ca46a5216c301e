// The nodes of a snapshot file in a compact binary form: one chunk is a count, then per node its
// path, data, ACL (an index into the file's ACL table: the tree interns ACL lists, so a million
// nodes share a handful) and raw stat fields at fixed widths. Read straight from the buffer, with
// no per-node maps: recovery of a large tree is dominated by this decode.
//   path: u32 length + UTF-8 · data: i32 length (−1: null) + bytes · acl: u32 index
//   czxid, mzxid, pzxid: i64 · ctime, mtime: f64 (exact for any safe integer)
//   version, childCreates, aversion: i32 · ephemeralOwner: i64

import type { Acl } from '@zoo/client/protocol';
import type { SnapshotNode } from '../../core/tree/tree-snapshot.js';

/** The ACL lists of a snapshot's nodes, each once, by identity (the tree's interned arrays). */
export class AclTable {
  readonly lists: (readonly Acl[])[] = [];
  private readonly indexOf = new Map<readonly Acl[], number>();

  indexFor(acl: readonly Acl[]): number {
    let index = this.indexOf.get(acl);
    if (index === undefined) {
      index = this.lists.length;
      this.lists.push(acl);
      this.indexOf.set(acl, index);
    }
    return index;
  }
}

const fixedBytes = 4 + 4 + 4 + 3 * 8 + 2 * 8 + 3 * 4 + 8;

export function encodeNodeChunk(nodes: readonly SnapshotNode[], acls: AclTable): Buffer {
  let size = 4;
  const paths = nodes.map((node) => Buffer.from(node.path, 'utf8'));
  nodes.forEach((node, i) => {
    size += fixedBytes + (paths[i]?.length ?? 0) + (node.data?.length ?? 0);
  });
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt32BE(nodes.length, 0);
  nodes.forEach((node, i) => {
    const path = paths[i] ?? Buffer.alloc(0);
    at = out.writeUInt32BE(path.length, at);
    at += path.copy(out, at);
    at = out.writeInt32BE(node.data === null ? -1 : node.data.length, at);
    if (node.data !== null) at += node.data.copy(out, at);
    at = out.writeUInt32BE(acls.indexFor(node.acl), at);
    at = out.writeBigInt64BE(node.czxid, at);
    at = out.writeBigInt64BE(node.mzxid, at);
    at = out.writeBigInt64BE(node.pzxid, at);
    at = out.writeDoubleBE(node.ctime, at);
    at = out.writeDoubleBE(node.mtime, at);
    at = out.writeInt32BE(node.version, at);
    at = out.writeInt32BE(node.childCreates, at);
    at = out.writeInt32BE(node.aversion, at);
    at = out.writeBigInt64BE(node.ephemeralOwner, at);
  });
  return out;
}

/** Appends the chunk's nodes to `into`; throws on a chunk that does not parse exactly. */
export function decodeNodeChunk(
  bytes: Buffer,
  acls: readonly (readonly Acl[])[],
  into: SnapshotNode[],
): void {
  const need = (at: number, length: number): void => {
    if (length < 0 || at + length > bytes.length) throw new Error(`chunk cut short at ${at}`);
  };
  need(0, 4);
  const count = bytes.readUInt32BE(0);
  let at = 4;
  for (let n = 0; n < count; n++) {
    need(at, 4);
    const pathLength = bytes.readUInt32BE(at);
    need(at + 4, pathLength + 4);
    const path = bytes.toString('utf8', at + 4, at + 4 + pathLength);
    at += 4 + pathLength;
    const dataLength = bytes.readInt32BE(at);
    at += 4;
    need(at, (dataLength < 0 ? 0 : dataLength) + fixedBytes - 8);
    const data = dataLength < 0 ? null : bytes.subarray(at, at + dataLength);
    at += dataLength < 0 ? 0 : dataLength;
    const acl = acls[bytes.readUInt32BE(at)];
    if (acl === undefined) throw new Error(`${path}: ACL index out of the table`);
    into.push({
      path,
      data,
      acl,
      czxid: bytes.readBigInt64BE(at + 4),
      mzxid: bytes.readBigInt64BE(at + 12),
      pzxid: bytes.readBigInt64BE(at + 20),
      ctime: bytes.readDoubleBE(at + 28),
      mtime: bytes.readDoubleBE(at + 36),
      version: bytes.readInt32BE(at + 44),
      childCreates: bytes.readInt32BE(at + 48),
      aversion: bytes.readInt32BE(at + 52),
      ephemeralOwner: bytes.readBigInt64BE(at + 56),
    });
    at += 64;
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes after the chunk's nodes`);
}
