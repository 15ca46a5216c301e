// Messages between peers of an ensemble (ZooKeeper: FastLeaderElection notifications and the
// Zab 1.0 quorum packets of Leader.java). Plain data, so any transport can carry them; the ws
// adapter encodes them with msgpackr and validates them on the way in.

import type { Request } from '@zoo/client/protocol';
import type { Txn } from '../tree/txn.js';
import type { SnapshotNode, SnapshotSession, SnapshotStream } from '../tree/tree-snapshot.js';

/** A peer's state as election notifications report it. */
export type ServerState = 'looking' | 'following' | 'leading' | 'observing';

/** A vote, ordered by (epoch, zxid, leader): FastLeaderElection.totalOrderPredicate. */
export interface Vote {
  leader: number;
  /** The candidate's last logged zxid. */
  zxid: bigint;
  /** The candidate's current (accepted) epoch: peerEpoch. */
  epoch: number;
}

/** The identity of a client request forwarded by a follower, to match its commit back. */
export interface RequestOrigin {
  sessionId: bigint;
  cxid: number;
}

export type PeerMessage =
  // ---- election ----
  /** FastLeaderElection notification: my vote in election round `round`, and my state. */
  | { type: 'vote'; round: number; vote: Vote; state: ServerState }
  // ---- discovery (Zab phase 1) ----
  /** Learner → leader: FOLLOWERINFO (or OBSERVERINFO). */
  | { type: 'followerInfo'; acceptedEpoch: number; lastZxid: bigint; isObserver: boolean }
  /** Leader → learner: LEADERINFO with the new epoch. */
  | { type: 'leaderInfo'; epoch: number }
  /**
   * Learner → leader: ACKEPOCH with the learner's current epoch and last zxid. `epoch` names the
   * LEADERINFO epoch it accepts: ZooKeeper gets that from a fresh TCP connection per learner
   * session, but our links outlive sessions, so a learner that re-follows the same leader can
   * answer a stale LEADERINFO, and the leader must not count that answer for its new epoch.
   */
  | { type: 'ackEpoch'; epoch: number; currentEpoch: number; lastZxid: bigint }
  // ---- synchronization (phase 2) ----
  /** Leader → learner: DIFF — the proposals and commits that follow bring it up to `zxid`. */
  | { type: 'diff'; zxid: bigint }
  /** Leader → learner: TRUNC — drop every logged txn after `zxid`. */
  | { type: 'trunc'; zxid: bigint }
  /**
   * Leader → learner: SNAP — replace the whole state by the snapshot at `zxid`, whose
   * `nodeCount` nodes follow in snapNodes parts, in snapshot order, with nothing between them.
   */
  | { type: 'snap'; zxid: bigint; nodeCount: number; sessions: SnapshotSession[] }
  | { type: 'snapNodes'; zxid: bigint; nodes: SnapshotNode[] }
  /** Leader → learner: NEWLEADER — after the sync txns; the learner persists, then acks. */
  | { type: 'newLeader'; epoch: number; zxid: bigint }
  /** Learner → leader: ACK of NEWLEADER. */
  | { type: 'ackNewLeader'; zxid: bigint }
  /** Leader → learner: UPTODATE — a quorum acked NEWLEADER; start serving. */
  | { type: 'upToDate' }
  // ---- broadcast (phase 3) ----
  | { type: 'proposal'; txn: Txn }
  /** Learner → leader: the learner has persisted every proposal up to `zxid`. */
  | { type: 'ack'; zxid: bigint }
  /** Leader → learner: every proposal up to `zxid` is committed. */
  | { type: 'commit'; zxid: bigint }
  /** Observers get committed txns only (INFORM). */
  | { type: 'inform'; txn: Txn }
  // ---- liveness and sessions ----
  /** Leader → learner: heartbeat; the learner answers with the sessions its clients touched. */
  | { type: 'ping'; zxid: bigint }
  | { type: 'pong'; touchedSessions: bigint[] }
  // ---- client requests through a learner ----
  /** Learner → leader: a client write (or createSession/closeSession) to prepare and propose. */
  | {
      type: 'request';
      origin: RequestOrigin;
      request: ForwardedRequest;
      /** The connection's identities (ip, digest, super): ACLs are checked on the leader. */
      identities: { scheme: string; id: string }[];
    }
  /** Learner → leader: a client's sync; the leader answers after every commit sent so far. */
  | { type: 'sync'; origin: RequestOrigin; path: string }
  | { type: 'syncDone'; origin: RequestOrigin; path: string }
  /**
   * Learner → leader: REVALIDATE — a client resumes this session here; is it alive? The
   * learner's connection id travels along (ZooKeeper keys by session only) so that an answer
   * can only ever finish the handshake that asked for it.
   */
  | RevalidateMessage
  /** Leader → learner: the session exists and is not closing (it has been touched), or not. */
  | RevalidatedMessage;

export interface RevalidateMessage {
  type: 'revalidate';
  sessionId: bigint;
  timeoutMs: number;
  connectionId: number;
}

export interface RevalidatedMessage {
  type: 'revalidated';
  sessionId: bigint;
  connectionId: number;
  isValid: boolean;
}

/** What a learner sends its leader for its clients: their writes and session revalidations. */
export type LeaderBoundMessage = Extract<PeerMessage, { type: 'request' }> | RevalidateMessage;

/** What a learner forwards: a client write, or a session's creation/close. */
export type ForwardedRequest =
  | { type: 'write'; request: Request }
  /** A write the learner's client sent that prep refuses at once; it still takes a zxid. */
  | { type: 'refused'; err: number }
  | { type: 'createSession'; timeoutMs: number }
  | { type: 'closeSession' };

/** The REQUEST a learner sends its leader for one of its clients' sessions. */
export function forwardedRequest(
  sessionId: bigint,
  cxid: number,
  identities: readonly { scheme: string; id: string }[],
  request: ForwardedRequest,
): Extract<PeerMessage, { type: 'request' }> {
  return {
    type: 'request',
    origin: { sessionId, cxid },
    request,
    identities: identities.map((identity) => ({ scheme: identity.scheme, id: identity.id })),
  };
}

/**
 * What a leader hands its transport for a SNAP: the snapshot as a stream (a walk of the tree,
 * nothing copied). The transport sends it as a `snap` head and `snapNodes` parts, reading the
 * stream only as fast as the link drains, and holds every later message to that peer behind
 * the last part. It reads the stream to its end, or abandons it if the link is down or goes.
 */
export interface SnapSend {
  type: 'snapSend';
  snapshot: SnapshotStream;
}

/** What a peer sends: a message, or a SNAP its transport streams as messages. */
export type OutgoingMessage = PeerMessage | SnapSend;

export interface PeerEnvelope {
  to: number;
  message: PeerMessage;
}

/** What Zab hands the loop to send: a message, or a SNAP for the transport to stream. */
export interface OutgoingEnvelope {
  to: number;
  message: OutgoingMessage;
}

export function describeMessage(message: OutgoingMessage): string {
  const hex = (zxid: bigint): string => `0x${zxid.toString(16)}`;
  switch (message.type) {
    case 'vote':
      return (
        `vote r${message.round} ${message.state} for ${message.vote.leader} ` +
        `(e${message.vote.epoch} ${hex(message.vote.zxid)})`
      );
    case 'followerInfo':
      return `followerInfo e${message.acceptedEpoch} ${hex(message.lastZxid)}${
        message.isObserver ? ' observer' : ''
      }`;
    case 'leaderInfo':
      return `leaderInfo e${message.epoch}`;
    case 'ackEpoch':
      return `ackEpoch e${message.epoch} current=e${message.currentEpoch} ${hex(message.lastZxid)}`;
    case 'diff':
    case 'trunc':
    case 'ack':
    case 'commit':
    case 'ping':
    case 'ackNewLeader':
      return `${message.type} ${hex(message.zxid)}`;
    case 'snap':
      return `snap ${hex(message.zxid)} nodes=${message.nodeCount}`;
    case 'snapNodes':
      return `snapNodes ${hex(message.zxid)} ×${message.nodes.length}`;
    case 'snapSend':
      return `snap ${hex(message.snapshot.zxid)} nodes=${message.snapshot.nodeCount} (streamed)`;
    case 'newLeader':
      return `newLeader e${message.epoch} ${hex(message.zxid)}`;
    case 'upToDate':
      return 'upToDate';
    case 'proposal':
    case 'inform':
      return `${message.type} ${hex(message.txn.zxid)} ${message.txn.body.type}`;
    case 'pong':
      return `pong touched=${message.touchedSessions.length}`;
    case 'request':
      return `request ${describeOrigin(message.origin)} ${message.request.type}`;
    case 'sync':
    case 'syncDone':
      return `${message.type} ${describeOrigin(message.origin)} ${message.path}`;
    case 'revalidate':
      return `revalidate 0x${message.sessionId.toString(16)} conn ${message.connectionId}`;
    case 'revalidated':
      return (
        `revalidated 0x${message.sessionId.toString(16)} conn ${message.connectionId} ` +
        (message.isValid ? 'valid' : 'invalid')
      );
  }
}

function describeOrigin(origin: RequestOrigin): string {
  return `0x${origin.sessionId.toString(16)}:${origin.cxid}`;
}
