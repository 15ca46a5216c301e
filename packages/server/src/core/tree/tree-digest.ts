// An order-independent 64-bit digest of a tree: the sum (mod 2^64) of one hash per node over its
// path, data, stat and ACL, so replicas that applied the same txns compare equal.
// ZooKeeper: DigestCalculator / NodeHashMapImpl (CRC32 per node, summed); Zoo uses its own hash.

import type { ZNode } from './z-node.js';

const mask64 = (1n << 64n) - 1n;

/** Two independent 32-bit lanes of a multiply–rotate hash (murmur3-style mixing). */
class Hasher {
  private h1 = 0x9747b28c;
  private h2 = 0x5bd1e995;

  int(value: number): void {
    const k = value | 0;
    this.h1 = (Math.imul(rotl(this.h1 ^ Math.imul(k, 0xcc9e2d51), 13), 5) + 0xe6546b64) | 0;
    this.h2 = (Math.imul(rotl(this.h2 ^ Math.imul(k, 0x1b873593), 17), 9) + 0x85ebca6b) | 0;
  }

  long(value: bigint): void {
    const unsigned = BigInt.asUintN(64, value);
    this.int(Number(unsigned & 0xffffffffn));
    this.int(Number(unsigned >> 32n));
  }

  string(text: string): void {
    this.int(text.length);
    for (let i = 0; i < text.length; i++) this.int(text.charCodeAt(i));
  }

  /** Data bytes as a latin1 string (one char per byte), null for null data. */
  bytes(latin1: string | null): void {
    if (latin1 === null) {
      this.int(-1);
      return;
    }
    this.int(latin1.length);
    for (let i = 0; i < latin1.length; i++) this.int(latin1.charCodeAt(i));
  }

  finish(): bigint {
    const a = fmix32(this.h1 ^ this.h2);
    const b = fmix32((this.h2 + a) | 0);
    return (BigInt(a >>> 0) << 32n) | BigInt(b >>> 0);
  }
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** The hash of one node: path, data (null differs from empty), every stat field and the ACL. */
export function nodeDigest(path: string, node: ZNode): bigint {
  const h = new Hasher();
  h.string(path);
  h.bytes(node.latin1Data);
  h.long(node.czxid);
  h.long(node.mzxid);
  h.long(BigInt(node.ctimeMs));
  h.long(BigInt(node.mtimeMs));
  h.int(node.version);
  h.int(node.childCreates);
  h.int(node.aversion);
  h.long(node.ephemeralOwner);
  h.long(node.pzxid);
  h.int(node.numChildren);
  h.int(node.acl.length);
  for (const entry of node.acl) {
    h.int(entry.perms);
    h.string(entry.id.scheme);
    h.string(entry.id.id);
  }
  return h.finish();
}

/** Sum of node digests mod 2^64 as 16 hex digits: independent of iteration order. */
export function treeDigest(nodes: Iterable<[string, ZNode]>): string {
  let sum = 0n;
  for (const [path, node] of nodes) sum = (sum + nodeDigest(path, node)) & mask64;
  return sum.toString(16).padStart(16, '0');
}
