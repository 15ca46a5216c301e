import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Acl } from '@zoo/client/protocol';
import {
  streamOfSnapshot,
  type SnapshotNode,
  type TreeSnapshot,
} from '../../core/tree/tree-snapshot.js';
import type { WriteRequest } from '../../core/prep/prep-context.js';
import { Workload } from '../../core/testing/tree-workload.js';
import { DataTree } from '../../core/tree/data-tree.js';
import { streamOfWalk } from '../../core/tree/snapshot-walk.js';
import { nodeDiskFs } from './disk-fs.js';
import { frameAt } from './record-frame.js';
import {
  encodeSnapshot,
  encodeSnapshotPieces,
  readSnapshot,
  snapshotName,
  writeSnapshot,
} from './snapshot-file.js';
import { useTempDir } from './testing/disk-fixtures.js';

const temp = useTempDir();
const world: readonly Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** A root and `count` children of `dataBytes` each, every node's data unlike the others'. */
function snapshotOf(count: number, dataBytes: number): TreeSnapshot {
  const stat = { ctime: 1, mtime: 2, version: 0, childCreates: 0, aversion: 0, ephemeralOwner: 0n };
  const root = { ...stat, path: '/', data: null, acl: world, czxid: 0n, mzxid: 0n, pzxid: 0n };
  const nodes: SnapshotNode[] = [root];
  for (let i = 1; i <= count; i++) {
    const zxid = BigInt(i);
    const data = Buffer.alloc(dataBytes, i % 251);
    data.writeUInt32BE(i, 0);
    const ids = { czxid: zxid, mzxid: zxid + 1n, pzxid: zxid + 2n };
    nodes.push({ ...stat, ...ids, path: `/n${i}-ü`, data, acl: world });
  }
  return { zxid: BigInt(count + 10), nodes, sessions: [] };
}

/** The payload lengths of a snapshot file's frames, the head first. */
function frameLengths(bytes: Buffer): number[] {
  const lengths: number[] = [];
  for (let offset = 8; offset < bytes.length;) {
    const frame = frameAt(bytes, offset);
    if (frame.type !== 'record') throw new Error(`no frame at ${offset}`);
    lengths.push(frame.payload.length);
    offset = frame.nextOffset;
  }
  return lengths;
}

async function writtenAndRead(snapshot: TreeSnapshot): Promise<Buffer> {
  const source = { snapshot: streamOfSnapshot(snapshot), fromSeq: 1 };
  await writeSnapshot(nodeDiskFs, temp.dir, source);
  const read = await readSnapshot(nodeDiskFs, temp.dir, snapshot.zxid);
  // Each chunk is encoded into the buffer the one before was written from: none is spoiled.
  // (Data compared as bytes: toEqual walks a Buffer element by element, slowly.)
  const withoutData = (s: TreeSnapshot) => s.nodes.map((node) => ({ ...node, data: null }));
  expect(withoutData(read.snapshot)).toEqual(withoutData(snapshot));
  read.snapshot.nodes.forEach((node, i) => {
    const data = snapshot.nodes[i]?.data ?? null;
    expect(node.data === null ? data === null : data?.equals(node.data)).toBe(true);
  });
  return readFileSync(join(temp.dir, snapshotName(snapshot.zxid)));
}

describe('snapshot chunks: one buffer, reused chunk after chunk', () => {
  test('small nodes: 1,024 to a chunk, and the file reads back exactly', async () => {
    const lengths = frameLengths(await writtenAndRead(snapshotOf(5000, 20)));
    // The head, 5 chunks of 1,024 or fewer of the 5,001 nodes, the tables.
    expect(lengths).toHaveLength(7);
  });

  test('large nodes: a chunk stops about one node past 256 KiB', async () => {
    const lengths = frameLengths(await writtenAndRead(snapshotOf(40, 100 * 1024)));
    const chunks = lengths.slice(1, -1);
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    for (const length of chunks) expect(length).toBeLessThan(256 * 1024 + 101 * 1024);
  });

  test('a node past the end of the buffer grows it, keeping the chunk written so far', async () => {
    const lengths = frameLengths(await writtenAndRead(snapshotOf(6, 200 * 1024)));
    // Two 200 KiB nodes a chunk (the root with the first two): the second of each does not fit
    // the 320 KiB the buffer starts with.
    const kib = lengths.slice(1, -1).map((length) => Math.round(length / 1024));
    expect(kib).toEqual([400, 400, 400]);
  });
});

describe('snapshot chunks from a walk, written while the tree changes', () => {
  test('the file holds the tree as it was when the walk began, byte for byte', () => {
    const tree = new DataTree();
    const workload = new Workload(tree);
    let i = 0;
    const write = (request: WriteRequest): void => {
      workload.run({ kind: 'write', request, session: 0 }, i++);
    };
    const data = (n: number) => Buffer.from(n % 5 === 0 ? 'x'.repeat(1500) : `data ${n} ü`);
    write(createOf('/p', null));
    for (let n = 0; n < 3000; n++) write(createOf(`/p/c${n}`, n % 7 === 0 ? null : data(n)));
    const expected = encodeSnapshot({ snapshot: { ...tree.snapshot(), sessions: [] }, fromSeq: 2 });
    const source = { snapshot: streamOfWalk(tree.beginSnapshotWalk(), []), fromSeq: 2 };
    const pieces: Buffer[] = [];
    let n = 0;
    for (const piece of encodeSnapshotPieces(source)) {
      pieces.push(Buffer.from(piece));
      // Between chunks: change, delete and add nodes not read yet (and some read already).
      for (const at of [2990 - n, 2500 - n, 10 + n]) {
        write({ type: 'setData', path: `/p/c${at}`, data: data(at + 1), version: -1 });
      }
      write({ type: 'delete', path: `/p/c${2900 - n}`, version: -1 });
      write(createOf(`/p/new${n}`, data(n)));
      n++;
    }
    expect(n).toBeGreaterThan(4);
    expect(Buffer.concat(pieces).equals(expected)).toBe(true);
  });
});

function createOf(path: string, data: Buffer | null): WriteRequest {
  return { type: 'create', variant: 'create2', path, data, acl: [...world], flags: 0, ttl: -1n };
}
