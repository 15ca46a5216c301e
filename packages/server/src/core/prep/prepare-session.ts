// Txns the server issues for itself: createSession, closeSession (the session's ephemerals as
// they will be once every prepared txn applies) and the reaper's deleteContainer.
// ZooKeeper: PrepRequestProcessor.pRequest2Txn (createSession, closeSession, deleteContainer).

import { assert } from '@zoo/client/protocol';
import { parentOf } from '../tree/path.js';
import { ephemeralKindOf, ttlOf } from '../tree/ephemeral-type.js';
import type { Txn, TxnBody } from '../tree/txn.js';
import { changedView, type ChangeScope, type NodeView } from './pending-changes.js';
import { isDeletablePath } from './prepare-update.js';
import type { TxnContext } from './prep-context.js';

function stamp(ctx: TxnContext, sessionId: bigint, body: TxnBody): Txn {
  return { zxid: ctx.zxid, timeMs: ctx.timeMs, sessionId, cxid: ctx.cxid, body };
}

/** ZooKeeper: CreateSessionTxn{timeOut} for the new session `ctx.sessionId`. Changes no node,
 * but takes a zxid. */
export function prepareCreateSession(
  ctx: TxnContext & { sessionId: bigint },
  timeoutMs: number,
): Txn {
  assert(Number.isInteger(timeoutMs) && timeoutMs > 0, () => `bad session timeout ${timeoutMs}`);
  return stamp(ctx, ctx.sessionId, { type: 'createSession', timeoutMs });
}

/**
 * ZooKeeper: the closeSession branch — the tree's ephemerals of the session, minus paths a
 * pending txn deletes, plus paths a pending txn creates for it (walked oldest first). Zoo sorts
 * the list and, unlike ZooKeeper, also lowers each parent's pending child count.
 */
export function prepareCloseSession(ctx: TxnContext, sessionId: bigint): Txn {
  const paths = new Set(ctx.tree.ephemeralsOf(sessionId));
  for (const record of ctx.pending.outstanding()) {
    if (record.node === null) paths.delete(record.path);
    else if (record.node.ephemeralOwner === sessionId) paths.add(record.path);
  }
  const ephemeralPaths = [...paths].sort();
  const scope = ctx.pending.scope();
  for (const path of ephemeralPaths) {
    const parentPath = parentOf(path);
    const parent = scope.get(parentPath);
    assert(parent !== null, () => `ephemeral ${path} has no parent`);
    scope.put(parentPath, changedView(parent, { numChildren: parent.numChildren - 1 }));
    scope.put(path, null);
  }
  scope.commit(ctx.zxid);
  return stamp(ctx, sessionId, { type: 'closeSession', ephemeralPaths });
}

export interface ReaperOptions {
  /** znode.container.maxNeverUsedIntervalMs: 0 keeps never-used containers forever. */
  maxNeverUsedIntervalMs: number;
}

/**
 * The reaper's delete of `path` (found by DataTree.findReapable on the applied tree), or null
 * when the node is no longer reapable as the pending state will be: gone, given a child, touched
 * (TTL), or replaced. ZooKeeper's deleteContainer branch would log an error txn (NoNode,
 * NotEmpty, BadVersion) instead; Zoo spends no zxid on a delete that changes nothing.
 */
export function prepareDeleteContainer(
  path: string,
  ctx: TxnContext,
  reaper: ReaperOptions = { maxNeverUsedIntervalMs: 0 },
): Txn | null {
  const scope = ctx.pending.scope();
  if (!isReapable(path, scope, ctx.timeMs, reaper)) return null;
  const parentPath = parentOf(path);
  const parent = scope.get(parentPath);
  assert(parent !== null, () => `container ${path} has no parent`);
  scope.put(parentPath, changedView(parent, { numChildren: parent.numChildren - 1 }));
  scope.put(path, null);
  scope.commit(ctx.zxid);
  return stamp(ctx, 0n, { type: 'deleteContainer', path });
}

function isReapable(
  path: string,
  scope: ChangeScope,
  nowMs: number,
  reaper: ReaperOptions,
): boolean {
  if (!isDeletablePath(path)) return false;
  const node = scope.get(path);
  return node !== null && node.numChildren === 0 && isDue(node, nowMs, reaper);
}

/** ZooKeeper: ContainerManager.getCandidates, for one node. */
function isDue(node: NodeView, nowMs: number, reaper: ReaperOptions): boolean {
  const kind = ephemeralKindOf(node.ephemeralOwner);
  const elapsedMs = nowMs - node.mtimeMs;
  if (kind === 'container') {
    if (node.childCreates > 0) return true;
    return reaper.maxNeverUsedIntervalMs !== 0 && elapsedMs > reaper.maxNeverUsedIntervalMs;
  }
  if (kind === 'ttl') {
    const ttl = ttlOf(node.ephemeralOwner);
    return ttl !== 0n && BigInt(elapsedMs) > ttl;
  }
  return false;
}
