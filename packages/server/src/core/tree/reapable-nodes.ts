// Whole-tree queries kept out of DataTree: the nodes a reaper may delete, and descendant counts.

import { assert } from '@zoo/client/protocol';
import { ttlOf } from './ephemeral-type.js';
import type { ZNode } from './z-node.js';
import type { NodesByPath } from './node-index.js';

export interface ReapIndexes {
  nodes: NodesByPath;
  containers: ReadonlySet<string>;
  ttls: ReadonlySet<string>;
}

function mustGet(nodes: NodesByPath, path: string): ZNode {
  const node = nodes.get(path);
  assert(node !== undefined, () => `index lists ${path}, which the tree lacks`);
  return node;
}

/**
 * ZooKeeper: DataTree.getAllChildrenNumber — all descendants, excluding the node itself. For '/'
 * every other node; for the '' alias every node including '/', as ZooKeeper's key scan gives.
 */
export function countDescendants(nodes: NodesByPath, path: string): number {
  if (path === '/') return nodes.size - 1;
  if (path === '') return nodes.size;
  const start = nodes.get(path);
  if (start === undefined) return 0;
  let count = 0;
  const stack: ZNode[] = [start];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    for (const child of node.children.values()) {
      count++;
      stack.push(child);
    }
  }
  return count;
}

/**
 * ZooKeeper: ContainerManager.getCandidates — empty containers that had a child (or, when
 * maxNeverUsedIntervalMs > 0, were never used and are older than it), and childless TTL nodes
 * with now − mtime > ttl. Sorted by path, so every replica and run agrees.
 */
export function findReapable(
  { nodes, containers, ttls }: ReapIndexes,
  nowMs: number,
  options: { maxNeverUsedIntervalMs: number },
): string[] {
  assert(Number.isSafeInteger(nowMs), () => `reaper time ${nowMs} not an integer`);
  const candidates: string[] = [];
  for (const path of containers) {
    const node = mustGet(nodes, path);
    if (node.children.size > 0) continue;
    const neverUsedExpired =
      options.maxNeverUsedIntervalMs !== 0 && nowMs - node.mtimeMs > options.maxNeverUsedIntervalMs;
    if (node.childCreates > 0 || neverUsedExpired) candidates.push(path);
  }
  for (const path of ttls) {
    const node = mustGet(nodes, path);
    if (node.children.size > 0) continue;
    const ttl = ttlOf(node.ephemeralOwner);
    if (ttl !== 0n && BigInt(nowMs - node.mtimeMs) > ttl) candidates.push(path);
  }
  return candidates.sort();
}
