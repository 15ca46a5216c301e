// Validates delete, setData, setACL and check against the tree plus pending changes, in
// ZooKeeper's order of checks. ZooKeeper: PrepRequestProcessor.pRequest2Txn (delete, setData,
// setACL, check branches), getParentPathAndValidate, checkAndIncVersion.

import type {
  CheckRequest,
  DeleteRequest,
  SetAclRequest,
  SetDataRequest,
} from '@zoo/client/protocol';
import { ErrorCode, Perms, validatePath } from '@zoo/client/protocol';
import { checkAcl } from '../acl/check-acl.js';
import { fixupAcl } from '../acl/fixup-acl.js';
import { parentOf, specialPaths } from '../tree/path.js';
import type { CheckTxnBody, DeleteTxnBody, SetAclTxnBody, SetDataTxnBody } from '../tree/txn.js';
import { changedView, type ChangeScope, type NodeView } from './pending-changes.js';
import type { PrepContext } from './prep-context.js';

/** ZooKeeper: checkAndIncVersion — −1 matches any version; the result wraps as int32. */
function nextVersion(current: number, expected: number): number | null {
  if (expected !== -1 && expected !== current) return null;
  return (current + 1) | 0;
}

function isAllowed(node: NodeView, perm: number, ctx: PrepContext): boolean {
  return ctx.options.skipAcl || checkAcl(node.acl, perm, ctx.identities);
}

function sessionError(ctx: PrepContext): number {
  return ctx.checkSession?.(false) ?? 0;
}

/**
 * ZooKeeper: getParentPathAndValidate — a path needs a '/', no NUL, and must not be one of the
 * system nodes (BadArguments); no other validation is done for deletes.
 */
export function isDeletablePath(path: string): boolean {
  return path.lastIndexOf('/') !== -1 && !path.includes('\0') && !specialPaths.has(path);
}

/** Session, path, parent (NoNode), DELETE on the parent, node (NoNode), BadVersion, NotEmpty. */
export function prepareDelete(
  request: DeleteRequest,
  ctx: PrepContext,
  scope: ChangeScope,
): DeleteTxnBody | number {
  const sessionErr = sessionError(ctx);
  if (sessionErr !== 0) return sessionErr;
  const { path } = request;
  if (!isDeletablePath(path)) return ErrorCode.BadArguments;
  const parentPath = parentOf(path);
  const parent = scope.get(parentPath);
  if (parent === null) return ErrorCode.NoNode;
  if (!isAllowed(parent, Perms.delete, ctx)) return ErrorCode.NoAuth;
  const node = scope.get(path);
  if (node === null) return ErrorCode.NoNode;
  // ZooKeeper tests the version before the children: a bad version on a non-empty node is −103.
  if (nextVersion(node.version, request.version) === null) return ErrorCode.BadVersion;
  if (node.numChildren > 0) return ErrorCode.NotEmpty;
  scope.put(parentPath, changedView(parent, { numChildren: parent.numChildren - 1 }));
  scope.put(path, null);
  return { type: 'delete', path };
}

/** Session, full path validation, (Zoo) data size, NoNode, WRITE, BadVersion. */
export function prepareSetData(
  request: SetDataRequest,
  ctx: PrepContext,
  scope: ChangeScope,
): SetDataTxnBody | number {
  const sessionErr = sessionError(ctx);
  if (sessionErr !== 0) return sessionErr;
  const { path, data } = request;
  // ZooKeeper: validatePath rejects a Jute null path as it rejects an invalid one.
  if (path === null || !validatePath(path)) return ErrorCode.BadArguments;
  if (data !== null && data.length > ctx.options.packetBytesMax) return ErrorCode.BadArguments;
  const node = scope.get(path);
  if (node === null) return ErrorCode.NoNode;
  if (!isAllowed(node, Perms.write, ctx)) return ErrorCode.NoAuth;
  const version = nextVersion(node.version, request.version);
  if (version === null) return ErrorCode.BadVersion;
  scope.put(path, changedView(node, { version, mtimeMs: ctx.timeMs }));
  return { type: 'setData', path, data, version };
}

/** Session, full path validation, InvalidACL, NoNode, ADMIN, BadVersion (against aversion). */
export function prepareSetAcl(
  request: SetAclRequest,
  ctx: PrepContext,
  scope: ChangeScope,
): SetAclTxnBody | number {
  const sessionErr = sessionError(ctx);
  if (sessionErr !== 0) return sessionErr;
  const { path } = request;
  if (path === null || !validatePath(path)) return ErrorCode.BadArguments;
  const acl = fixupAcl(request.acl, ctx.identities);
  if (typeof acl === 'number') return acl;
  const node = scope.get(path);
  if (node === null) return ErrorCode.NoNode;
  if (!isAllowed(node, Perms.admin, ctx)) return ErrorCode.NoAuth;
  const version = nextVersion(node.aversion, request.version);
  if (version === null) return ErrorCode.BadVersion;
  scope.put(path, changedView(node, { acl, aversion: version }));
  return { type: 'setACL', path, acl, version };
}

/** Inside multi only: session, full path validation, NoNode, READ, BadVersion. */
export function prepareCheck(
  request: CheckRequest,
  ctx: PrepContext,
  scope: ChangeScope,
): CheckTxnBody | number {
  const sessionErr = sessionError(ctx);
  if (sessionErr !== 0) return sessionErr;
  const { path } = request;
  if (!validatePath(path)) return ErrorCode.BadArguments;
  const node = scope.get(path);
  if (node === null) return ErrorCode.NoNode;
  if (!isAllowed(node, Perms.read, ctx)) return ErrorCode.NoAuth;
  const version = nextVersion(node.version, request.version);
  if (version === null) return ErrorCode.BadVersion;
  return { type: 'check', path, version };
}
