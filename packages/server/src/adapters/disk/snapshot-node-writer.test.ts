import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Acl } from '@zoo/client/protocol';
import { SnapshotNodeReader } from '../../core/tree/snapshot-node-reader.js';
import {
  zNodeOfSnapshot,
  type SnapshotNode,
  type SnapshotNodeView,
} from '../../core/tree/tree-snapshot.js';
import { storedOf } from '../../core/tree/z-node.js';
import { AclTable, NodeBuffer, NodeWriter, nodeBytesMax } from './snapshot-node-writer.js';

// The encoder snapshots were written with before NodeWriter (Buffer's checked writers, one
// SnapshotNode per node): the reference NodeWriter must match byte for byte, since recovery and
// the simulator read what either wrote.
const referenceFixedBytes = 4 + 4 + 4 + 3 * 8 + 2 * 8 + 3 * 4 + 8;

function referenceWrite(node: SnapshotNode, acls: ReferenceAcls, target: Buffer, offset: number) {
  const pathLength = target.write(node.path, offset + 4, 'utf8');
  target.writeUInt32BE(pathLength, offset);
  let at = offset + 4 + pathLength;
  const data = node.data;
  at = target.writeInt32BE(data === null ? -1 : data.length, at);
  if (data !== null) at += data.copy(target, at);
  at = target.writeUInt32BE(acls.indexFor(node.acl), at);
  at = target.writeBigInt64BE(node.czxid, at);
  at = target.writeBigInt64BE(node.mzxid, at);
  at = target.writeBigInt64BE(node.pzxid, at);
  at = target.writeDoubleBE(node.ctime, at);
  at = target.writeDoubleBE(node.mtime, at);
  at = target.writeInt32BE(node.version, at);
  at = target.writeInt32BE(node.childCreates, at);
  at = target.writeInt32BE(node.aversion, at);
  return target.writeBigInt64BE(node.ephemeralOwner, at);
}

class ReferenceAcls {
  readonly lists: (readonly Acl[])[] = [];
  indexFor(acl: readonly Acl[]): number {
    const index = this.lists.indexOf(acl);
    return index >= 0 ? index : this.lists.push(acl) - 1;
  }
}

/** The bytes as hex (a quick compare, where toEqual walks a Buffer by element) and the ACLs. */
interface Encoded {
  hex: string;
  acls: Acl[][];
}

function referenceEncode(nodes: readonly SnapshotNode[]): Encoded {
  const acls = new ReferenceAcls();
  let size = 0;
  for (const node of nodes) size += referenceFixedBytes + 3 * node.path.length + dataLength(node);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const node of nodes) at = referenceWrite(node, acls, out, at);
  return { hex: out.toString('hex', 0, at), acls: acls.lists.map((list) => [...list]) };
}

const dataLength = (node: SnapshotNode): number => node.data?.length ?? 0;

/** NodeWriter over `views`, into a buffer a little too small, so that it must grow. */
function encode<T>(nodes: readonly T[], view: (node: T) => SnapshotNodeView): Encoded {
  const acls = new AclTable();
  const writer = new NodeWriter(acls);
  const target = new NodeBuffer(16);
  let at = 0;
  for (const node of nodes) {
    const read = view(node);
    target.ensure(at + nodeBytesMax(read), at);
    at = writer.write(read, target, at);
  }
  return { hex: target.bytes.toString('hex', 0, at), acls: acls.lists.map((list) => [...list]) };
}

const aclLists: readonly (readonly Acl[])[] = [
  [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
  [{ perms: 1, id: { scheme: 'digest', id: 'bob:abc=' } }],
  [],
];
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
/** A time as a tree keeps it: any safe integer, so that a live node holds it exactly. */
const time = fc.maxSafeInteger();

const nodeArb: fc.Arbitrary<SnapshotNode> = fc
  .record({
    name: fc.string({ unit: 'binary', maxLength: 30 }),
    data: fc.option(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 1000, maxLength: 1100 }),
      ),
    ),
    acl: fc.constantFrom(...aclLists),
    czxid: int64,
    // Often the czxid itself, as most nodes have, or the mzxid, else any.
    mzxid: fc.option(int64),
    pzxid: fc.oneof(fc.constantFrom('czxid', 'mzxid'), int64),
    ctime: time,
    mtime: time,
    version: int32,
    childCreates: int32,
    aversion: int32,
    ephemeralOwner: fc.oneof(fc.constant(0n), int64),
  })
  .map(({ name, data, mzxid, pzxid, ...fields }) => {
    const m = mzxid ?? fields.czxid;
    const p = pzxid === 'czxid' ? fields.czxid : pzxid === 'mzxid' ? m : pzxid;
    return { ...fields, path: `/${name}`, data: data && Buffer.from(data), mzxid: m, pzxid: p };
  });

describe('snapshot node writer: the bytes the reference encoder wrote', () => {
  test('from SnapshotNodes and from live nodes alike, byte for byte', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { maxLength: 20 }), (nodes) => {
        const expected = referenceEncode(nodes);
        const reader = new SnapshotNodeReader();
        expect(encode(nodes, (node) => reader.read(node))).toEqual(expected);
        const live = nodes.map((node) => zNodeOfSnapshot(node, storedOf(node.data), node.acl));
        expect(encode(live, (node) => node)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
