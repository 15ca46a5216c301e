// Feeds a member's MemberMetrics from outside the deterministic core: the core's request
// observer, a TxnLog wrapper timing each durable batch, a PeerSender wrapper seeing proposals,
// commits and learner syncs leave the leader, and a sampler of the replication role (elections).

import type { Peer } from './core/peer/peer.js';
import type { OutgoingMessage } from './core/zab/messages.js';
import type { Clock, PeerSender, Scheduler, TxnLog } from './runtime/env.js';
import { MemberMetrics } from './admin/member-metrics.js';

export interface WiredMetrics {
  readonly metrics: MemberMetrics;
  readonly txnLog: TxnLog;
  readonly peers: PeerSender;
  /** The newest snapshot written or recovered, for `last_snapshot`. */
  lastSnapshot(): { zxid: bigint; timestampMs: number } | null;
  stop(): void;
}

/** Proposals awaiting their commit, at most this many timed (older ones are dropped). */
const timedProposalsMax = 10_000;
/** How often the role is sampled to time elections: well under any election's length. */
const roleSampleIntervalMs = 20;

export function wireMemberMetrics(
  peer: Peer,
  world: { clock: Clock; scheduler: Scheduler; txnLog: TxnLog; peers: PeerSender },
  recoveredZxid: bigint | null,
): WiredMetrics {
  const { clock } = world;
  const metrics = new MemberMetrics(peer.options.serverId, {
    outstandingRequests: () => {
      let outstanding = 0;
      for (const connection of peer.connections.values()) outstanding += connection.queue.length;
      return outstanding;
    },
    znodes: () => peer.tree.nodeCount,
    watches: () => peer.watches.watchCount(),
    sessions: () => [...peer.sessions.sessions()].length,
    connections: () => peer.connections.size,
    isLeader: () => peer.replication.role === 'leading',
    lastZxid: () => peer.lastZxid,
  });
  peer.stats.observer = (opCode, latencyMs) => metrics.requestAnswered(opCode, latencyMs);
  let lastSnapshot =
    recoveredZxid === null ? null : { zxid: recoveredZxid, timestampMs: clock.nowMs() };
  const txnLog: TxnLog = {
    write(ops, done) {
      const startMs = clock.nowMs();
      for (const op of ops) {
        if (op.type === 'snapshot' || op.type === 'checkpoint') {
          lastSnapshot = { zxid: op.snapshot.zxid, timestampMs: startMs };
        }
      }
      world.txnLog.write(ops, (zxid) => {
        metrics.persisted(clock.nowMs() - startMs);
        done(zxid);
      });
    },
    close: () => world.txnLog.close(),
  };
  const observeSent = sentMessageObserver(metrics, clock);
  const peers: PeerSender = {
    send(to, message) {
      observeSent(message);
      world.peers.send(to, message);
    },
  };
  const stopSampling = sampleElections(peer, metrics, world);
  return { metrics, txnLog, peers, lastSnapshot: () => lastSnapshot, stop: stopSampling };
}

/** A leader sends each proposal and commit to every learner: count and time each zxid once. */
function sentMessageObserver(
  metrics: MemberMetrics,
  clock: Clock,
): (message: OutgoingMessage) => void {
  const proposals = new ProposalTimes();
  return (message) => {
    switch (message.type) {
      case 'proposal':
        if (proposals.add(message.txn.zxid, clock.nowMs())) metrics.proposed();
        return;
      case 'commit': {
        const sentMs = proposals.commit(message.zxid);
        if (sentMs !== null) metrics.committed(clock.nowMs() - sentMs);
        return;
      }
      case 'diff':
      case 'trunc':
        metrics.learnerSynced(message.type);
        return;
      case 'snapSend':
        metrics.learnerSynced('snap');
        return;
      default:
        return;
    }
  };
}

/**
 * When each proposal awaiting its commit left, oldest first. A COMMIT names only the newest
 * zxid it commits, so it settles every proposal up to there at once; a queue does that in
 * order. (A Map keyed by zxid kept the proposals a COMMIT skipped until the bound dropped them,
 * the oldest first, and finding the oldest among that many deleted entries cost a leader a
 * tenth of its CPU under a create load.)
 */
export class ProposalTimes {
  private zxids: bigint[] = [];
  private sentMs: number[] = [];
  private head = 0;
  private lastProposed = -1n;

  /** False if `zxid` was already seen: one proposal goes to every learner. */
  add(zxid: bigint, nowMs: number): boolean {
    if (zxid <= this.lastProposed) return false;
    this.lastProposed = zxid;
    this.zxids.push(zxid);
    this.sentMs.push(nowMs);
    if (this.zxids.length - this.head > timedProposalsMax) this.head += 1;
    return true;
  }

  /** Settles every proposal up to `zxid`; when `zxid` itself left, or null if not timed. */
  commit(zxid: bigint): number | null {
    let found: number | null = null;
    while (this.head < this.zxids.length) {
      const oldest = this.zxids[this.head];
      if (oldest === undefined || oldest > zxid) break;
      if (oldest === zxid) found = this.sentMs[this.head] ?? null;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.zxids.length) {
      this.zxids = this.zxids.slice(this.head);
      this.sentMs = this.sentMs.slice(this.head);
      this.head = 0;
    }
    return found;
  }
}

/** An election runs from the member starting to look until it leads, follows or observes. */
function sampleElections(
  peer: Peer,
  metrics: MemberMetrics,
  world: { clock: Clock; scheduler: Scheduler },
): () => void {
  let lookingSinceMs: number | null = null;
  return world.scheduler.every(roleSampleIntervalMs, () => {
    const isLooking = peer.replication.role === 'looking';
    if (isLooking && lookingSinceMs === null) lookingSinceMs = world.clock.nowMs();
    if (!isLooking && lookingSinceMs !== null) {
      metrics.electionEnded(world.clock.nowMs() - lookingSinceMs);
      lookingSinceMs = null;
    }
  });
}
