import { describe, expect, test } from 'vitest';
import type { Acl } from '@zoo/client/protocol';
import type { SnapshotNode, TreeSnapshot } from '../../core/tree/tree-snapshot.js';
import { CorruptDataDirError } from './disk-errors.js';
import { frameAt, sealFrame } from './record-frame.js';
import { AssertionError } from '@zoo/client/protocol';
import { DataTree } from '../../core/tree/data-tree.js';
import {
  decodeSnapshot,
  decodeSnapshotLazily,
  encodeSnapshot,
  snapshotName,
} from './snapshot-file.js';

const world: readonly Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const digest: readonly Acl[] = [
  { perms: 1, id: { scheme: 'digest', id: 'bob:abc=' } },
  { perms: 30, id: { scheme: 'ip', id: '10.0.0.0/8' } },
];

function node(path: string, i: number, overrides: Partial<SnapshotNode> = {}): SnapshotNode {
  return {
    path,
    data: i % 3 === 0 ? null : Buffer.from(`data ${i} ✓`),
    acl: i % 2 === 0 ? world : digest,
    czxid: BigInt(i),
    mzxid: BigInt(i) + 1n,
    pzxid: BigInt(i) + 2n,
    ctime: 1_700_000_000_000 + i,
    mtime: 1_700_000_000_500 + i,
    version: i,
    childCreates: i % 7,
    aversion: -1 - i,
    ephemeralOwner: 0n,
    ...overrides,
  };
}

/** A root, 10,000 children (several chunks) with non-ASCII names, and an ephemeral leaf. */
function bigSnapshot(): TreeSnapshot {
  const nodes = [node('/', 0, { data: null })];
  for (let i = 1; i <= 10_000; i++) nodes.push(node(`/n${i}-ü中`, i));
  nodes.push(node('/n1-ü中/e', 3, { ephemeralOwner: 0x100000000000005n }));
  return { zxid: 20_000n, nodes, sessions: [{ sessionId: 0x100000000000005n, timeoutMs: 4000 }] };
}

describe('snapshot files', () => {
  test('a tree of several chunks round-trips exactly, sharing one array per ACL list', () => {
    const snapshot = bigSnapshot();
    const file = snapshotName(snapshot.zxid);
    const decoded = decodeSnapshot(encodeSnapshot({ snapshot, fromSeq: 3 }), file);
    expect(decoded.fromSeq).toBe(3);
    expect(decoded.snapshot).toEqual(snapshot);
    const acls = new Set(decoded.snapshot.nodes.map((n) => n.acl));
    expect(acls.size).toBe(2);
  });

  test('nodes the tree could not load are refused: order, zxids, owners', () => {
    const snapshot = bigSnapshot();
    const file = snapshotName(snapshot.zxid);
    const [root, first, second] = snapshot.nodes;
    if (root === undefined || first === undefined || second === undefined) throw new Error();
    const bad: [string, SnapshotNode[], RegExp][] = [
      ['child first', [first, root], /root must be first/],
      ['orphan', [root, node('/x/y', 1)], /comes before its parent/],
      ['twice', [root, first, first], /listed twice/],
      ['future zxid', [root, node('/a', 1, { mzxid: 30_000n })], /zxid above/],
      ['fractional time', [root, node('/a', 1, { ctime: 1.5 })], /not an integer/],
      ['bad path', [root, node('/a/', 1)], /path/],
      [
        'under an ephemeral',
        [root, { ...second, ephemeralOwner: 5n }, node(`${second.path}/c`, 2)],
        /under an ephemeral/,
      ],
    ];
    for (const [what, nodes, message] of bad) {
      const bytes = encodeSnapshot({ snapshot: { ...snapshot, nodes }, fromSeq: 0 });
      expect(() => decodeSnapshot(bytes, file), what).toThrow(CorruptDataDirError);
      expect(() => decodeSnapshot(bytes, file), what).toThrow(message);
    }
  });

  test('read lazily, as recovery reads it, the nodes restore the same tree', () => {
    const snapshot = bigSnapshot();
    const file = snapshotName(snapshot.zxid);
    const lazy = decodeSnapshotLazily(encodeSnapshot({ snapshot, fromSeq: 3 }), file);
    expect([...lazy.snapshot.nodes]).toEqual(snapshot.nodes);
    // Each pass decodes afresh, so a second reader sees every node too.
    expect(DataTree.fromSnapshot(lazy.snapshot).digest()).toBe(
      DataTree.fromSnapshot(snapshot).digest(),
    );
  });

  test('read the way recovery reads it (stored data), wide values come back exactly', () => {
    const wide = [
      node('/', 0, { data: null }),
      node('/big', 1, { data: Buffer.alloc(5000, 0xe9) }),
      node('/edge', 2, { data: Buffer.alloc(1024, 0xff) }),
      node('/empty', 3, { data: Buffer.alloc(0), ephemeralOwner: -(2n ** 63n) }),
      node('/late', 4, {
        czxid: 0x7fff_fff0_0000_0001n,
        mzxid: 0x0020_0000_0000_0000n,
        pzxid: 0x001f_ffff_ffff_ffffn,
        ephemeralOwner: 0x7f00_0000_0000_0001n,
      }),
    ];
    const snapshot = { zxid: 0x7fff_ffff_0000_0000n, nodes: wide, sessions: [] };
    const file = snapshotName(snapshot.zxid);
    const lazy = decodeSnapshotLazily(encodeSnapshot({ snapshot, fromSeq: 1 }), file);
    const seen: SnapshotNode[] = [];
    lazy.snapshot.forEachStoredNode?.(({ stored, ...fields }) => {
      const data = typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored;
      seen.push({ ...fields, data: data === null ? null : Buffer.from(data) });
    });
    expect(seen).toEqual(wide);
    const tree = DataTree.fromSnapshot(lazy.snapshot);
    expect(tree.digest()).toBe(DataTree.fromSnapshot(snapshot).digest());
    expect(tree.getNode('/big')?.data).toEqual(Buffer.alloc(5000, 0xe9));
  });

  test('read the way recovery reads it, a chunk that checks but does not parse is refused', () => {
    const snapshot = bigSnapshot();
    const file = snapshotName(snapshot.zxid);
    const bytes = encodeSnapshot({ snapshot, fromSeq: 0 });
    const chunkAt = frameAt(bytes, 8);
    if (chunkAt.type !== 'record') throw new Error('no head frame');
    // The first chunk claims one node more than it holds; its frame is sealed again to match.
    const payloadAt = chunkAt.nextOffset + 8;
    bytes.writeUInt32BE(bytes.readUInt32BE(payloadAt) + 1, payloadAt);
    const length = bytes.readUInt32BE(chunkAt.nextOffset);
    sealFrame(bytes, chunkAt.nextOffset, length);
    const lazy = decodeSnapshotLazily(bytes, file);
    expect(() => DataTree.fromSnapshot(lazy.snapshot)).toThrow(CorruptDataDirError);
    expect(() => DataTree.fromSnapshot(lazy.snapshot)).toThrow(/unreadable snapshot/);
  });

  test('read lazily, a node list the tree could not load fails its restore, named', () => {
    const snapshot = bigSnapshot();
    const file = snapshotName(snapshot.zxid);
    const [root, first] = snapshot.nodes;
    if (root === undefined || first === undefined) throw new Error();
    const bad: [SnapshotNode[], RegExp][] = [
      [[first, root], /root must come first/],
      [[root, node('/x/y', 1)], /comes before its parent/],
      [[root, first, first], /listed twice/],
      [[root, node('/a', 1, { mzxid: 30_000n })], /zxid above/],
    ];
    for (const [nodes, message] of bad) {
      const bytes = encodeSnapshot({ snapshot: { ...snapshot, nodes }, fromSeq: 0 });
      const lazy = decodeSnapshotLazily(bytes, file);
      expect(() => DataTree.fromSnapshot(lazy.snapshot)).toThrow(AssertionError);
      expect(() => DataTree.fromSnapshot(lazy.snapshot)).toThrow(message);
    }
  });

  test('read lazily, a checksum failure is still found before any node is read', () => {
    const snapshot = bigSnapshot();
    const file = snapshotName(snapshot.zxid);
    const bytes = encodeSnapshot({ snapshot, fromSeq: 0 });
    const at = bytes.length - 100;
    bytes[at] = (bytes[at] ?? 0) ^ 1;
    expect(() => decodeSnapshotLazily(bytes, file)).toThrow(CorruptDataDirError);
  });

  test('a ZOOSNAP3 file (tables right after the head) is still read', () => {
    const snapshot = bigSnapshot();
    const file = snapshotName(snapshot.zxid);
    const v4 = encodeSnapshot({ snapshot, fromSeq: 3 });
    const frames: Buffer[] = [];
    for (let offset = 8; offset < v4.length;) {
      const frame = frameAt(v4, offset);
      if (frame.type !== 'record') throw new Error('an unreadable frame in a fresh file');
      frames.push(v4.subarray(offset, frame.nextOffset));
      offset = frame.nextOffset;
    }
    const [head, ...rest] = frames;
    const tables = rest.pop();
    if (head === undefined || tables === undefined) throw new Error('no head or tables');
    const v3 = Buffer.concat([Buffer.from('ZOOSNAP3', 'latin1'), head, tables, ...rest]);
    expect(decodeSnapshot(v3, file)).toEqual({ snapshot, fromSeq: 3 });
  });
});
