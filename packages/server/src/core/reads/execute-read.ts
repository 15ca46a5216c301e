// Answers reads from the applied tree, as the read side of ZooKeeper's FinalRequestProcessor:
// existence and ACL checks in its order, the reply body, and the watch the caller must register.

import type {
  Acl,
  ExistsRequest,
  GetAclRequest,
  GetAllChildrenNumberRequest,
  GetChildrenRequest,
  GetDataRequest,
  GetEphemeralsRequest,
  MultiOpResult,
  MultiReadRequest,
  Response,
  SyncRequest,
} from '@zoo/client/protocol';
import { ErrorCode, Perms, assert, assertNever } from '@zoo/client/protocol';
import { checkAcl } from '../acl/check-acl.js';
import type { Identity } from '../acl/identity.js';
import type { DataTree, ZNode } from '../tree/data-tree.js';

export type ReadRequest =
  | ExistsRequest
  | GetDataRequest
  | GetChildrenRequest
  | GetAclRequest
  | GetAllChildrenNumberRequest
  | GetEphemeralsRequest
  | MultiReadRequest
  | SyncRequest;

export interface ReadWatch {
  path: string;
  kind: 'data' | 'child';
}

export interface ReadOutcome {
  err: number;
  body: Response | null;
  /** The standard watch the caller must register for this connection, if any. */
  watch: ReadWatch | null;
}

export interface ReadContext {
  tree: DataTree;
  sessionId: bigint;
  identities: readonly Identity[];
  skipAcl: boolean;
}

const noNode: ReadOutcome = { err: ErrorCode.NoNode, body: null, watch: null };
const noAuth: ReadOutcome = { err: ErrorCode.NoAuth, body: null, watch: null };

export function executeRead(request: ReadRequest, ctx: ReadContext): ReadOutcome {
  switch (request.type) {
    case 'exists':
      return exists(request, ctx);
    case 'getData':
      return getData(request, ctx, request.watch);
    case 'getChildren':
      return getChildren(request, ctx, request.watch);
    case 'getACL':
      return getAcl(request, ctx);
    case 'getAllChildrenNumber':
      return getAllChildrenNumber(request, ctx);
    case 'getEphemerals':
      return ok({ type: 'ephemerals', paths: ephemerals(request.prefixPath, ctx) });
    case 'multiRead':
      return ok({ type: 'multi', results: request.ops.map((op) => multiReadOp(op, ctx)) });
    case 'sync':
      // ZooKeeper: no existence or ACL check; the path is echoed.
      return ok({ type: 'path', path: request.path });
    default:
      return assertNever(request, 'read request');
  }
}

function ok(body: Response, watch: ReadWatch | null = null): ReadOutcome {
  return { err: ErrorCode.Ok, body, watch };
}

function canRead(node: ZNode, perm: number, ctx: ReadContext): boolean {
  return ctx.skipAcl || checkAcl(node.acl, perm, ctx.identities);
}

/**
 * ZooKeeper 3.8.4+: NUL → BadArguments; an existing node needs READ (ZOOKEEPER-2590); the data
 * watch is registered before the existence check, so it stays armed on NoNode.
 */
function exists(request: ExistsRequest, ctx: ReadContext): ReadOutcome {
  if (request.path.includes('\0')) return { err: ErrorCode.BadArguments, body: null, watch: null };
  const node = ctx.tree.getNode(request.path);
  if (node !== undefined && !canRead(node, Perms.read, ctx)) return noAuth;
  const watch: ReadWatch | null = request.watch ? { path: request.path, kind: 'data' } : null;
  if (node === undefined) return { err: ErrorCode.NoNode, body: null, watch };
  return ok({ type: 'stat', stat: ctx.tree.statOf(node) }, watch);
}

/** NoNode, then READ; the data watch only on success. multiRead passes watch = false. */
function getData(request: GetDataRequest, ctx: ReadContext, watch: boolean): ReadOutcome {
  const node = ctx.tree.getNode(request.path);
  if (node === undefined) return noNode;
  if (!canRead(node, Perms.read, ctx)) return noAuth;
  const body: Response = { type: 'getData', data: node.data, stat: ctx.tree.statOf(node) };
  return ok(body, watch ? { path: request.path, kind: 'data' } : null);
}

/** NoNode, then READ; the child watch only on success; getChildren2 adds the node's stat. */
function getChildren(request: GetChildrenRequest, ctx: ReadContext, watch: boolean): ReadOutcome {
  const node = ctx.tree.getNode(request.path);
  if (node === undefined) return noNode;
  if (!canRead(node, Perms.read, ctx)) return noAuth;
  const stat = request.withStat ? ctx.tree.statOf(node) : null;
  const body: Response = { type: 'getChildren', children: ctx.tree.childrenOf(node), stat };
  return ok(body, watch ? { path: request.path, kind: 'child' } : null);
}

/** ZooKeeper: READ or ADMIN suffices; without ADMIN every digest id is masked to `user:x`. */
function getAcl(request: GetAclRequest, ctx: ReadContext): ReadOutcome {
  const node = ctx.tree.getNode(request.path);
  if (node === undefined) return noNode;
  if (!canRead(node, Perms.read | Perms.admin, ctx)) return noAuth;
  const acl = canRead(node, Perms.admin, ctx) ? [...node.acl] : node.acl.map(maskDigest);
  return ok({ type: 'getACL', acl, stat: ctx.tree.statOf(node) });
}

// Java's `id.replaceAll(":.*", ":x")`: '.' stops at line terminators.
const digestSecret = /:[^\n\r\u0085\u2028\u2029]*/g;

function maskDigest(entry: Acl): Acl {
  if (entry.id.scheme !== 'digest') return entry;
  const masked = entry.id.id.replace(digestSecret, ':x');
  return { perms: entry.perms, id: { scheme: 'digest', id: masked } };
}

function getAllChildrenNumber(request: GetAllChildrenNumberRequest, ctx: ReadContext): ReadOutcome {
  const node = ctx.tree.getNode(request.path);
  if (node === undefined) return noNode;
  if (!canRead(node, Perms.read, ctx)) return noAuth;
  return ok({ type: 'count', total: ctx.tree.countDescendants(request.path) });
}

/**
 * ZooKeeper: the caller's own ordinary ephemerals; a null, blank (Java trim) or "/" prefix means
 * all of them, otherwise those whose path starts with the untrimmed prefix.
 */
function ephemerals(prefixPath: string | null, ctx: ReadContext): string[] {
  const all = ctx.tree.ephemeralsOf(ctx.sessionId);
  const trimmed = prefixPath === null ? '' : javaTrim(prefixPath);
  if (prefixPath === null || trimmed === '' || trimmed === '/') return [...all];
  const matching: string[] = [];
  for (const path of all) {
    if (path.startsWith(prefixPath)) matching.push(path);
  }
  return matching;
}

/** Java's String.trim: strips code units ≤ U+0020 at both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/** ZooKeeper: multiRead runs each op on its own, never sets watches, and turns errors into
 * per-op error results; getChildren results carry no stat. */
function multiReadOp(op: MultiReadRequest['ops'][number], ctx: ReadContext): MultiOpResult {
  const outcome =
    op.type === 'getData'
      ? getData(op, ctx, false)
      : getChildren({ ...op, withStat: false }, ctx, false);
  if (outcome.err !== ErrorCode.Ok || outcome.body === null) {
    return { type: 'error', err: outcome.err };
  }
  const body = outcome.body;
  assert(body.type === 'getData' || body.type === 'getChildren', 'multiRead op body');
  return body;
}
