// Proposed txns in zxid order, from proposal to commit: once the log says a prefix is durable
// (the standalone self-ACK; later a quorum's ACKs), each txn is applied to the tree, its watch
// events become notifications, and the connection that asked gets its reply — in that order.

import { ErrorCode, assert } from '@zoo/client/protocol';
import type { Txn } from './txn.js';
import type { WriteRequest } from './prep/prepare-request.js';
import {
  prepareCloseSession,
  prepareCreateSession,
  prepareDeleteContainer,
} from './prep/prepare-request.js';
import { writeReply } from './prep/to-reply.js';
import type { TreeEvent, TxnResult } from './tree/data-tree.js';
import type { ConnectionState } from './connection-state.js';
import type { Peer } from './peer.js';
import { answerInOrderRequest } from './request-kinds.js';
import { sessionPassword } from './sessions/session-table.js';
import { checkAcl } from './acl/check-acl.js';
import { Perms } from '@zoo/client/protocol';

/** Who is waiting for a proposal, and what to tell them once it is applied. */
export type ProposalOrigin =
  | { kind: 'write'; connectionId: number; xid: number; request: WriteRequest }
  | { kind: 'createSession'; connectionId: number }
  | { kind: 'closeSession'; connectionId: number | null; xid: number }
  | { kind: 'internal' };

interface Proposal {
  txn: Txn;
  origin: ProposalOrigin;
}

export class CommitPipeline {
  private readonly uncommitted: Proposal[] = [];
  private head = 0;
  private lastProposedZxid: bigint;

  constructor(private readonly peer: Peer) {
    this.lastProposedZxid = peer.tree.lastZxid;
  }

  /** The zxid the next proposal takes. Every write, even a failing one, consumes one. */
  get nextZxid(): bigint {
    return this.lastProposedZxid + 1n;
  }

  get uncommittedCount(): number {
    return this.uncommitted.length - this.head;
  }

  propose(txn: Txn, origin: ProposalOrigin): void {
    assert(
      txn.zxid === this.nextZxid,
      () => `proposal zxid 0x${txn.zxid.toString(16)} out of order`,
    );
    this.lastProposedZxid = txn.zxid;
    this.uncommitted.push({ txn, origin });
    this.peer.appendToLog(txn);
  }

  proposeCreateSession(connection: ConnectionState, timeoutMs: number): void {
    const sessionId = connection.sessionId;
    assert(sessionId !== null, 'createSession needs the allocated session id');
    const txn = prepareCreateSession(this.context(sessionId), timeoutMs);
    this.propose(txn, { kind: 'createSession', connectionId: connection.id });
  }

  proposeCloseSession(
    sessionId: bigint,
    origin: { connection: ConnectionState; xid: number } | null,
  ): void {
    const txn = prepareCloseSession(this.context(sessionId), sessionId);
    const connectionId = origin === null ? null : origin.connection.id;
    this.propose(txn, {
      kind: 'closeSession',
      connectionId,
      xid: origin === null ? 0 : origin.xid,
    });
  }

  proposeDeleteContainer(path: string): void {
    const txn = prepareDeleteContainer(path, this.context(0n));
    // A node that stopped being reapable since the scan needs no txn at all.
    if (txn !== null) this.propose(txn, { kind: 'internal' });
  }

  /** The prep context for a txn proposed now on behalf of `sessionId`. */
  context(sessionId: bigint, extra?: { cxid: number; identities: ConnectionState['identities'] }) {
    const peer = this.peer;
    return {
      tree: peer.tree,
      pending: peer.pending,
      zxid: this.nextZxid,
      timeMs: peer.nowMs,
      sessionId,
      cxid: extra?.cxid ?? 0,
      identities: extra?.identities ?? [],
      options: {
        extendedTypesEnabled: peer.options.extendedTypesEnabled,
        skipAcl: peer.options.skipAcl,
        packetBytesMax: peer.options.packetBytesMax,
      },
    };
  }

  /** Applies, in zxid order, every proposal up to `upTo` (which the log has made durable). */
  commit(upTo: bigint): void {
    while (this.head < this.uncommitted.length) {
      const proposal = this.uncommitted[this.head];
      assert(proposal !== undefined, 'proposal slot');
      if (proposal.txn.zxid > upTo) break;
      this.head += 1;
      this.apply(proposal);
    }
    if (this.head > 1024 && this.head * 2 > this.uncommitted.length) {
      this.uncommitted.splice(0, this.head);
      this.head = 0;
    }
  }

  invariants(): void {
    let previous = this.peer.tree.lastZxid;
    for (let i = this.head; i < this.uncommitted.length; i += 1) {
      const proposal = this.uncommitted[i];
      assert(proposal !== undefined, 'proposal slot');
      assert(
        proposal.txn.zxid === previous + 1n,
        'uncommitted proposals are contiguous after the tree',
      );
      previous = proposal.txn.zxid;
    }
    assert(previous === this.lastProposedZxid, 'last proposed zxid matches the queue');
  }

  private apply(proposal: Proposal): void {
    const peer = this.peer;
    const { result, events } = peer.tree.apply(proposal.txn);
    peer.pending.applied(proposal.txn.zxid);
    this.notify(events);
    const origin = proposal.origin;
    switch (origin.kind) {
      case 'write':
        return this.answerWrite(origin, proposal.txn, result);
      case 'createSession':
        return this.establishSession(origin.connectionId, proposal.txn);
      case 'closeSession':
        return this.finishCloseSession(origin, proposal.txn);
      case 'internal':
        return;
    }
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
    origin: Extract<ProposalOrigin, { kind: 'write' }>,
    txn: Txn,
    result: TxnResult,
  ): void {
    const connection = this.peer.connections.get(origin.connectionId);
    if (connection === undefined) return;
    const entry = connection.queue.shift();
    assert(
      entry !== undefined && entry.kind === 'write' && entry.zxid === txn.zxid,
      () =>
        `connection ${connection.id} expected the reply of 0x${txn.zxid.toString(16)} at its head`,
    );
    const outcome = writeReply(origin.request, result);
    this.peer.reply(connection, entry, { ...outcome, zxid: txn.zxid });
    this.drainReads(connection);
  }

  /** Answers the requests that were waiting behind a write, up to the next write. */
  drainReads(connection: ConnectionState): void {
    while (connection.queue.length > 0) {
      const next = connection.queue[0];
      assert(next !== undefined, 'queue head');
      if (next.kind === 'write') return;
      connection.queue.shift();
      answerInOrderRequest(this.peer, connection, next);
    }
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

  private finishCloseSession(
    origin: Extract<ProposalOrigin, { kind: 'closeSession' }>,
    txn: Txn,
  ): void {
    const peer = this.peer;
    peer.sessions.remove(txn.sessionId);
    if (origin.connectionId !== null) {
      const connection = peer.connections.get(origin.connectionId);
      if (connection !== undefined) {
        const entry = connection.queue.shift();
        assert(
          entry !== undefined && entry.kind === 'write',
          'closeSession reply at the queue head',
        );
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
