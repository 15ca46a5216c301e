// The check of one node restored from a snapshot, as DataTree.fromSnapshot links it: a snapshot
// lists parents before children, each path once, with zxids no later than its own.

import { validatePath } from '@zoo/client/protocol';
import { ephemeralKindOf } from './ephemeral-type.js';
import type { SnapshotNodeFields } from './tree-snapshot.js';
import type { ZNode } from './z-node.js';

function isInt32(n: number): boolean {
  return n === (n | 0);
}

/** What is wrong with `s` as the next node of a snapshot at `zxid`, or null. */
export function snapshotNodeProblem(
  s: SnapshotNodeFields,
  zxid: bigint,
  isFirst: boolean,
  parent: ZNode | undefined,
): string | null {
  if (!validatePath(s.path)) return 'invalid path';
  const isRoot = s.path === '/';
  if (isRoot !== isFirst) return 'the root must come first';
  if (!isRoot) {
    if (parent === undefined) return 'comes before its parent';
    if (ephemeralKindOf(parent.ephemeralOwner) === 'ephemeral') return 'under an ephemeral';
  }
  if (s.czxid > zxid || s.mzxid > zxid || s.pzxid > zxid) return `a zxid above ${zxid}`;
  if (!isInt32(s.version) || !isInt32(s.childCreates) || !isInt32(s.aversion)) {
    return 'an int32 out of range';
  }
  if (!Number.isSafeInteger(s.ctime) || !Number.isSafeInteger(s.mtime)) return 'a bad time';
  return null;
}
