import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { MutableZNode, statOfNode, storedOf } from './z-node.js';

function nodeAt(path: string, options: { data?: Buffer | null; timeMs?: number } = {}) {
  return new MutableZNode({
    path,
    stored: storedOf(options.data ?? null),
    acl: OPEN_ACL_UNSAFE,
    zxid: 5n,
    timeMs: options.timeMs ?? 0,
    ephemeralOwner: 0n,
  });
}

// The compact layout must give back exactly what was stored (z-node.ts's header says why).
describe('a stored znode', () => {
  const times = [
    0,
    1,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 + 7,
    1_765_000_000_123,
    -1,
    -(2 ** 31) - 5,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ];

  test.each(times)('keeps the time %d exactly, as ctime and as mtime', (timeMs) => {
    const node = nodeAt('/t', { timeMs });
    expect([node.ctimeMs, node.mtimeMs]).toEqual([timeMs, timeMs]);
    node.mtimeMs = timeMs + 1;
    node.ctimeMs = timeMs - 1;
    expect([node.ctimeMs, node.mtimeMs]).toEqual([timeMs - 1, timeMs + 1]);
  });

  test('keeps every byte value, null data and empty data apart', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    expect(nodeAt('/b', { data: bytes }).data).toEqual(bytes);
    expect(nodeAt('/b', { data: bytes }).dataLength).toBe(256);
    expect(nodeAt('/n').data).toBeNull();
    expect(nodeAt('/n').dataLength).toBe(0);
    expect(nodeAt('/e', { data: Buffer.alloc(0) }).data).toEqual(Buffer.alloc(0));
    expect(statOfNode(nodeAt('/b', { data: bytes })).dataLength).toBe(256);
  });

  test('hands out copies of its data: changing one changes neither the node nor its source', () => {
    const source = Buffer.from('abc');
    const node = nodeAt('/c', { data: source });
    source.fill(0);
    node.data?.fill(1);
    expect(node.data?.toString()).toBe('abc');
    node.data = Buffer.from('xyz');
    expect(node.data?.toString()).toBe('xyz');
  });

  test('keeps large data as one Buffer of its own, copied in and handed out without a copy', () => {
    const source = Buffer.alloc(500_000, 7);
    const node = nodeAt('/big', { data: source });
    source.fill(0);
    expect(node.data).toBe(node.data);
    expect(node.data?.equals(Buffer.alloc(500_000, 7))).toBe(true);
    expect(node.dataLength).toBe(500_000);
    expect(node.latin1Data).toBe(Buffer.alloc(500_000, 7).toString('latin1'));
  });

  test('keys its children by path, in insertion order, and forgets them on removal', () => {
    const parent = nodeAt('/p');
    const [a, b] = [nodeAt('/p/a'), nodeAt('/p/b')];
    parent.addChild(b);
    parent.addChild(a);
    expect([...parent.children.values()].map((child) => child.path)).toEqual(['/p/b', '/p/a']);
    expect([...parent.children.keys()]).toEqual(['/p/b', '/p/a']);
    expect(parent.childAt('/p/a')).toBe(a);
    expect(parent.childAt('/p/c')).toBeUndefined();
    expect(parent.numChildren).toBe(2);
    parent.removeChild(b);
    parent.removeChild(a);
    expect(parent.numChildren).toBe(0);
    expect(parent.children.size).toBe(0);
  });
});
