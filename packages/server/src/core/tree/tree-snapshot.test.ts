import { AssertionError, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '@zoo/client/protocol';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sessions, stepArb, Workload } from '../testing/tree-workload.js';
import type { Txn } from './txn.js';
import { DataTree } from './data-tree.js';
import { ephemeralKindOf } from './ephemeral-type.js';
import { describeSnapshot, type SnapshotNode } from './tree-snapshot.js';

/** Everything a client or the 4lw can read from a tree, in a comparable form. */
function observe(tree: DataTree) {
  const paths = tree.snapshot().nodes.map((n) => n.path);
  const nodes = paths.map((path) => {
    const node = tree.getNode(path);
    if (node === undefined) throw new Error(`no ${path}`);
    return {
      path,
      stat: tree.statOf(node),
      data: node.data,
      acl: node.acl,
      children: tree.childrenOf(node),
    };
  });
  return {
    digest: tree.digest(),
    lastZxid: tree.lastZxid,
    nodes,
    ephemerals: sessions.map((s) => [...tree.ephemeralsOf(s)].sort()),
    ephemeralCount: tree.ephemeralCount,
    nodeCount: tree.nodeCount,
    dataSize: tree.approximateDataSize(),
    descendants: [
      tree.countDescendants('/'),
      tree.countDescendants(''),
      tree.countDescendants('/a'),
    ],
    reapable: tree.findReapable(1_000_000, { maxNeverUsedIntervalMs: 25 }),
  };
}

// ZooKeeper: DataTree.serialize/deserialize — a learner that loads a SNAP holds the leader's tree.
describe('tree snapshot: snapshot then fromSnapshot', () => {
  test('gives a tree with the same digest, reads, indexes and later behaviour', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 50 }),
        fc.array(stepArb, { maxLength: 20 }),
        (before, after) => {
          const original = new Workload(new DataTree());
          before.forEach((step, i) => original.run(step, i));
          const snapshot = original.tree.snapshot();
          const restored = DataTree.fromSnapshot(snapshot);
          expect(observe(restored)).toEqual(observe(original.tree));
          expect(restored.snapshot()).toEqual(snapshot);
          // Both trees go on applying the same txns: the restored one must answer identically.
          for (const [i, step] of after.entries()) {
            const expected = original.run(step, before.length + i);
            if (expected === null) continue;
            const { txn, ...applied } = expected;
            expect(restored.apply(txn)).toEqual(applied);
            restored.invariants();
          }
          expect(observe(restored)).toEqual(observe(original.tree));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the workloads reach ephemerals, containers, TTL nodes and sequential children', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 50 }), (steps) => {
        const w = new Workload(new DataTree());
        steps.forEach((step, i) => w.run(step, i));
        for (const node of w.tree.snapshot().nodes) {
          const kind = ephemeralKindOf(node.ephemeralOwner);
          if (kind !== 'persistent') seen.add(kind);
          if (/\d{10}$/.test(node.path)) seen.add('sequential');
          if (node.childCreates > 1) seen.add('childCreates');
        }
      }),
      { numRuns: 50, seed: 7 },
    );
    expect([...seen].sort()).toEqual([
      'childCreates',
      'container',
      'ephemeral',
      'sequential',
      'ttl',
    ]);
  });
});

function txnAt(zxid: bigint, body: Txn['body'], sessionId = 0n): Txn {
  return { zxid, timeMs: Number(zxid) * 1000, sessionId, cxid: 0, body };
}

function create(zxid: bigint, path: string, parentCVersion: number, owner = 0n): Txn {
  const acl = [...OPEN_ACL_UNSAFE];
  const body = {
    type: 'create',
    path,
    data: Buffer.from(path),
    acl,
    ephemeralOwner: owner,
    parentCVersion,
  } as const;
  return txnAt(zxid, body);
}

function nodeOf(nodes: readonly SnapshotNode[], path: string): SnapshotNode {
  const node = nodes.find((n) => n.path === path);
  if (node === undefined) throw new Error(`no ${path}`);
  return node;
}

describe('tree snapshot: shape', () => {
  test('a fresh tree lists the four system nodes, root first, with their quirks', () => {
    const snapshot = new DataTree().snapshot();
    expect(snapshot.zxid).toBe(0n);
    expect(snapshot.nodes.map((n) => n.path)).toEqual([
      '/',
      '/zookeeper',
      '/zookeeper/quota',
      '/zookeeper/config',
    ]);
    const restored = DataTree.fromSnapshot(snapshot);
    const stat = (path: string) => restored.statOf(restored.getNode(path) ?? expect.fail(path));
    expect(stat('/').cversion).toBe(-1);
    expect(stat('/zookeeper').cversion).toBe(-2);
    expect(stat('/zookeeper/config').aversion).toBe(-1);
    expect(restored.getNode('/zookeeper/config')?.acl).toEqual(READ_ACL_UNSAFE);
    expect(restored.digest()).toBe(new DataTree().digest());
  });

  test('parents come before children, and children keep their insertion order', () => {
    const tree = new DataTree();
    tree.apply(create(1n, '/z', 1));
    tree.apply(create(2n, '/a', 2));
    tree.apply(create(3n, '/z/2', 1));
    tree.apply(create(4n, '/z/1', 2));
    const paths = tree.snapshot().nodes.map((n) => n.path);
    expect(paths).toEqual([
      '/',
      '/zookeeper',
      '/zookeeper/quota',
      '/zookeeper/config',
      '/z',
      '/z/2',
      '/z/1',
      '/a',
    ]);
    const restored = DataTree.fromSnapshot(tree.snapshot());
    expect(restored.childrenOf(restored.getNode('/z') ?? expect.fail())).toEqual(['2', '1']);
    expect(restored.childrenOf(restored.getNode('/') ?? expect.fail())).toEqual([
      'zookeeper',
      'z',
      'a',
    ]);
  });

  test('keeps childCreates apart from numChildren, so cversion survives deletes', () => {
    const tree = new DataTree();
    tree.apply(create(1n, '/p', 1));
    tree.apply(create(2n, '/p/a', 1));
    tree.apply(create(3n, '/p/b', 2));
    tree.apply(txnAt(4n, { type: 'delete', path: '/p/a' }));
    expect(nodeOf(tree.snapshot().nodes, '/p')).toMatchObject({
      childCreates: 2,
      pzxid: 4n,
      czxid: 1n,
    });
    const restored = DataTree.fromSnapshot(tree.snapshot());
    const stat = restored.statOf(restored.getNode('/p') ?? expect.fail());
    expect(stat.cversion).toBe(3);
    expect(stat.numChildren).toBe(1);
  });

  test('rebuilds the ephemeral index, which a later closeSession relies on', () => {
    const tree = new DataTree();
    tree.apply(create(1n, '/e', 1, 0x42n));
    tree.apply(create(2n, '/f', 2, 0x42n));
    const restored = DataTree.fromSnapshot(tree.snapshot());
    expect([...restored.ephemeralsOf(0x42n)]).toEqual(['/e', '/f']);
    restored.apply(txnAt(3n, { type: 'closeSession', ephemeralPaths: ['/e'] }, 0x42n));
    expect(restored.getNode('/f')).toBeUndefined();
  });

  test('the snapshot is untouched by later writes and the restored tree owns its data', () => {
    const tree = new DataTree();
    tree.apply(create(1n, '/d', 1));
    const snapshot = tree.snapshot();
    tree.apply(txnAt(2n, { type: 'setData', path: '/d', data: Buffer.from('new'), version: 1 }));
    expect(nodeOf(snapshot.nodes, '/d').data).toEqual(Buffer.from('/d'));
    const restored = DataTree.fromSnapshot(snapshot);
    snapshot.nodes.at(-1)?.data?.fill(0);
    expect(restored.getNode('/d')?.data).toEqual(Buffer.from('/d'));
    expect(restored.lastZxid).toBe(1n);
  });

  test('describes itself in one line', () => {
    const s = {
      ...new DataTree().snapshot(),
      zxid: 0x100000002n,
      sessions: [{ sessionId: 1n, timeoutMs: 5 }],
    };
    expect(describeSnapshot(s)).toBe('snapshot 0x100000002 nodes=4 sessions=1');
  });
});

describe('tree snapshot: fromSnapshot rejects a malformed list (a bug, not bad input)', () => {
  const good = (): SnapshotNode[] => {
    const tree = new DataTree();
    tree.apply(create(1n, '/p', 1));
    tree.apply(create(2n, '/p/c', 1));
    return tree.snapshot().nodes;
  };
  const cases: [string, (nodes: SnapshotNode[]) => SnapshotNode[]][] = [
    ['a child before its parent', (n) => [...n.slice(0, 4), ...n.slice(5), ...n.slice(4, 5)]],
    ['no root first', (n) => n.slice(1)],
    ['a node listed twice', (n) => [...n, ...n.slice(-1)]],
    ['an invalid path', (n) => [...n, { ...(n.at(-1) ?? expect.fail()), path: '/p/c/' }]],
    ['a zxid above the snapshot', (n) => n.map((x) => (x.path === '/p' ? { ...x, mzxid: 9n } : x))],
    [
      'a version outside int32',
      (n) => n.map((x) => (x.path === '/p' ? { ...x, version: 2 ** 31 } : x)),
    ],
    [
      'a child under an ephemeral',
      (n) => n.map((x) => (x.path === '/p' ? { ...x, ephemeralOwner: 5n } : x)),
    ],
  ];
  test.each(cases)('%s', (_name, mutate) => {
    expect(() => DataTree.fromSnapshot({ zxid: 2n, nodes: mutate(good()) })).toThrow(
      AssertionError,
    );
  });

  test('the unmutated list restores fine', () => {
    expect(DataTree.fromSnapshot({ zxid: 2n, nodes: good() }).lastZxid).toBe(2n);
  });
});
