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

/** A write submitted on this server, waiting for its txn to be applied. */
interface LocalWrite {
  cxid: number;
  connectionId: number;
  request: WriteRequest;
}

/** Who waits, on this server, for a session's createSession or closeSession txn. */
interface SessionOrigin {
  kind: 'createSession' | 'closeSession';
  connectionId: number;
}

function sessionOriginKey(sessionId: bigint, kind: SessionOrigin['kind']): string {
  return `${sessionId.toString(16)}:${kind}`;
}

export class CommitPipeline {
  /**
   * Each session's local writes in submission order. A session's txns are applied in the order
   * its writes were submitted, so a committed txn is this server's own when it carries the cxid
   * of its session's oldest local write (ZooKeeper: CommitProcessor matches a commit against the
   * head of its queued local writes). Matching by order, not by cxid alone, keeps a client that
   * repeats an xid, or resumes its session on a new connection while writes of the old one are
   * in flight, from having another request's txn answer its own.
   */
  private readonly localWrites = new Map<bigint, LocalWrite[]>();
  private readonly sessionOrigins = new Map<string, SessionOrigin>();
  private localWriteCount = 0;

  constructor(private readonly peer: Peer) {}

  get pendingOriginCount(): number {
    return this.localWriteCount + this.sessionOrigins.size;
  }

  /** Drops every local origin (their connections are being closed: replication lost its leader). */
  forgetOrigins(): void {
    this.localWrites.clear();
    this.localWriteCount = 0;
    this.sessionOrigins.clear();
  }

  submitWrite(connection: ConnectionState, request: WriteRequest, xid: number): void {
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'a write needs a session');
    const write: LocalWrite = { cxid: xid, connectionId: connection.id, request };
    const writes = this.localWrites.get(sessionId);
    if (writes === undefined) this.localWrites.set(sessionId, [write]);
    else writes.push(write);
    this.localWriteCount += 1;
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
    this.sessionOrigins.set(sessionOriginKey(sessionId, 'createSession'), {
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
      this.sessionOrigins.set(sessionOriginKey(sessionId, 'closeSession'), {
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
    if (txn !== null) this.peer.propose(txn);
  }

  /** Applies one committed txn (called by replication in zxid order). */
  apply(txn: Txn): void {
    const peer = this.peer;
    const { result, events } = peer.tree.apply(txn);
    peer.pending.applied(txn.zxid);
    this.trackSessions(txn);
    this.notify(events);
    const body = txn.body.type;
    if (body === 'createSession' || body === 'closeSession') {
      const key = sessionOriginKey(txn.sessionId, body);
      const origin = this.sessionOrigins.get(key);
      this.sessionOrigins.delete(key);
      if (body === 'closeSession') this.finishCloseSession(txn, origin);
      else if (origin !== undefined) this.establishSession(origin.connectionId, txn);
      return;
    }
    const write = this.takeLocalWrite(txn, result);
    if (write !== undefined) this.answerWrite(write, txn, result);
  }

  /** The local write `txn` answers, if any: its session's oldest, when the cxid and kind fit. */
  private takeLocalWrite(txn: Txn, result: TxnResult): LocalWrite | undefined {
    const writes = this.localWrites.get(txn.sessionId);
    const oldest = writes?.[0];
    // A txn of the same session and cxid that does not fit the request came from another server
    // (a client holding its session on two servers at once): it is not this server's to answer.
    if (oldest === undefined || oldest.cxid !== txn.cxid || !resultFits(oldest.request, result))
      return undefined;
    writes?.shift();
    if (writes?.length === 0) this.localWrites.delete(txn.sessionId);
    this.localWriteCount -= 1;
    return oldest;
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
    this.peer.propose(prepareWrite(request, context));
  }

  private proposeCreateSession(sessionId: bigint, timeoutMs: number): void {
    const txn = prepareCreateSession({ ...this.context(sessionId, 0), sessionId }, timeoutMs);
    this.peer.propose(txn);
  }

  private proposeCloseSession(sessionId: bigint): void {
    this.peer.sessions.setClosing(sessionId);
    this.peer.propose(prepareCloseSession(this.context(sessionId, 0), sessionId));
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

  private answerWrite(origin: LocalWrite, txn: Txn, result: TxnResult): void {
    const connection = this.peer.connections.get(origin.connectionId);
    // A connection the server closed dropped its queue: its writes still apply, unanswered.
    if (connection === undefined || connection.phase === 'closed') return;
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

  private finishCloseSession(txn: Txn, origin: SessionOrigin | undefined): void {
    const peer = this.peer;
    const connection = origin === undefined ? undefined : peer.connections.get(origin.connectionId);
    if (connection !== undefined && connection.phase !== 'closed') {
      // The client's closeSession is the last request its connection took. Requests before it
      // may still wait (a learner's sync, when the leader expired the session first): the
      // connection closes with the session, and they go unanswered, as in ZooKeeper.
      const entry = connection.queue.at(-1);
      assert(
        entry?.kind === 'write' && entry.request.type === 'closeSession',
        () => `connection ${connection.id} closing its session has no closeSession queued`,
      );
      connection.queue.length = 0;
      peer.reply(connection, entry, { err: ErrorCode.Ok, body: null, zxid: txn.zxid });
      peer.closeConnection(connection, 'session closed by the client');
    }
    const carrierId = peer.connectionBySession.get(txn.sessionId);
    const carrier = carrierId === undefined ? undefined : peer.connections.get(carrierId);
    // ZooKeeper closes the socket of an expired session; the client learns of it on reconnect.
    if (carrier !== undefined) peer.closeConnection(carrier, 'session expired');
  }
}

/** Whether an applied txn's result can answer `request`: an error answers any write. */
function resultFits(request: WriteRequest, result: TxnResult): boolean {
  switch (result.type) {
    case 'error':
      return true;
    case 'multi':
      return request.type === 'multi' && request.ops.length === result.results.length;
    case 'multiError':
      return request.type === 'multi' && request.ops.length === result.errs.length;
    default:
      return request.type === result.type;
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
