import { ErrorCode } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { DataTree } from '../tree/data-tree.js';
import { ChangeScope, PendingChanges, changedView } from './pending-changes.js';
import { PrepHarness, createRequest, req } from './testing/prep-harness.js';

// ZooKeeper: ZooKeeperServer.outstandingChanges / outstandingChangesForPath, filled by
// PrepRequestProcessor.addChangeRecord and drained by FinalRequestProcessor.
describe('PendingChanges', () => {
  test('two creates prepared before either applies get distinct sequence numbers', () => {
    const h = new PrepHarness();
    h.mkdirs('/q');
    const first = h.prepare(createRequest('/q/n-', { flags: 2 }));
    const second = h.prepare(createRequest('/q/n-', { flags: 2 }));
    expect(first.body).toMatchObject({ path: '/q/n-0000000000', parentCVersion: 1 });
    expect(second.body).toMatchObject({ path: '/q/n-0000000001', parentCVersion: 2 });
    expect(h.pending.size).toBe(4);
    h.apply(first);
    expect(h.pending.size).toBe(2);
    h.apply(second);
    expect(h.pending.size).toBe(0);
    expect(h.stat('/q')).toMatchObject({ cversion: 2, numChildren: 2 });
  });

  test('two plain creates of one path prepared back to back: the second is NodeExists', () => {
    const h = new PrepHarness();
    h.prepare(createRequest('/a'));
    expect(h.prepare(createRequest('/a')).body).toEqual({
      type: 'error',
      err: ErrorCode.NodeExists,
    });
  });

  test('a create then a delete of the same path prepared back to back both succeed', () => {
    const h = new PrepHarness();
    const create = h.prepare(createRequest('/a'));
    const remove = h.prepare(req.delete('/a', 0));
    expect(remove.body).toEqual({ type: 'delete', path: '/a' });
    expect(h.prepare(req.setData('/a')).body).toEqual({ type: 'error', err: ErrorCode.NoNode });
    h.apply(create);
    h.apply(remove);
    h.apply(h.prepare(createRequest('/b')));
    expect(h.tree.getNode('/a')).toBeUndefined();
    expect(h.stat('/')).toMatchObject({ numChildren: 2, cversion: 2 * 2 - 2 });
    expect(h.pending.size).toBe(0);
  });

  test('a child created by a pending txn makes its parent NotEmpty for a delete', () => {
    const h = new PrepHarness();
    h.mkdirs('/p');
    h.prepare(createRequest('/p/c'));
    expect(h.prepare(req.delete('/p')).body).toEqual({ type: 'error', err: ErrorCode.NotEmpty });
  });

  test('a child deleted by a pending txn no longer keeps its parent from being deleted', () => {
    const h = new PrepHarness();
    h.mkdirs('/p', '/p/c');
    const txns = [h.prepare(req.delete('/p/c')), h.prepare(req.delete('/p'))];
    expect(txns.map((t) => t.body)).toEqual([
      { type: 'delete', path: '/p/c' },
      { type: 'delete', path: '/p' },
    ]);
    for (const txn of txns) h.apply(txn);
    expect(h.tree.getNode('/p')).toBeUndefined();
  });

  test('a parent deleted by a pending txn is NoNode for a create under it', () => {
    const h = new PrepHarness();
    h.mkdirs('/p');
    h.prepare(req.delete('/p'));
    expect(h.prepare(createRequest('/p/c')).body).toEqual({ type: 'error', err: ErrorCode.NoNode });
  });

  test('applied(zxid) drops only records ≤ zxid and keeps a newer record of the same path', () => {
    const tree = new DataTree();
    const pending = new PendingChanges(tree);
    const root = pending.get('/');
    if (root === null) throw new Error('no root');
    pending.record(1n, '/a', changedView(root, { version: 1 }));
    pending.record(2n, '/a', changedView(root, { version: 2 }));
    pending.record(3n, '/b', null);
    pending.applied(1n);
    expect(pending.get('/a')?.version).toBe(2);
    expect(pending.size).toBe(2);
    pending.applied(3n);
    expect(pending.get('/a')).toBeNull();
    expect(pending.size).toBe(0);
    pending.invariants();
  });

  test('the empty path reads the root, and records for "" land on "/"', () => {
    const tree = new DataTree();
    const pending = new PendingChanges(tree);
    expect(pending.get('')).toBe(tree.getNode('/'));
    pending.record(1n, '', null);
    expect(pending.get('/')).toBeNull();
  });

  test('a scope stages changes until commit and can be dropped', () => {
    const pending = new PendingChanges(new DataTree());
    const scope = new ChangeScope(pending);
    scope.put('/zookeeper', null);
    expect(scope.get('/zookeeper')).toBeNull();
    expect(pending.get('/zookeeper')).not.toBeNull();
    scope.commit(1n);
    expect(pending.get('/zookeeper')).toBeNull();
  });

  test('a scope finds what it staged, past its scan limit too, and records each path once', () => {
    const tree = new DataTree();
    const pending = new PendingChanges(tree);
    const root = tree.getNode('/');
    if (root === undefined) throw new Error('no root');
    const scope = pending.scope();
    const paths = Array.from({ length: 20 }, (_, i) => `/n${i}`);
    for (const [i, path] of paths.entries()) scope.put(path, changedView(root, { version: i }));
    scope.put('/n3', null);
    scope.put('', changedView(root, { version: 99 }));
    for (const [i, path] of paths.entries()) {
      expect(scope.get(path)?.version ?? 'deleted').toBe(i === 3 ? 'deleted' : i);
    }
    expect(scope.get('/')?.version).toBe(99);
    scope.commit(1n);
    expect([...pending.outstanding()].map((r) => r.path)).toEqual([...paths, '/']);
    // The next request's scope starts empty, whatever the last one left.
    const next = pending.scope();
    next.put('/zookeeper', null);
    expect(next.get('/zookeeper')).toBeNull();
    expect(pending.scope().get('/zookeeper')).not.toBeNull();
    expect(pending.scope().get('/n5')?.version).toBe(5);
  });

  test('hasChild answers what get answers, through the tree, pending records and a scope', () => {
    const h = new PrepHarness();
    h.apply(h.prepare(createRequest('/a')));
    h.apply(h.prepare(createRequest('/a/in-tree')));
    h.prepare(createRequest('/a/pending'));
    h.prepare({ type: 'delete', path: '/a/in-tree', version: -1 });
    const scope = h.pending.scope();
    scope.put('/a/staged', null);
    const paths = ['/', '/a', '/a/in-tree', '/a/pending', '/a/staged', '/a/none', '/zookeeper'];
    for (const path of paths) {
      const parentPath = path.lastIndexOf('/') <= 0 ? '/' : path.slice(0, path.lastIndexOf('/'));
      expect([path, scope.hasChild(parentPath, path)]).toEqual([path, scope.get(path) !== null]);
    }
    expect(scope.hasChild('/a', '/a/pending')).toBe(true);
    expect(scope.hasChild('/a', '/a/in-tree')).toBe(false);
  });

  test('many applied records are compacted away', () => {
    const h = new PrepHarness();
    for (let i = 0; i < 3000; i++) h.apply(h.prepare(createRequest(`/n${i}`)));
    expect(h.pending.size).toBe(0);
    const txn = h.prepare(createRequest('/last'));
    expect(h.pending.size).toBe(2);
    expect([...h.pending.outstanding()].map((r) => r.path)).toEqual(['/', '/last']);
    h.apply(txn);
  });

  test('clear forgets every record', () => {
    const h = new PrepHarness();
    h.prepare(createRequest('/a'));
    h.pending.clear();
    expect(h.pending.size).toBe(0);
    expect(h.pending.get('/a')).toBeNull();
  });
});
