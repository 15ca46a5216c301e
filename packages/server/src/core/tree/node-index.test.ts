import { describe, expect, test } from 'vitest';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import { NodeIndex } from './node-index.js';
import { MutableZNode } from './z-node.js';

const nodeAt = (path: string): MutableZNode =>
  new MutableZNode({
    path,
    stored: null,
    acl: OPEN_ACL_UNSAFE,
    zxid: 1n,
    timeMs: 0,
    ephemeralOwner: 0n,
  });

/** '/', '/a', '/a/b', '/a/b/c' linked (restore's way, not remembered) and '/d' added. */
function sample() {
  const index = new NodeIndex();
  const [root, a, b, c, d] = ['/', '/a', '/a/b', '/a/b/c', '/d'].map(nodeAt) as [
    MutableZNode,
    MutableZNode,
    MutableZNode,
    MutableZNode,
    MutableZNode,
  ];
  index.setRoot(root);
  index.link(a, root);
  index.link(b, a);
  index.link(c, b);
  index.add(d, root);
  return { index, root, a, b, c, d };
}

describe('NodeIndex', () => {
  test('a restore links each path once; a second node of one path refuses the restore', () => {
    const index = new NodeIndex();
    const [root, a, again] = ['/', '/a', '/a'].map(nodeAt) as [
      MutableZNode,
      MutableZNode,
      MutableZNode,
    ];
    expect(() => index.assertRestored()).toThrow(/no root/);
    index.setRoot(root);
    expect(index.linkRestored(a, root)).toBe(true);
    expect(index.get('/a')).toBe(a);
    expect(index.size).toBe(2);
    index.assertRestored();
    expect(index.linkRestored(again, root)).toBe(false);
    expect(index.size).toBe(2);
    expect(() => index.assertRestored()).toThrow(/listed twice/);
  });

  test('finds linked and added nodes at every depth, and nothing at other paths', () => {
    const { index, root, a, b, c, d } = sample();
    expect(index.get('/')).toBe(root);
    expect(index.get('/a')).toBe(a);
    expect(index.get('/a/b')).toBe(b);
    expect(index.get('/a/b/c')).toBe(c);
    expect(index.get('/d')).toBe(d);
    for (const path of ['', 'a', '/a/', '//', '/a//b', '/x', '/a/x', '/a/b/c/d', '/d/e']) {
      expect(index.get(path)).toBeUndefined();
    }
    expect(index.size).toBe(5);
    index.invariants();
  });

  test('refuses a second node at a path its parent has', () => {
    const { index, root } = sample();
    expect(index.link(nodeAt('/a'), root)).toBe(false);
    expect(index.add(nodeAt('/d'), root)).toBe(false);
    expect(index.size).toBe(5);
    index.invariants();
  });

  test('forgets a removed node, even after looking it up, and a parent left childless', () => {
    const { index, a, b, c } = sample();
    expect(index.get('/a/b/c')).toBe(c);
    index.remove(c, b);
    expect(index.get('/a/b/c')).toBeUndefined();
    index.remove(b, a);
    expect(index.get('/a/b')).toBeUndefined();
    const again = nodeAt('/a/b');
    index.add(again, a);
    expect(index.get('/a/b')).toBe(again);
    expect(index.size).toBe(4);
    index.invariants();
  });

  test('iterates every node once, parents before their children', () => {
    const { index } = sample();
    const paths = [...index.keys()];
    expect([...paths].sort()).toEqual(['/', '/a', '/a/b', '/a/b/c', '/d']);
    for (const path of paths.slice(1)) {
      const parent = path.slice(0, Math.max(1, path.lastIndexOf('/')));
      expect(paths.indexOf(parent)).toBeLessThan(paths.indexOf(path));
    }
    expect([...index].map(([path, node]) => node.path === path)).toEqual(paths.map(() => true));
  });

  test('invariants catch a count that does not match the nodes linked', () => {
    const { index, a } = sample();
    a.addChild(nodeAt('/a/z')); // linked behind the index's back
    expect(() => index.invariants()).toThrow(/index counts 5 nodes, walk 6/);
  });
});
