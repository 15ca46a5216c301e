import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import { DataTree } from '../../core/tree/data-tree.js';
import type { SnapshotNode, TreeSnapshot } from '../../core/tree/tree-snapshot.js';
import { CorruptDataDirError } from './disk-errors.js';
import { nodeDiskFs } from './disk-fs.js';
import { FileWindow } from './file-window.js';
import { frameAt } from './record-frame.js';
import { encodeSnapshot, snapshotName } from './snapshot-file.js';
import { restoreSnapshotFile } from './snapshot-file-stream.js';
import { useTempDir } from './testing/disk-fixtures.js';

const temp = useTempDir();

/** A root and 3,000 children: a dozen chunks, which a 4 KiB window reads many times over. */
function manyNodes(): TreeSnapshot {
  const leaf = (path: string, i: number): SnapshotNode => ({
    path,
    data: i === 0 ? null : Buffer.from('x'.repeat(i % 50)),
    acl: OPEN_ACL_UNSAFE,
    czxid: BigInt(i),
    mzxid: BigInt(i),
    pzxid: BigInt(i),
    ctime: 1_700_000_000_000 + i,
    mtime: 1_700_000_000_000 + i,
    version: i % 5,
    childCreates: 0,
    aversion: 0,
    ephemeralOwner: 0n,
  });
  const nodes = [leaf('/', 0)];
  for (let i = 1; i <= 3000; i++) nodes.push(leaf(`/n${i}`, i));
  nodes[0] = { ...leaf('/', 0), childCreates: 3000 };
  return { zxid: 5000n, nodes, sessions: [{ sessionId: 7n, timeoutMs: 4000 }] };
}

/** Writes `bytes` as the snapshot file and restores it through a small window. */
async function restoreFrom(bytes: Buffer, zxid: bigint) {
  writeFileSync(join(temp.dir, snapshotName(zxid)), bytes);
  const window = new FileWindow(nodeDiskFs, 4096);
  return restoreSnapshotFile({ disk: nodeDiskFs, window, dataDir: temp.dir }, zxid);
}

/** The offsets of a file's frames after the magic. */
function frameOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let offset = 8; offset < bytes.length;) {
    const frame = frameAt(bytes, offset);
    if (frame.type !== 'record') throw new Error('a bad frame in a fresh file');
    offsets.push(offset);
    offset = frame.nextOffset;
  }
  return offsets;
}

describe('a snapshot file restored as it is read', () => {
  test('gives the tree a restore of the whole file gives, and its sessions', async () => {
    const snapshot = manyNodes();
    const bytes = encodeSnapshot({ snapshot, fromSeq: 4 });
    expect(frameOffsets(bytes).length).toBeGreaterThan(4);
    const { snapshot: restored, fromSeq } = await restoreFrom(bytes, snapshot.zxid);
    expect(fromSeq).toBe(4);
    expect(restored.sessions).toEqual(snapshot.sessions);
    const tree = DataTree.fromSnapshot(restored);
    expect(tree).toBe(restored.restored);
    expect(tree.digest()).toBe(DataTree.fromSnapshot(snapshot).digest());
    expect([...restored.nodes]).toEqual(snapshot.nodes);
  });

  test('a flipped bit in a middle chunk is corruption, not a partial tree', async () => {
    const snapshot = manyNodes();
    const bytes = encodeSnapshot({ snapshot, fromSeq: 4 });
    const offsets = frameOffsets(bytes);
    const middle = offsets[Math.floor(offsets.length / 2)] ?? 0;
    bytes[middle + 100] = (bytes[middle + 100] ?? 0) ^ 4;
    await expect(restoreFrom(bytes, snapshot.zxid)).rejects.toThrow(/CRC32C/);
  });

  test('a file cut short, or with zeros after it, is corruption', async () => {
    const snapshot = manyNodes();
    const bytes = encodeSnapshot({ snapshot, fromSeq: 4 });
    const cut = restoreFrom(bytes.subarray(0, bytes.length - 5), snapshot.zxid);
    await expect(cut).rejects.toThrow(CorruptDataDirError);
    const padded = restoreFrom(Buffer.concat([bytes, Buffer.alloc(20)]), snapshot.zxid);
    await expect(padded).rejects.toThrow(/zeros before its end/);
    // The whole file, under another snapshot's name.
    await expect(restoreFrom(bytes, 4000n)).rejects.toThrow(/holds snapshot 0x1388/);
  });
});
