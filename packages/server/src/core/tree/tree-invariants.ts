// The structural invariants of a DataTree, checked in O(n) by tests and the simulator: parent
// links, the ephemeral/container/TTL indexes, the data-size counter and ACL reference counts.

import type { Acl } from '@zoo/client/protocol';
import { assert } from '@zoo/client/protocol';
import { parentOf } from './path.js';
import type { AclCache } from './acl-cache.js';
import { ephemeralKindOf } from './ephemeral-type.js';
import type { ZNode } from './z-node.js';
import type { NodesByPath } from './node-index.js';

export interface TreeState {
  nodes: NodesByPath;
  ephemerals: ReadonlyMap<bigint, ReadonlySet<string>>;
  containers: ReadonlySet<string>;
  ttls: ReadonlySet<string>;
  acls: AclCache;
  dataSize: number;
}

export function treeInvariants(state: TreeState): void {
  const { nodes } = state;
  assert(nodes.has('/'), 'tree has no root');
  let dataSize = 0;
  const aclRefs = new Map<readonly Acl[], number>();
  for (const [path, node] of nodes) {
    assert(node.path === path, () => `${path} is keyed as ${node.path}`);
    dataSize += path.length + node.dataLength;
    aclRefs.set(node.acl, (aclRefs.get(node.acl) ?? 0) + 1);
    for (const child of node.children.values()) {
      const isLive = nodes.get(child.path) === child;
      assert(isLive, () => `${path} lists a child not in the tree: ${child.path}`);
      assert(parentOf(child.path) === path, () => `${path} lists ${child.path} as a child`);
    }
    if (path !== '/') {
      const parent = nodes.get(parentOf(path));
      assert(parent !== undefined, () => `${path} has no parent`);
      assert(parent.children.get(path) === node, () => `${path} unlinked`);
      const parentKind = ephemeralKindOf(parent.ephemeralOwner);
      assert(parentKind !== 'ephemeral', () => `${path} is under an ephemeral`);
    }
    checkIndexes(state, path, node);
  }
  assert(dataSize === state.dataSize, () => `data size ${state.dataSize} != recount ${dataSize}`);
  for (const [acl, refs] of aclRefs) {
    const held = state.acls.refsOf(acl);
    assert(held === refs, () => `ACL refcount ${held} != ${refs} nodes`);
  }
  assert(state.acls.size === aclRefs.size, () => `ACL cache holds unused lists`);
  checkIndexEntries(state);
}

function checkIndexes(state: TreeState, path: string, node: ZNode): void {
  const kind = ephemeralKindOf(node.ephemeralOwner);
  assert(state.containers.has(path) === (kind === 'container'), () => `container index ${path}`);
  assert(state.ttls.has(path) === (kind === 'ttl'), () => `ttl index ${path}`);
  if (kind === 'ephemeral') {
    const owned = state.ephemerals.get(node.ephemeralOwner);
    assert(owned?.has(path) === true, () => `ephemeral ${path} missing from its session's set`);
    assert(node.children.size === 0, () => `ephemeral ${path} has children`);
  }
}

function checkIndexEntries(state: TreeState): void {
  for (const [owner, paths] of state.ephemerals) {
    for (const path of paths) {
      const node = state.nodes.get(path);
      assert(node?.ephemeralOwner === owner, () => `ephemeral index lists ${path} for ${owner}`);
    }
  }
  for (const path of [...state.containers, ...state.ttls]) {
    assert(state.nodes.has(path), () => `container/ttl index lists missing ${path}`);
  }
}
