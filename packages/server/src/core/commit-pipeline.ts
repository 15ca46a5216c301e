// Client writes from submission to reply. A local write is remembered by its origin (session,
// cxid) and handed to replication: the leader prepares it (prep/) and proposes it; a follower
// forwards it to the leader. Every replica then applies committed txns in zxid order: the tree
// changes, watches fire, and the server where the request arrived answers it.

import { ErrorCode, Perms, assert } from '@zoo/client/protocol';
import type { Txn } from './txn.js';
import type { PrepContext, WriteRequest } from './prep/prepare-request.js';
import {
  prepareCloseSession,
  prepareCreateSession,
  prepareDeleteContainer,
  prepareWrite,
} from './prep/prepare-request.js';
import { writeReply } from './prep/to-reply.js';
import type { TreeEvent, TxnResult } from './tree/data-tree.js';
import type { ConnectionState } from './connection-state.js';
import type { ForwardedRequestMessage } from './replication.js';
import type { Identity } from './acl/identity.js';
import { checkAcl } from './acl/check-acl.js';
import { answerInOrderRequest, isWriteRequest } from './request-kinds.js';
import { sessionPassword } from './sessions/session-table.js';
import type { Peer } from './peer.js';

/** Who waits, on this server, for the txn of a given (session, cxid). */
type LocalOrigin =
  | { kind: 'write'; connectionId: number; request: WriteRequest }
  | { kind: 'createSession'; connectionId: number }
  | { kind: 'closeSession'; connectionId: number };

/** The key of a txn's origin: creates and closes of sessions have their own. */
function originKey(sessionId: bigint, cxid: number | 'create' | 'close'): string {
  return `${sessionId.toString(16)}:${cxid}`;
}

function keyOfTxn(txn: Txn): string {
  if (txn.body.type === 'createSession') return originKey(txn.sessionId, 'create');
  if (txn.body.type === 'closeSession') return originKey(txn.sessionId, 'close');
  return originKey(txn.sessionId, txn.cxid);
}

export class CommitPipeline {
  private readonly origins = new Map<string, LocalOrigin>();

  constructor(private readonly peer: Peer) {}

  get pendingOriginCount(): number {
    return this.origins.size;
  }

  /** Drops every local origin (their connections are being closed: replication lost its leader). */
  forgetOrigins(): void {
    this.origins.clear();
  }

  submitWrite(connection: ConnectionState, request: WriteRequest, xid: number): void {
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'a write needs a session');
    this.origins.set(originKey(sessionId, xid), {
      kind: 'write',
      connectionId: connection.id,
      request,
    });
    const replication = this.peer.replication;
    if (replication.role === 'leading') {
      this.proposeWrite(request, { sessionId, cxid: xid, identities: connection.identities });
      return;
    }
    replication.forward(
      forwarded(sessionId, xid, connection.identities, { type: 'write', request }),
    );
  }

  submitCreateSession(connection: ConnectionState, timeoutMs: number): void {
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'createSession needs the allocated session id');
    this.origins.set(originKey(sessionId, 'create'), {
      kind: 'createSession',
      connectionId: connection.id,
    });
    if (this.peer.replication.role === 'leading') {
      this.proposeCreateSession(sessionId, timeoutMs);
      return;
    }
    this.peer.replication.forward(
      forwarded(sessionId, 0, [], { type: 'createSession', timeoutMs }),
    );
  }

  /** A client's closeSession (`connection` set) or the leader's expiry of a silent session. */
  submitCloseSession(sessionId: bigint, connection: ConnectionState | null): void {
    if (connection !== null) {
      this.origins.set(originKey(sessionId, 'close'), {
        kind: 'closeSession',
        connectionId: connection.id,
      });
    }
    if (this.peer.replication.role === 'leading') {
      this.proposeCloseSession(sessionId);
      return;
    }
    this.peer.replication.forward(forwarded(sessionId, 0, [], { type: 'closeSession' }));
  }

  /** Leader: a learner forwarded a client's request; prepare and propose it like a local one. */
  onForwarded(message: ForwardedRequestMessage): void {
    const { origin, request } = message;
    switch (request.type) {
      case 'write':
        if (!isWriteRequest(request.request)) return;
        this.proposeWrite(request.request, { ...origin, identities: message.identities });
        return;
      case 'createSession':
        this.proposeCreateSession(origin.sessionId, request.timeoutMs);
        return;
      case 'closeSession':
        this.proposeCloseSession(origin.sessionId);
        return;
    }
  }

  proposeDeleteContainer(path: string): void {
    const txn = prepareDeleteContainer(path, this.context(0n, 0), {
      maxNeverUsedIntervalMs: this.peer.options.containerMaxNeverUsedIntervalMs,
    });
    // A node that stopped being reapable since the scan needs no txn at all.
    if (txn !== null) this.peer.replication.propose(txn);
  }

  /** Applies one committed txn (called by replication in zxid order). */
  apply(txn: Txn): void {
    const peer = this.peer;
    const { result, events } = peer.tree.apply(txn);
    peer.pending.applied(txn.zxid);
    this.trackSessions(txn);
    this.notify(events);
    const key = keyOfTxn(txn);
    const origin = this.origins.get(key);
    if (origin !== undefined) this.origins.delete(key);
    if (txn.body.type === 'closeSession') {
      this.finishCloseSession(txn, origin);
      return;
    }
    if (origin?.kind === 'write') this.answerWrite(origin, txn, result);
    if (origin?.kind === 'createSession') this.establishSession(origin.connectionId, txn);
  }

  /** Answers the requests that were waiting behind a write, up to the next write or sync. */
  drainReads(connection: ConnectionState): void {
    while (connection.queue.length > 0) {
      const next = connection.queue[0];
      assert(next !== undefined, 'queue head');
      if (next.kind === 'write' || (next.kind === 'sync' && !next.isDone)) return;
      connection.queue.shift();
      answerInOrderRequest(this.peer, connection, next);
    }
  }

  private proposeWrite(
    request: WriteRequest,
    origin: { sessionId: bigint; cxid: number; identities: readonly Identity[] },
  ): void {
    const context: PrepContext = {
      ...this.context(origin.sessionId, origin.cxid),
      sessionId: origin.sessionId,
      identities: origin.identities,
      options: {
        extendedTypesEnabled: this.peer.options.extendedTypesEnabled,
        skipAcl: this.peer.options.skipAcl,
        packetBytesMax: this.peer.options.packetBytesMax,
      },
      checkSession: () => {
        const session = this.peer.sessions.get(origin.sessionId);
        return session === undefined || session.isClosing ? ErrorCode.SessionExpired : 0;
      },
    };
    this.peer.replication.propose(prepareWrite(request, context));
  }

  private proposeCreateSession(sessionId: bigint, timeoutMs: number): void {
    const txn = prepareCreateSession({ ...this.context(sessionId, 0), sessionId }, timeoutMs);
    this.peer.replication.propose(txn);
  }

  private proposeCloseSession(sessionId: bigint): void {
    this.peer.sessions.setClosing(sessionId);
    this.peer.replication.propose(prepareCloseSession(this.context(sessionId, 0), sessionId));
  }

  private context(sessionId: bigint, cxid: number) {
    const peer = this.peer;
    return {
      tree: peer.tree,
      pending: peer.pending,
      zxid: peer.replication.nextZxid(),
      timeMs: peer.nowMs,
      sessionId,
      cxid,
    };
  }

  /** Every replica tracks every session: created and removed by txns, in zxid order. */
  private trackSessions(txn: Txn): void {
    const sessions = this.peer.sessions;
    if (txn.body.type === 'createSession')
      sessions.add(txn.sessionId, txn.body.timeoutMs, this.peer.nowMs);
    if (txn.body.type === 'closeSession') sessions.remove(txn.sessionId);
  }

  private notify(events: readonly TreeEvent[]): void {
    const peer = this.peer;
    const skipAcl = peer.options.skipAcl;
    const canRead = (connectionId: number, acl: TreeEvent['acl']): boolean => {
      const connection = peer.connections.get(connectionId);
      if (connection === undefined) return false;
      return skipAcl || checkAcl(acl, Perms.read, connection.identities);
    };
    for (const event of events) {
      for (const delivery of peer.watches.trigger(event, canRead)) {
        // ZooKeeper 3.8 sends −1 as a notification's zxid (3.9 sends the txn's).
        peer.emit({
          kind: 'notification',
          connectionId: delivery.connectionId,
          notification: { zxid: -1n, event: delivery.event },
        });
      }
    }
  }

  private answerWrite(
    origin: Extract<LocalOrigin, { kind: 'write' }>,
    txn: Txn,
    result: TxnResult,
  ): void {
    const connection = this.peer.connections.get(origin.connectionId);
    if (connection === undefined) return;
    const entry = connection.queue.shift();
    assert(
      entry !== undefined && entry.kind === 'write' && entry.xid === txn.cxid,
      () => `connection ${connection.id} expected the reply of xid ${txn.cxid} at its head`,
    );
    const outcome = writeReply(origin.request, result);
    this.peer.reply(connection, entry, { ...outcome, zxid: txn.zxid });
    this.drainReads(connection);
  }

  private establishSession(connectionId: number, txn: Txn): void {
    const peer = this.peer;
    const connection = peer.connections.get(connectionId);
    if (connection === undefined || connection.phase !== 'creatingSession') {
      // The client left before its session was created: the session expires on its own.
      return;
    }
    assert(connection.sessionId === txn.sessionId, 'createSession answers its own connection');
    connection.phase = 'established';
    peer.connectionBySession.set(txn.sessionId, connection.id);
    peer.emit({
      kind: 'connectResponse',
      connectionId,
      response: {
        protocolVersion: 0,
        timeoutMs: connection.sessionTimeoutMs,
        sessionId: txn.sessionId,
        passwd: sessionPassword(txn.sessionId),
        ...(connection.sentReadOnlyFlag ? { readOnly: false } : {}),
      },
    });
    peer.releaseBeforeEstablished(connection);
  }

  private finishCloseSession(txn: Txn, origin: LocalOrigin | undefined): void {
    const peer = this.peer;
    if (origin?.kind === 'closeSession') {
      const connection = peer.connections.get(origin.connectionId);
      const entry = connection?.queue.shift();
      if (connection !== undefined && entry !== undefined) {
        assert(entry.kind === 'write', 'closeSession reply at the queue head');
        peer.reply(connection, entry, { err: ErrorCode.Ok, body: null, zxid: txn.zxid });
        peer.closeConnection(connection, 'session closed by the client');
      }
    }
    const carrierId = peer.connectionBySession.get(txn.sessionId);
    const carrier = carrierId === undefined ? undefined : peer.connections.get(carrierId);
    // ZooKeeper closes the socket of an expired session; the client learns of it on reconnect.
    if (carrier !== undefined) peer.closeConnection(carrier, 'session expired');
  }
}

function forwarded(
  sessionId: bigint,
  cxid: number,
  identities: readonly Identity[],
  request: ForwardedRequestMessage['request'],
): ForwardedRequestMessage {
  return {
    type: 'request',
    origin: { sessionId, cxid },
    request,
    identities: identities.map((identity) => ({ scheme: identity.scheme, id: identity.id })),
  };
}
