// Captures what the four-letter words report from a running peer and its connections: a plain
// ServerSnapshot (statistics, not a tree snapshot) for the admin formatters, taken at the moment
// a word arrives.

import type { Peer } from '../core/peer/peer.js';
import type { ConnectionState } from '../core/requests/connection-state.js';
import type {
  ConnectionSnapshot,
  QuorumConfigSnapshot,
  ServerSnapshot,
  WatchSummary,
} from '../admin/server-snapshot.js';
import { formatVersion, zooVersion } from '../admin/java-format.js';

export interface ServerStateContext {
  peer: Peer;
  /** A member of an ensemble reports leader/follower/observer; otherwise standalone. */
  isEnsemble: boolean;
  clientPort: number;
  dataDir: string;
  /** zoo.cfg's dataLogDir, when the txn log is not in dataDir. */
  dataLogDir?: string;
  startedAtMs: number;
  builtAtMs: number;
  traceMask: bigint;
  env: readonly (readonly [string, string])[];
  /** conf's quorum section, for a member of an ensemble. */
  quorum: QuorumConfigSnapshot | null;
}

export function captureServerState(context: ServerStateContext): ServerSnapshot {
  const { peer } = context;
  const tree = peer.tree;
  const connections = [...peer.connections.values()].map((connection) =>
    connectionSnapshot(peer, connection),
  );
  const ephemeralsBySession = new Map<bigint, readonly string[]>();
  for (const [sessionId, paths] of tree.sessionsWithEphemerals()) {
    ephemeralsBySession.set(sessionId, [...paths].sort());
  }
  let outstanding = 0;
  for (const connection of peer.connections.values()) outstanding += connection.queue.length;
  return {
    isServing: peer.isServing,
    version: formatVersion(zooVersion, context.builtAtMs),
    mode: modeOf(peer, context.isEnsemble),
    zxid: peer.lastZxid,
    nodeCount: tree.nodeCount,
    latency: peer.stats.latency(),
    packetsReceived: peer.stats.packetsReceived,
    packetsSent: peer.stats.packetsSent,
    outstanding,
    uptimeMs: Math.max(0, peer.nowMs - context.startedAtMs),
    connections,
    watchCount: peer.watches.watchCount(),
    watches: watchSummary(peer),
    ephemeralsCount: tree.ephemeralCount,
    approximateDataSize: tree.approximateDataSize(),
    sessions: [...peer.sessions.sessions()].map((s) => ({
      sessionId: s.sessionId,
      expiresAtMs: s.expiresAtMs,
    })),
    ephemeralsBySession,
    config: {
      clientPort: context.clientPort,
      secureClientPort: -1,
      dataDir: context.dataDir,
      dataDirSize: 0,
      dataLogDir: context.dataLogDir ?? context.dataDir,
      dataLogSize: 0,
      tickTime: peer.options.tickMs,
      maxClientCnxns: 0,
      minSessionTimeout: peer.options.minSessionTimeoutMs,
      maxSessionTimeout: peer.options.maxSessionTimeoutMs,
      clientPortListenBacklog: -1,
      serverId: peer.options.serverId,
      quorum: context.quorum,
    },
    env: context.env,
    epochOffsetMs: 0,
    traceMask: context.traceMask,
    clientResponseSize: { last: -1, min: -1, max: -1 },
    authFailedCount: 0,
    proposalSizes: null,
    openFileDescriptorCount: null,
    maxFileDescriptorCount: null,
    extraMonitorValues: [],
    digestLog: [],
  };
}

function connectionSnapshot(peer: Peer, connection: ConnectionState): ConnectionSnapshot {
  const stats = connection.stats;
  const sessionId = connection.sessionId;
  return {
    remoteAddress: `/${connection.remoteAddress}:${connection.remotePort}`,
    interestOps: 1,
    queued: connection.queue.length,
    packetsReceived: stats.packetsReceived,
    packetsSent: stats.packetsSent,
    expiresAtMs: sessionId === null ? 0 : (peer.sessions.get(sessionId)?.expiresAtMs ?? 0),
    session:
      sessionId === null || connection.phase === 'handshake'
        ? null
        : {
            sessionId,
            lastOperation: stats.lastOp,
            establishedMs: stats.establishedMs,
            timeoutMs: connection.sessionTimeoutMs,
            lastCxid: stats.lastCxid,
            lastZxid: stats.lastZxid,
            lastResponseMs: stats.lastResponseMs,
            lastLatencyMs: stats.lastLatencyMs,
            minLatencyMs: stats.latencyCount === 0 ? 0 : stats.minLatencyMs,
            avgLatencyMs:
              stats.latencyCount === 0 ? 0 : Math.floor(stats.totalLatencyMs / stats.latencyCount),
            maxLatencyMs: stats.maxLatencyMs,
          },
  };
}

/** wchs/wchc/wchp show data-table watches keyed by the session of each watching connection. */
function watchSummary(peer: Peer): WatchSummary {
  const sessionOf = (connectionId: number): bigint =>
    peer.connections.get(connectionId)?.sessionId ?? 0n;
  const bySession = new Map<bigint, readonly string[]>();
  let totalWatches = 0;
  for (const [connectionId, paths] of peer.watches.summaryByConnection()) {
    bySession.set(sessionOf(connectionId), paths);
    totalWatches += paths.length;
  }
  const byPath = new Map<string, readonly bigint[]>();
  for (const [path, connectionIds] of peer.watches.summaryByPath()) {
    byPath.set(path, connectionIds.map(sessionOf));
  }
  return {
    connectionsWatching: bySession.size,
    pathsWatched: byPath.size,
    totalWatches,
    bySession,
    byPath,
  };
}

function modeOf(peer: Peer, isEnsemble: boolean): ServerSnapshot['mode'] {
  if (!isEnsemble) return 'standalone';
  switch (peer.replication.role) {
    case 'leading':
      return 'leader';
    case 'observing':
      return 'observer';
    case 'following':
    case 'looking':
      return 'follower';
  }
}
