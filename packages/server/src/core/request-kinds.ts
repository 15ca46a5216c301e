// Answers the requests that are not writes, in their turn on their connection: reads (against
// the applied tree), pings, sync, watch management, whoAmI. FinalRequestProcessor's read side.

import { AddWatchMode, AssertionError, ErrorCode, Xid, assertNever } from '@zoo/client/protocol';
import type { ClientInfo, Request, Response } from '@zoo/client/protocol';
import { executeRead } from './reads/execute-read.js';
import type { WriteRequest } from './prep/prepare-request.js';
import type { ConnectionState, QueuedRequest } from './connection-state.js';
import type { Peer } from './peer.js';

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

/** Answers a non-write request now: the caller guarantees no earlier write of it is pending. */
export function answerInOrderRequest(
  peer: Peer,
  connection: ConnectionState,
  entry: QueuedRequest,
): void {
  if (entry.kind === 'malformed') {
    peer.reply(connection, entry, { err: ErrorCode.MarshallingError, body: null });
    return;
  }
  const request = entry.request;
  const outcome = answerRequest(peer, connection, request);
  if (request.type === 'ping') {
    // ZooKeeper: ping replies always carry xid −2, whatever the request's xid was.
    peer.reply(connection, { ...entry, xid: Xid.ping }, outcome);
    return;
  }
  peer.reply(connection, entry, outcome);
  if (peer.watches.isOverLimit(connection.id)) {
    // A bounded registry: a connection past watchesPerConnectionMax is closed, not served.
    peer.closeConnection(connection, 'too many watches on one connection');
  }
}

function answerRequest(
  peer: Peer,
  connection: ConnectionState,
  request: Request,
): { err: number; body: Response | null } {
  const sessionId = connection.sessionId ?? 0n;
  switch (request.type) {
    case 'exists':
    case 'getData':
    case 'getChildren':
    case 'getACL':
    case 'getAllChildrenNumber':
    case 'getEphemerals':
    case 'multiRead':
    case 'sync': {
      const outcome = executeRead(request, {
        tree: peer.tree,
        sessionId,
        identities: connection.identities,
        skipAcl: peer.options.skipAcl,
      });
      if (outcome.watch !== null) {
        if (outcome.watch.kind === 'data')
          peer.watches.addDataWatch(connection.id, outcome.watch.path);
        else peer.watches.addChildWatch(connection.id, outcome.watch.path);
      }
      return { err: outcome.err, body: outcome.body };
    }
    case 'ping':
      return { err: ErrorCode.Ok, body: null };
    case 'setWatches': {
      const events = peer.watches.setWatches(connection.id, request, {
        getNode: (path) => {
          const node = peer.tree.getNode(path);
          return node === undefined ? undefined : peer.tree.statOf(node);
        },
      });
      for (const event of events) {
        peer.emit({
          kind: 'notification',
          connectionId: connection.id,
          notification: { zxid: -1n, event },
        });
      }
      return { err: ErrorCode.Ok, body: null };
    }
    case 'addWatch': {
      // ZooKeeper: an unknown AddWatchMode fails to deserialise on the server: MarshallingError.
      if (
        request.mode !== AddWatchMode.persistent &&
        request.mode !== AddWatchMode.persistentRecursive
      ) {
        return { err: ErrorCode.MarshallingError, body: null };
      }
      peer.watches.addWatch(connection.id, request.path, request.mode);
      return { err: ErrorCode.Ok, body: { type: 'addWatch' } };
    }
    case 'checkWatches':
    case 'removeWatches': {
      const remove = request.type === 'removeWatches';
      if (!remove && request.path !== '' && !request.path.startsWith('/')) {
        // ZooKeeper 3.8: checkWatches walks the path's parents (PathParentIterator), which throws
        // on a non-empty path without a leading slash: FinalRequestProcessor answers −5.
        return { err: ErrorCode.MarshallingError, body: null };
      }
      const found = peer.watches.checkWatches(
        connection.id,
        request.path,
        request.watcherType,
        remove,
      );
      if (found === 'badType') return { err: ErrorCode.MarshallingError, body: null };
      if (found === 'noWatcher') return { err: ErrorCode.NoWatcher, body: null };
      return { err: ErrorCode.Ok, body: null };
    }
    case 'whoAmI':
      return { err: ErrorCode.Ok, body: { type: 'whoAmI', clientInfo: whoAmI(connection) } };
    case 'reconfig':
      // ZooKeeper: reconfigEnabled is false by default.
      return { err: ErrorCode.ReconfigDisabled, body: null };
    case 'check':
      // The decoder makes a top-level check an unknown op (3.8.5+); inside multi it is a write.
      return { err: ErrorCode.Unimplemented, body: null };
    case 'create':
    case 'delete':
    case 'setData':
    case 'setACL':
    case 'multi':
    case 'closeSession':
    case 'auth':
    case 'sasl':
      throw new AssertionError(`${request.type} is not answered in order here`);
    default:
      return assertNever(request, 'request');
  }
}

function whoAmI(connection: ConnectionState): ClientInfo[] {
  return connection.identities.map((identity) => {
    if (identity.scheme === 'digest') {
      const colon = identity.id.indexOf(':');
      return { authScheme: 'digest', user: colon < 0 ? identity.id : identity.id.slice(0, colon) };
    }
    return { authScheme: identity.scheme, user: identity.id };
  });
}
