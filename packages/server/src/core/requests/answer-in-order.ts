// Answers the requests that are not writes, in their turn on their connection: reads (against
// the applied tree), pings, sync, watch management, whoAmI. FinalRequestProcessor's read side.

import {
  AddWatchMode,
  AssertionError,
  ErrorCode,
  assert,
  OpCode,
  Xid,
  assertNever,
} from '@zoo/client/protocol';
import type { ClientInfo, Request, Response } from '@zoo/client/protocol';
import { executeRead } from '../reads/execute-read.js';
import type { WriteRequest } from '../prep/prepare-request.js';
import type { ConnectionState, QueuedRequest } from './connection-state.js';
import type { RequestContext } from './request-context.js';
import { javaConcurrentSetOrder } from './java-set-order.js';

export function isWriteRequest(request: Request): request is WriteRequest {
  switch (request.type) {
    case 'create':
    case 'delete':
    case 'setData':
    case 'setACL':
    case 'multi':
      return true;
    default:
      return false;
  }
}

/**
 * The opcodes ZooKeeper's PrepRequestProcessor parses into a txn: a body of theirs that does not
 * parse still takes a zxid (an error txn).
 */
const writeOpCodes: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.delete,
  OpCode.setData,
  OpCode.setACL,
  OpCode.multi,
  // Server-internal, but ZooKeeper 3.8 takes them from a client too: a deleteContainer is always
  // refused in prep, a createSession too short to read is MarshallingError (request-pipeline).
  OpCode.deleteContainer,
  OpCode.createSession,
]);

export function isWriteOpCode(opCode: number): boolean {
  return writeOpCodes.has(opCode);
}

/** Answers a non-write request now: the caller guarantees no earlier write of it is pending. */
export function answerInOrderRequest(
  context: RequestContext,
  connection: ConnectionState,
  entry: QueuedRequest,
): void {
  const request = entry.kind === 'malformed' ? null : entry.request;
  if (request === null) {
    context.reply(connection, entry, ErrorCode.MarshallingError, null);
    return;
  }
  const outcome = answerRequest(context, connection, request);
  if (request.type === 'ping') {
    // ZooKeeper: ping replies always carry xid −2, whatever the request's xid was.
    context.reply(connection, { ...entry, xid: Xid.ping }, outcome.err, outcome.body);
    return;
  }
  context.reply(connection, entry, outcome.err, outcome.body);
  if (context.watches.isOverLimit(connection.id)) {
    // A bounded registry: a connection past watchesPerConnectionMax is closed, not served.
    context.closeConnection(connection, 'too many watches on one connection');
  }
}

type Outcome = { err: number; body: Response | null };
type ReadRequest = Parameters<typeof executeRead>[0];
type WatchCheckRequest = Extract<Request, { type: 'checkWatches' | 'removeWatches' }>;

function answerRequest(
  context: RequestContext,
  connection: ConnectionState,
  request: Request,
): Outcome {
  switch (request.type) {
    case 'exists':
    case 'getData':
    case 'getChildren':
    case 'getACL':
    case 'getAllChildrenNumber':
    case 'getEphemerals':
    case 'sync':
      return answerRead(context, connection, request);
    case 'multiRead':
    case 'multi':
      return answerCutShortMulti(context, connection, request);
    case 'ping':
      return { err: ErrorCode.Ok, body: null };
    case 'setWatches':
      return answerSetWatches(context, connection, request);
    case 'addWatch':
      // ZooKeeper: an unknown AddWatchMode fails to deserialise on the server: MarshallingError.
      if (
        request.mode !== AddWatchMode.persistent &&
        request.mode !== AddWatchMode.persistentRecursive
      ) {
        return { err: ErrorCode.MarshallingError, body: null };
      }
      // ZooKeeper registers a watch under a null path, which no change can ever fire.
      if (request.path !== null)
        context.watches.addWatch(connection.id, request.path, request.mode);
      return { err: ErrorCode.Ok, body: { type: 'addWatch' } };
    case 'checkWatches':
    case 'removeWatches':
      return answerCheckWatches(context, connection, request);
    case 'whoAmI':
      return { err: ErrorCode.Ok, body: { type: 'whoAmI', clientInfo: whoAmI(connection) } };
    case 'check':
      // The decoder makes a top-level check an unknown op (3.8.5+); inside multi it is a write.
      return { err: ErrorCode.Unimplemented, body: null };
    case 'create':
    case 'delete':
    case 'setData':
    case 'setACL':
    case 'reconfig': // refused in prep (RequestPipeline.route), so it takes a zxid
    case 'closeSession':
    case 'auth':
    case 'sasl':
      throw new AssertionError(`${request.type} is not answered in order here`);
    default:
      return assertNever(request, 'request');
  }
}

/**
 * ZooKeeper fails a multi whose op has a null path in prep, before it takes a zxid, and then
 * answers MarshallingError with an empty MultiResponse; a multiRead fails at that op and
 * answers MarshallingError with the results of the ops before it. Whole multiRead requests
 * are reads like any other; a whole multi is a write and never comes here.
 */
function answerCutShortMulti(
  context: RequestContext,
  connection: ConnectionState,
  request: Extract<Request, { type: 'multi' | 'multiRead' }>,
): Outcome {
  if (request.type === 'multi') {
    assert(request.isCutShortByNull === true, 'a whole multi is answered as a write');
    return { err: ErrorCode.MarshallingError, body: { type: 'multi', results: [] } };
  }
  const outcome = answerRead(context, connection, request);
  return request.isCutShortByNull ? { ...outcome, err: ErrorCode.MarshallingError } : outcome;
}

/** Reads run against the applied tree; a watch they ask for is set in the same turn. */
function answerRead(
  context: RequestContext,
  connection: ConnectionState,
  request: ReadRequest,
): Outcome {
  const outcome = executeRead(request, {
    tree: context.tree,
    sessionId: connection.sessionId ?? 0n,
    identities: connection.identities,
    skipAcl: context.options.skipAcl,
  });
  if (outcome.watch !== null) {
    if (outcome.watch.kind === 'data')
      context.watches.addDataWatch(connection.id, outcome.watch.path);
    else context.watches.addChildWatch(connection.id, outcome.watch.path);
  }
  // Its watch is registered; the outcome itself is the answer (no copy per read).
  return outcome;
}

/** Re-registers a reconnecting client's watches; changes it missed fire at once. */
function answerSetWatches(
  context: RequestContext,
  connection: ConnectionState,
  request: Extract<Request, { type: 'setWatches' }>,
): Outcome {
  const events = context.watches.setWatches(connection.id, request, {
    getNode: (path) => {
      const node = context.tree.getNode(path);
      return node === undefined ? undefined : context.tree.statOf(node);
    },
  });
  for (const event of events) {
    context.emit({
      kind: 'notification',
      connectionId: connection.id,
      notification: { zxid: -1n, event },
    });
  }
  // ZooKeeper fails on the null that ended the walk, after the watches and events before it.
  return { err: request.isCutShortByNull ? ErrorCode.MarshallingError : ErrorCode.Ok, body: null };
}

function answerCheckWatches(
  context: RequestContext,
  connection: ConnectionState,
  request: WatchCheckRequest,
): Outcome {
  const remove = request.type === 'removeWatches';
  // ZooKeeper 3.8: checkWatches(null) fails walking the path (−5); removeWatches(null) finds no
  // watcher under a null path.
  if (request.path === null) {
    return { err: remove ? ErrorCode.NoWatcher : ErrorCode.MarshallingError, body: null };
  }
  if (!remove && request.path !== '' && !request.path.startsWith('/')) {
    // ZooKeeper 3.8: checkWatches walks the path's parents (PathParentIterator), which throws
    // on a non-empty path without a leading slash: FinalRequestProcessor answers −5.
    return { err: ErrorCode.MarshallingError, body: null };
  }
  const found = context.watches.checkWatches(
    connection.id,
    request.path,
    request.watcherType,
    remove,
  );
  if (found === 'badType') return { err: ErrorCode.MarshallingError, body: null };
  if (found === 'noWatcher') return { err: ErrorCode.NoWatcher, body: null };
  return { err: ErrorCode.Ok, body: null };
}

/** ZooKeeper: AuthUtil.getClientInfos over the connection's authInfo, in its hash order. */
function whoAmI(connection: ConnectionState): ClientInfo[] {
  return javaConcurrentSetOrder(connection.identities).map((identity) => {
    if (identity.scheme === 'digest') {
      const colon = identity.id.indexOf(':');
      return { authScheme: 'digest', user: colon < 0 ? identity.id : identity.id.slice(0, colon) };
    }
    return { authScheme: identity.scheme, user: identity.id };
  });
}
