// The data of each admin command, in ZooKeeper's field names (Commands.java, serialised by
// Jackson in snake_case): pure functions of an AdminSnapshot.

import { javaHex } from './java-format.js';
import type { JsonObject, JsonValue } from './json-value.js';
import type { AdminSnapshot } from './admin-snapshot.js';
import type { BufferSizes, ConnectionSnapshot, ServerSnapshot } from './server-snapshot.js';
import { monitorValues, type MonitorValue } from './stat-output.js';

/** ZooKeeper: SrvrCommand — version, stats, client response sizes, node count. */
export function serverStatsBody(snapshot: ServerSnapshot): JsonObject {
  const { config, latency } = snapshot;
  const body: Record<string, JsonValue> = {
    version: snapshot.version,
    read_only: snapshot.mode === 'read-only',
    server_stats: {
      packets_sent: snapshot.packetsSent,
      packets_received: snapshot.packetsReceived,
      fsync_threshold_exceed_count: 0,
      client_response_stats: bufferStats(snapshot.clientResponseSize),
      data_dir_size: config.dataDirSize,
      log_dir_size: config.dataLogSize,
      last_processed_zxid: snapshot.zxid,
      outstanding_requests: snapshot.outstanding,
      server_state: snapshot.mode,
      avg_latency: latency.avgMs,
      max_latency: latency.maxMs,
      min_latency: latency.minMs,
      num_alive_client_connections: snapshot.connections.length,
      provider_null: false,
      uptime: snapshot.uptimeMs,
      auth_failed_count: snapshot.authFailedCount,
      non_mtlsremote_conn_count: 0,
      non_mtlslocal_conn_count: 0,
    },
    client_response: bufferStats(snapshot.clientResponseSize),
  };
  if (snapshot.mode === 'leader' && snapshot.proposalSizes !== null) {
    body['proposal_stats'] = bufferStats(snapshot.proposalSizes);
  }
  body['node_count'] = snapshot.nodeCount;
  return body;
}

function bufferStats(sizes: BufferSizes): JsonObject {
  return {
    last_buffer_size: sizes.last,
    min_buffer_size: sizes.min,
    max_buffer_size: sizes.max,
  };
}

/** ZooKeeper: ServerCnxn.getConnectionInfo (brief: without the session's details). */
export function connectionBody(connection: ConnectionSnapshot, isBrief: boolean): JsonObject {
  const info: Record<string, JsonValue> = {
    remote_socket_address: connection.remoteAddress.replace(/^\//, ''),
    interest_ops: connection.interestOps,
    outstanding_requests: connection.queued,
    packets_received: connection.packetsReceived,
    packets_sent: connection.packetsSent,
  };
  const session = connection.session;
  if (isBrief || session === null) return info;
  return {
    ...info,
    session_id: session.sessionId,
    last_operation: session.lastOperation,
    established: session.establishedMs,
    session_timeout: session.timeoutMs,
    last_cxid: session.lastCxid,
    last_zxid: session.lastZxid,
    last_response_time: session.lastResponseMs,
    last_latency: session.lastLatencyMs,
    min_latency: session.minLatencyMs,
    avg_latency: session.avgLatencyMs,
    max_latency: session.maxLatencyMs,
  };
}

/** ZooKeeper: MonitorCommand — mntr's values under their keys without `zk_`. */
export function monitorBody(snapshot: ServerSnapshot): JsonObject {
  const body: Record<string, JsonValue> = {};
  for (const [key, value] of monitorValues(snapshot)) body[key] = monitorJson(value);
  return body;
}

function monitorJson(value: MonitorValue): JsonValue {
  if ('integer' in value) return value.integer;
  if ('double' in value) return value.double;
  return value.text;
}

/** ZooKeeper: ZooKeeperServerConf.toMap. */
export function confBody(snapshot: ServerSnapshot): JsonObject {
  const config = snapshot.config;
  return {
    client_port: config.clientPort,
    data_dir: config.dataDir,
    data_log_dir: config.dataLogDir,
    tick_time: config.tickTime,
    max_client_cnxns: config.maxClientCnxns,
    min_session_timeout: config.minSessionTimeout,
    max_session_timeout: config.maxSessionTimeout,
    server_id: config.serverId,
    client_port_listen_backlog: config.clientPortListenBacklog,
  };
}

/** ZooKeeper: DumpCommand — session expiry buckets and ephemerals by session. */
export function dumpBody(snapshot: ServerSnapshot): JsonObject {
  const byExpiry: Record<string, bigint[]> = {};
  for (const session of snapshot.sessions) {
    const key = String(session.expiresAtMs + snapshot.epochOffsetMs);
    (byExpiry[key] ??= []).push(session.sessionId);
  }
  const ephemerals: Record<string, JsonValue> = {};
  for (const [sessionId, paths] of snapshot.ephemeralsBySession) {
    ephemerals[sessionId.toString()] = paths;
  }
  return { expiry_time_to_session_ids: byExpiry, session_id_to_ephemeral_paths: ephemerals };
}

/** ZooKeeper: WatchCommand, WatchesByPathCommand, WatchSummaryCommand. */
export function watchesBody(
  kind: 'summary' | 'bySession' | 'byPath',
  snapshot: ServerSnapshot,
): JsonObject {
  const watches = snapshot.watches;
  if (kind === 'summary') {
    return {
      num_connections: watches.connectionsWatching,
      num_paths: watches.pathsWatched,
      num_total_watches: watches.totalWatches,
    };
  }
  const map: Record<string, JsonValue> = {};
  if (kind === 'bySession') {
    for (const [sessionId, paths] of watches.bySession) map[sessionId.toString()] = paths;
    return { session_id_to_watched_paths: map };
  }
  for (const [path, sessionIds] of watches.byPath) map[path] = sessionIds;
  return { path_to_session_ids: map };
}

/** ZooKeeper: LeaderCommand; a standalone server reports the error ZooKeeper's does. */
export function leaderBody(admin: AdminSnapshot): JsonObject {
  const ensemble = admin.ensemble;
  if (ensemble === null) return { error: 'server is not initialized' };
  const leader = ensemble.members.find((member) => member.id === ensemble.leaderId);
  return {
    is_leader: admin.server.mode === 'leader',
    leader_id: ensemble.leaderId ?? -1,
    leader_ip: leader === undefined ? '' : leader.peerAddress,
  };
}

/** ZooKeeper: VotingViewCommand — the voting members (observers are not in the view). */
export function votingViewBody(admin: AdminSnapshot): JsonObject {
  const view: Record<string, JsonValue> = {};
  for (const member of admin.ensemble?.members ?? []) {
    if (member.isObserver) continue;
    view[String(member.id)] = {
      server_addresses: [member.peerAddress],
      election_addresses: [member.peerAddress],
      client_address: member.clientAddress,
      learner_type: 'participant',
    };
  }
  return { current_config: view };
}

/** ZooKeeper: ZabStateCommand. */
export function zabStateBody(admin: AdminSnapshot): JsonObject {
  const ensemble = admin.ensemble;
  if (ensemble === null) return { voting: false, zabstate: '' };
  const self = ensemble.members.find((member) => member.id === ensemble.serverId);
  const zxid = admin.server.zxid;
  return {
    myid: ensemble.serverId,
    is_leader: admin.server.mode === 'leader',
    quorum_address: self?.peerAddress ?? '',
    election_address: self?.peerAddress ?? '',
    client_address: self?.clientAddress ?? '',
    voting: self !== undefined && !self.isObserver,
    last_zxid: `0x${javaHex(zxid)}`,
    zab_epoch: Number(zxid >> 32n),
    zab_counter: Number(zxid & 0xffffffffn),
    zabstate: ensemble.zabState,
  };
}

/** ZooKeeper: LastSnapshotCommand — zxid in hex, -1 when there is none. */
export function lastSnapshotBody(admin: AdminSnapshot): JsonObject {
  const last = admin.lastSnapshot;
  return {
    zxid: last === null ? 'ffffffffffffffff' : javaHex(last.zxid),
    timestamp: last === null ? -1 : last.timestampMs,
  };
}
