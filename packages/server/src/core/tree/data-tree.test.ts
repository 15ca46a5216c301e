import type { Acl } from '@zoo/client/protocol';
import { AssertionError, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import type { Txn, TxnBody } from './txn.js';
import { DataTree } from './data-tree.js';
import { containerEphemeralOwner, ttlEphemeralOwner } from './ephemeral-type.js';

const open = [...OPEN_ACL_UNSAFE];

function createBody(path: string, parentCVersion: number, data: Buffer | null = null): TxnBody {
  return { type: 'create', path, data, acl: open, ephemeralOwner: 0n, parentCVersion };
}

/** Applies bodies as consecutive txns (zxid 1, 2, …; time 1000 × zxid) to a tree. */
class Applier {
  readonly tree = new DataTree();
  zxid = 0n;

  apply(body: TxnBody, sessionId = 0n) {
    this.zxid += 1n;
    const timeMs = Number(this.zxid) * 1000;
    const txn: Txn = { zxid: this.zxid, timeMs, sessionId, cxid: 0, body };
    const applied = this.tree.apply(txn);
    this.tree.invariants();
    return applied;
  }

  create(path: string, options: { owner?: bigint; data?: Buffer | null; acl?: Acl[] } = {}) {
    const parent = this.tree.getNode(path.slice(0, path.lastIndexOf('/')) || '/');
    return this.apply({
      type: 'create',
      path,
      data: options.data === undefined ? Buffer.from('d') : options.data,
      acl: options.acl ?? open,
      ephemeralOwner: options.owner ?? 0n,
      parentCVersion: (parent?.childCreates ?? 0) + 1,
    });
  }

  stat(path: string) {
    const node = this.tree.getNode(path);
    if (node === undefined) throw new Error(`no ${path}`);
    return this.tree.statOf(node);
  }
}

// ZooKeeper: the DataTree constructor; wire sheet §6.4 (observed on 3.8.0).
describe('a fresh tree', () => {
  const tree = new DataTree();
  const stat = (path: string) => {
    const node = tree.getNode(path);
    if (node === undefined) throw new Error(`no ${path}`);
    return tree.statOf(node);
  };

  test('holds /, /zookeeper, /zookeeper/quota and /zookeeper/config', () => {
    expect(tree.childrenOf(tree.getNode('/') ?? expect.fail())).toEqual(['zookeeper']);
    expect(tree.childrenOf(tree.getNode('/zookeeper') ?? expect.fail()).sort()).toEqual([
      'config',
      'quota',
    ]);
    expect(tree.getNode('/zookeeper/quota')?.data).toEqual(Buffer.alloc(0));
  });

  test('root shows cversion −1 and /zookeeper −2, every other field zero', () => {
    expect(stat('/')).toEqual({
      czxid: 0n,
      mzxid: 0n,
      ctime: 0n,
      mtime: 0n,
      version: 0,
      cversion: -1,
      aversion: 0,
      ephemeralOwner: 0n,
      dataLength: 0,
      numChildren: 1,
      pzxid: 0n,
    });
    expect(stat('/zookeeper').cversion).toBe(-2);
    expect(stat('/zookeeper').numChildren).toBe(2);
    expect(stat('/zookeeper/quota').cversion).toBe(0);
  });

  test('/zookeeper/config is world-readable only, with aversion −1', () => {
    expect(tree.getNode('/zookeeper/config')?.acl).toEqual(READ_ACL_UNSAFE);
    expect(stat('/zookeeper/config').aversion).toBe(-1);
    expect(tree.getNode('/')?.acl).toEqual(OPEN_ACL_UNSAFE);
  });

  test('counts 5 nodes (the root alias included) and the empty path is the root', () => {
    expect(tree.nodeCount).toBe(5);
    expect(tree.getNode('')).toBe(tree.getNode('/'));
    expect(tree.ephemeralCount).toBe(0);
    expect(tree.lastZxid).toBe(0n);
  });

  test('approximate data size sums path lengths, the root alias counting as ""', () => {
    expect(tree.approximateDataSize()).toBe(1 + 10 + 16 + 17);
  });

  test('getAllChildrenNumber of / counts the 3 other nodes', () => {
    expect(tree.countDescendants('/')).toBe(3);
    expect(tree.countDescendants('/zookeeper')).toBe(2);
    expect(tree.countDescendants('')).toBe(4);
  });
});

// ZooKeeper: DataTree.createNode / deleteNode / setData / setACL; wire sheet §6.3.
describe('applying txns', () => {
  test('create sets czxid = mzxid = pzxid, times, version 0 and updates the parent', () => {
    const a = new Applier();
    a.create('/p');
    const { result, events } = a.create('/p/c', { data: Buffer.from('hello') });
    expect(result).toEqual({ type: 'create', path: '/p/c', stat: a.stat('/p/c') });
    expect(a.stat('/p/c')).toEqual({
      czxid: 2n,
      mzxid: 2n,
      ctime: 2000n,
      mtime: 2000n,
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: 0n,
      dataLength: 5,
      numChildren: 0,
      pzxid: 2n,
    });
    const parent = a.stat('/p');
    expect(parent).toMatchObject({ mzxid: 1n, mtime: 1000n, version: 0, cversion: 1, pzxid: 2n });
    expect(events.map((e) => [e.type, e.path])).toEqual([
      ['nodeCreated', '/p/c'],
      ['nodeChildrenChanged', '/p'],
    ]);
  });

  test('a root child reports nodeChildrenChanged on "/" guarded by the root ACL', () => {
    const a = new Applier();
    const readOnly = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];
    const { events } = a.create('/x', { acl: readOnly });
    expect(events[0]?.acl).toEqual(readOnly);
    expect(events[1]).toEqual({ type: 'nodeChildrenChanged', path: '/', acl: OPEN_ACL_UNSAFE });
  });

  test('delete bumps the parent pzxid and visible cversion but not childCreates or mtime', () => {
    const a = new Applier();
    a.create('/p');
    a.create('/p/c');
    const { result, events } = a.apply({ type: 'delete', path: '/p/c' });
    expect(result).toEqual({ type: 'delete' });
    expect(a.tree.getNode('/p/c')).toBeUndefined();
    expect(a.stat('/p')).toMatchObject({ cversion: 2, numChildren: 0, pzxid: 3n, mzxid: 1n });
    expect(a.tree.getNode('/p')?.childCreates).toBe(1);
    expect(events.map((e) => [e.type, e.path])).toEqual([
      ['nodeDeleted', '/p/c'],
      ['nodeChildrenChanged', '/p'],
    ]);
  });

  test('setData bumps version, mzxid and mtime, even with identical bytes', () => {
    const a = new Applier();
    a.create('/n', { data: Buffer.from('same') });
    const same = Buffer.from('same');
    const { result, events } = a.apply({ type: 'setData', path: '/n', data: same, version: 1 });
    expect(result).toEqual({ type: 'setData', stat: a.stat('/n') });
    expect(a.stat('/n')).toMatchObject({
      version: 1,
      mzxid: 2n,
      mtime: 2000n,
      czxid: 1n,
      ctime: 1000n,
    });
    expect(events).toEqual([{ type: 'nodeDataChanged', path: '/n', acl: OPEN_ACL_UNSAFE }]);
  });

  test('null data is stored as null and shows dataLength 0', () => {
    const a = new Applier();
    a.create('/n', { data: null });
    expect(a.tree.getNode('/n')?.data).toBeNull();
    expect(a.stat('/n').dataLength).toBe(0);
    a.apply({ type: 'setData', path: '/n', data: Buffer.alloc(0), version: 1 });
    expect(a.tree.getNode('/n')?.data).toEqual(Buffer.alloc(0));
  });

  test('stored data is a copy: later changes to the txn buffer do not leak in', () => {
    const a = new Applier();
    const data = Buffer.from('abc');
    a.create('/n', { data });
    data[0] = 0x7a;
    expect(a.tree.getNode('/n')?.data?.toString()).toBe('abc');
  });

  test('setACL changes only the ACL and aversion, and fires no event', () => {
    const a = new Applier();
    a.create('/n');
    const before = a.stat('/n');
    const acl = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];
    const { result, events } = a.apply({ type: 'setACL', path: '/n', acl, version: 1 });
    expect(events).toEqual([]);
    expect(result).toEqual({ type: 'setACL', stat: { ...before, aversion: 1 } });
    expect(a.tree.getNode('/n')?.acl).toEqual(acl);
  });

  test('nodes with equal ACLs share one interned array', () => {
    const a = new Applier();
    a.create('/a', { acl: [{ perms: 5, id: { scheme: 'digest', id: 'u:h' } }] });
    a.create('/b', { acl: [{ perms: 5, id: { scheme: 'digest', id: 'u:h' } }] });
    expect(a.tree.getNode('/a')?.acl).toBe(a.tree.getNode('/b')?.acl);
    expect(Object.isFrozen(a.tree.getNode('/a')?.acl)).toBe(true);
  });

  test('a multi applies every op with one zxid and reports each result', () => {
    const a = new Applier();
    a.create('/m');
    const { result, events } = a.apply({
      type: 'multi',
      ops: [
        createBody('/m/1', 1),
        createBody('/m/2', 2),
        { type: 'setData', path: '/m', data: Buffer.from('z'), version: 1 },
        { type: 'check', path: '/m', version: 2 },
      ],
    });
    expect(result.type).toBe('multi');
    expect(a.stat('/m')).toMatchObject({ cversion: 2, pzxid: 2n, mzxid: 2n, version: 1 });
    expect(a.stat('/m/1').czxid).toBe(2n);
    expect(events).toHaveLength(5);
  });

  test('error txns change nothing but advance lastZxid', () => {
    const a = new Applier();
    const before = a.tree.digest();
    expect(a.apply({ type: 'error', err: -101 }).result).toEqual({ type: 'error', err: -101 });
    expect(a.apply({ type: 'multiError', errs: [0, -103, -2] }).result).toEqual({
      type: 'multiError',
      errs: [0, -103, -2],
    });
    expect(a.apply({ type: 'createSession', timeoutMs: 4000 }, 5n).result).toEqual({
      type: 'session',
    });
    expect(a.tree.digest()).toBe(before);
    expect(a.tree.lastZxid).toBe(3n);
  });

  test('txns must arrive in increasing zxid order', () => {
    const tree = new DataTree();
    const body = { type: 'error', err: -1 } as const;
    const txn: Txn = { zxid: 5n, timeMs: 0, sessionId: 0n, cxid: 0, body };
    tree.apply(txn);
    expect(() => tree.apply(txn)).toThrow(AssertionError);
  });

  test('a create whose parent is missing is a bug, not an error code', () => {
    const a = new Applier();
    expect(() => a.create('/no/such')).toThrow(AssertionError);
  });
});

describe('ephemerals, containers and TTL nodes', () => {
  test('ephemerals are listed per session until deleted; containers and TTL nodes are not', () => {
    const a = new Applier();
    a.create('/e1', { owner: 0x42n });
    a.create('/e2', { owner: 0x42n });
    a.create('/c', { owner: containerEphemeralOwner });
    a.create('/t', { owner: ttlEphemeralOwner(5000n) });
    expect([...a.tree.ephemeralsOf(0x42n)]).toEqual(['/e1', '/e2']);
    expect(a.tree.ephemeralCount).toBe(2);
    expect(a.stat('/e1').ephemeralOwner).toBe(0x42n);
    expect(a.stat('/c').ephemeralOwner).toBe(0n);
    expect(a.stat('/t').ephemeralOwner).toBe(0n);
    a.apply({ type: 'delete', path: '/e1' });
    expect([...a.tree.ephemeralsOf(0x42n)]).toEqual(['/e2']);
  });

  test('a session keeps its (empty) entry until it closes, as ZooKeeper dump shows', () => {
    const a = new Applier();
    a.create('/e', { owner: 0x42n });
    a.apply({ type: 'delete', path: '/e' });
    expect(a.tree.sessionsWithEphemerals().has(0x42n)).toBe(true);
    a.apply({ type: 'closeSession', ephemeralPaths: [] }, 0x42n);
    expect(a.tree.sessionsWithEphemerals().has(0x42n)).toBe(false);
  });

  test('closeSession deletes the listed paths with one zxid and skips ones already gone', () => {
    const a = new Applier();
    a.create('/p');
    a.create('/p/e1', { owner: 0x42n });
    a.create('/e2', { owner: 0x42n });
    const { result, events } = a.apply(
      { type: 'closeSession', ephemeralPaths: ['/e2', '/gone', '/p/e1'] },
      0x42n,
    );
    expect(result).toEqual({ type: 'session' });
    expect(a.tree.getNode('/e2')).toBeUndefined();
    expect(a.tree.getNode('/p/e1')).toBeUndefined();
    expect(a.stat('/p').pzxid).toBe(4n);
    const deleted = events.filter((e) => e.type === 'nodeDeleted').map((e) => e.path);
    expect(deleted).toEqual(['/e2', '/p/e1']);
    expect(a.tree.ephemeralCount).toBe(0);
  });
});

// ZooKeeper: ContainerManager.getCandidates.
describe('findReapable', () => {
  const none = { maxNeverUsedIntervalMs: 0 };

  test('an empty container is reapable only once it has had a child', () => {
    const a = new Applier();
    a.create('/c', { owner: containerEphemeralOwner });
    expect(a.tree.findReapable(1e9, none)).toEqual([]);
    a.create('/c/x');
    expect(a.tree.findReapable(1e9, none)).toEqual([]);
    a.apply({ type: 'delete', path: '/c/x' });
    expect(a.tree.findReapable(1e9, none)).toEqual(['/c']);
  });

  test('a never-used container goes once older than maxNeverUsedIntervalMs, if set', () => {
    const a = new Applier();
    a.create('/c', { owner: containerEphemeralOwner });
    expect(a.tree.findReapable(1000 + 500, { maxNeverUsedIntervalMs: 500 })).toEqual([]);
    expect(a.tree.findReapable(1000 + 501, { maxNeverUsedIntervalMs: 500 })).toEqual(['/c']);
  });

  test('a TTL node goes once childless and now − mtime > ttl', () => {
    const a = new Applier();
    a.create('/t', { owner: ttlEphemeralOwner(100n) });
    expect(a.tree.findReapable(1100, none)).toEqual([]);
    expect(a.tree.findReapable(1101, none)).toEqual(['/t']);
    a.create('/t/child');
    expect(a.tree.findReapable(1e9, none)).toEqual([]);
    a.apply({ type: 'delete', path: '/t/child' });
    a.apply({ type: 'setData', path: '/t', data: null, version: 1 });
    expect(a.tree.findReapable(4100, none)).toEqual([]);
    expect(a.tree.findReapable(4101, none)).toEqual(['/t']);
  });

  test('candidates come sorted by path', () => {
    const a = new Applier();
    a.create('/z', { owner: ttlEphemeralOwner(1n) });
    a.create('/b', { owner: ttlEphemeralOwner(1n) });
    a.create('/a', { owner: ttlEphemeralOwner(1n) });
    expect(a.tree.findReapable(1e9, none)).toEqual(['/a', '/b', '/z']);
  });
});

describe('digest and counts', () => {
  test('two trees built in different orders have the same digest', () => {
    const x = new Applier();
    const y = new Applier();
    x.create('/a');
    x.create('/b');
    y.create('/b');
    y.create('/a');
    // Different zxids per node differ; the same nodes made in one multi in either order do not.
    expect(x.tree.digest()).not.toBe(y.tree.digest());
    const z = new Applier();
    z.apply({
      type: 'multi',
      ops: [createBody('/a', 1, Buffer.from('d')), createBody('/b', 2, Buffer.from('d'))],
    });
    const w = new Applier();
    w.apply({
      type: 'multi',
      ops: [createBody('/b', 1, Buffer.from('d')), createBody('/a', 2, Buffer.from('d'))],
    });
    expect(z.tree.digest()).toBe(w.tree.digest());
  });

  test('the digest changes with data, null-vs-empty, ACL and version', () => {
    const a = new Applier();
    a.create('/n', { data: null });
    const seen = new Set([a.tree.digest()]);
    a.apply({ type: 'setData', path: '/n', data: Buffer.alloc(0), version: 0 });
    seen.add(a.tree.digest());
    a.apply({ type: 'setACL', path: '/n', acl: [...READ_ACL_UNSAFE], version: 0 });
    seen.add(a.tree.digest());
    a.apply({ type: 'setData', path: '/n', data: Buffer.alloc(0), version: 1 });
    seen.add(a.tree.digest());
    expect(seen.size).toBe(4);
    expect(a.tree.digest()).toMatch(/^[0-9a-f]{16}$/);
  });

  test('node count, descendants and data size follow creates and deletes', () => {
    const a = new Applier();
    a.create('/a', { data: Buffer.from('12345') });
    a.create('/a/b', { data: null });
    a.create('/a/b/c');
    expect(a.tree.nodeCount).toBe(8);
    expect(a.tree.countDescendants('/a')).toBe(2);
    expect(a.tree.countDescendants('/a/b/c')).toBe(0);
    expect(a.tree.countDescendants('/')).toBe(6);
    expect(a.tree.approximateDataSize()).toBe(44 + 2 + 5 + 4 + 6 + 1);
    a.apply({ type: 'delete', path: '/a/b/c' });
    expect(a.tree.approximateDataSize()).toBe(44 + 2 + 5 + 4);
  });
});
