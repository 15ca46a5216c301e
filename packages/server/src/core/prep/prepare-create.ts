// Validates a create against the tree plus pending changes and decides everything the txn
// carries: final (sequential) path, fixed-up ACL, owner and the parent's new childCreates.
// ZooKeeper: PrepRequestProcessor.pRequest2TxnCreate + validateCreateRequest.

import type { CreateRequest } from '@zoo/client/protocol';
import { ErrorCode, Perms, validatePath } from '@zoo/client/protocol';
import { checkAcl } from '../acl/check-acl.js';
import { fixupAcl } from '../acl/fixup-acl.js';
import { parentOf } from '../tree/path.js';
import {
  containerEphemeralOwner,
  ephemeralKindOf,
  isValidTtl,
  ttlEphemeralOwner,
} from '../tree/ephemeral-type.js';
import type { CreateTxnBody } from '../tree/txn.js';
import { createModeOf, sequenceSuffix, type CreateModeInfo } from './create-mode.js';
import { changedView, type ChangeScope } from './pending-changes.js';
import type { PrepContext } from './prep-context.js';

/** The txn body of a valid create (its changes staged in `scope`), or the error code. */
export function prepareCreate(
  request: CreateRequest,
  ctx: PrepContext,
  scope: ChangeScope,
): CreateTxnBody | number {
  const mode = createModeOf(request.flags);
  const early = mode === null ? ErrorCode.BadArguments : checkCreateArguments(request, mode, ctx);
  if (early !== 0 || mode === null) return early;
  const acl = fixupAcl(request.acl, ctx.identities);
  if (typeof acl === 'number') return acl;
  const parentPath = parentOf(request.path);
  const parent = scope.get(parentPath);
  if (parent === null) return ErrorCode.NoNode;
  if (!ctx.options.skipAcl && !checkAcl(parent.acl, Perms.create, ctx.identities)) {
    return ErrorCode.NoAuth;
  }
  // ZooKeeper: the suffix is the parent's childCreates before this create, not the cversion shown.
  const suffix = mode.isSequential ? sequenceSuffix(parent.childCreates) : '';
  const path = request.path + suffix;
  if (!validatePath(path)) return ErrorCode.BadArguments;
  if (scope.hasChild(parentPath, path)) return ErrorCode.NodeExists;
  // Containers and TTL nodes may have children, ephemeral ones included; only sessions' may not.
  if (ephemeralKindOf(parent.ephemeralOwner) === 'ephemeral') {
    return ErrorCode.NoChildrenForEphemerals;
  }
  const parentCVersion = (parent.childCreates + 1) | 0;
  const ephemeralOwner = ownerOf(request, mode, ctx.sessionId);
  scope.put(
    parentPath,
    changedView(parent, {
      childCreates: parentCVersion,
      numChildren: parent.numChildren + 1,
    }),
  );
  scope.put(path, {
    acl,
    version: 0,
    aversion: 0,
    childCreates: 0,
    numChildren: 0,
    ephemeralOwner,
    mtimeMs: ctx.timeMs,
  });
  return { type: 'create', path, data: request.data, acl, ephemeralOwner, parentCVersion };
}

/**
 * The checks before the ACL fix-up, in ZooKeeper's order: TTL mode without extended types
 * (Unimplemented), TTL range / ttl on a non-TTL mode (BadArguments), session, then the path
 * needs a '/' and no NUL (validatePathForCreate). Zoo adds: data longer than packetBytesMax.
 */
function checkCreateArguments(
  request: CreateRequest,
  mode: CreateModeInfo,
  ctx: PrepContext,
): number {
  if (mode.isTtl && !ctx.options.extendedTypesEnabled) return ErrorCode.Unimplemented;
  const ttlValid = mode.isTtl ? isValidTtl(request.ttl) : request.ttl < 0n;
  // ZooKeeper accepts createTTL (op 21) with a non-TTL mode and ttl < 0, then fails applying it;
  // Zoo refuses that request up front.
  if (!ttlValid || (request.variant === 'createTTL' && !mode.isTtl)) {
    return ErrorCode.BadArguments;
  }
  const sessionErr = ctx.checkSession?.(mode.isEphemeral) ?? 0;
  if (sessionErr !== 0) return sessionErr;
  if (request.path.lastIndexOf('/') === -1 || request.path.includes('\0')) {
    return ErrorCode.BadArguments;
  }
  if (request.data !== null && request.data.length > ctx.options.packetBytesMax) {
    return ErrorCode.BadArguments;
  }
  return 0;
}

/**
 * ZooKeeper: the txn type decides the owner — createContainer (op 19) always makes a container,
 * createTTL a TTL node, and the other opcodes an ephemeral (flags 1, 3) or a plain node: op 1 or
 * 15 with the container flag (4) makes a persistent node.
 */
function ownerOf(request: CreateRequest, mode: CreateModeInfo, sessionId: bigint): bigint {
  if (request.variant === 'createContainer') return containerEphemeralOwner;
  if (mode.isTtl) return ttlEphemeralOwner(request.ttl);
  return mode.isEphemeral ? sessionId : 0n;
}
