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
  const proposedAtMs = new Map<bigint, number>();
  let lastProposed = -1n;
  return (message) => {
    switch (message.type) {
      case 'proposal': {
        const zxid = message.txn.zxid;
        if (zxid <= lastProposed) return;
        lastProposed = zxid;
        metrics.proposed();
        proposedAtMs.set(zxid, clock.nowMs());
        if (proposedAtMs.size > timedProposalsMax) {
          const oldest = proposedAtMs.keys().next();
          if (oldest.done !== true) proposedAtMs.delete(oldest.value);
        }
        return;
      }
      case 'commit': {
        const sentMs = proposedAtMs.get(message.zxid);
        if (sentMs === undefined) return;
        proposedAtMs.delete(message.zxid);
        metrics.committed(clock.nowMs() - sentMs);
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
