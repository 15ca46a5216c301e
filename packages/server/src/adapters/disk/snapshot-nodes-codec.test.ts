import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Acl } from '@zoo/client/protocol';
import { DataTree } from '../../core/tree/data-tree.js';
import type { SnapshotNode } from '../../core/tree/tree-snapshot.js';
import { nodeDiskFs } from './disk-fs.js';
import { FileWindow } from './file-window.js';
import { encodeSnapshot, readSnapshot, snapshotName } from './snapshot-file.js';
import { restoreSnapshotFile } from './snapshot-file-stream.js';
import { useTempDir } from './testing/disk-fixtures.js';

const temp = useTempDir();
const world: readonly Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function nodeOf(path: string, data: Buffer | null): SnapshotNode {
  const stat = { ctime: 1, mtime: 2, version: 0, childCreates: 0, aversion: 0, ephemeralOwner: 0n };
  return { ...stat, path, data, acl: world, czxid: 1n, mzxid: 1n, pzxid: 1n };
}

describe('node data decoded from a chunk', () => {
  test('a repeat shares the string of the node before; near repeats keep their own', async () => {
    const same = Buffer.alloc(100, 7);
    // Same length and the same first and last bytes as `same`: only the middle tells them apart.
    const middle = Buffer.from(same);
    middle[50] = 8;
    const big = Buffer.alloc(2000, 3);
    const empty = Buffer.alloc(0);
    const datas = [same, same, middle, same, empty, empty, null, big, big, same, null, same];
    const root = { ...nodeOf('/', null), pzxid: 10n };
    const nodes = [root, ...datas.map((data, i) => nodeOf(`/n${i}`, data))];
    const bytes = encodeSnapshot({ snapshot: { zxid: 10n, nodes, sessions: [] }, fromSeq: 0 });
    writeFileSync(join(temp.dir, snapshotName(10n)), bytes);
    const read = await readSnapshot(nodeDiskFs, temp.dir, 10n);
    expect(read.snapshot.nodes.map((node) => node.data)).toEqual(nodes.map((node) => node.data));
    const window = new FileWindow(nodeDiskFs);
    const restored = await restoreSnapshotFile(
      { disk: nodeDiskFs, window, dataDir: temp.dir },
      10n,
    );
    const tree = DataTree.fromSnapshot(restored.snapshot);
    for (const node of nodes) expect(tree.getNode(node.path)?.data).toEqual(node.data);
  });
});
