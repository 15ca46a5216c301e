// The state the four-letter words report, captured by the server runtime at the moment a word
// arrives. Plain data: the admin formatters read it and never reach into the server.

/** ServerStats.getServerState(): how srvr's `Mode:` and mntr's zk_server_state read. */
export type ServerMode = 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';

export interface ServerSnapshot {
  /** False while the server is not serving (no quorum, starting, stopping). */
  isServing: boolean;
  /** Full version text, e.g. `formatVersion(zooVersion, builtAtMs)`. */
  version: string;
  mode: ServerMode;
  /** Last processed zxid. */
  zxid: bigint;
  /** Includes the root alias, as ZooKeeper counts: 5 on a fresh server. */
  nodeCount: number;
  /** From ServerStats.latency(). */
  latency: LatencySnapshot;
  packetsReceived: number;
  packetsSent: number;
  /** Requests queued and not yet answered, all connections. */
  outstanding: number;
  uptimeMs: number;
  /** Client connections, the four-letter-word connection itself included. */
  connections: readonly ConnectionSnapshot[];
  /** Data + child watch registrations (WatchRegistry.watchCount()). */
  watchCount: number;
  /** Data-table watches for wchs / wchc / wchp (`watchSummaryOf` builds it). */
  watches: WatchSummary;
  /** Ordinary ephemerals (not containers, not TTL). */
  ephemeralsCount: number;
  /** Sum of path lengths and data lengths. */
  approximateDataSize: number;
  /** Tracked sessions (SessionTable.sessions()), for dump and zk_global_sessions. */
  sessions: readonly SessionSnapshot[];
  /** Session → its ephemeral paths, in the order to print. */
  ephemeralsBySession: ReadonlyMap<bigint, readonly string[]>;
  config: ConfigSnapshot;
  /** `key=value` lines of envi after `Environment:` (zookeeper.version, host.name, …). */
  env: readonly (readonly [string, string])[];
  /** Add to a session or connection expiry time to get epoch ms (0 if they are epoch ms). */
  epochOffsetMs: number;
  /** ZooTrace text trace mask for gtmk (default 306); for stmk, the mask just set. */
  traceMask: bigint;
  /** Client response sizes in bytes, −1 until the first response (ServerStats). */
  clientResponseSize: BufferSizes;
  authFailedCount: number;
  /** Leaders only: proposal sizes (srvr adds a line). */
  proposalSizes: BufferSizes | null;
  /** Unix only; null omits the mntr line. */
  openFileDescriptorCount: number | null;
  maxFileDescriptorCount: number | null;
  /** Extra mntr lines after the standard gauges (leader's zk_followers, …), key without zk_. */
  extraMonitorValues: readonly (readonly [string, number | string])[];
  /** The `hash` word: tree digests by zxid, oldest first. */
  digestLog: readonly { zxid: bigint; digest: bigint }[];
}

export interface LatencySnapshot {
  minMs: number;
  /** Already rounded to 4 decimals (ServerStats does it). */
  avgMs: number;
  maxMs: number;
}

/** ZooKeeper's BufferStats: last/min/max, −1 when nothing was recorded. */
export interface BufferSizes {
  last: number;
  min: number;
  max: number;
}

export interface ConnectionSnapshot {
  /** Java InetSocketAddress text: `/127.0.0.1:51626`. */
  remoteAddress: string;
  /** Selector interest ops (1 = read, 5 = read + write); printed in hex. */
  interestOps: number;
  /** Requests received on this connection and not yet answered. */
  queued: number;
  packetsReceived: number;
  packetsSent: number;
  /** When the connection expires if idle (dump's Connections section), in table time. */
  expiresAtMs: number;
  /** Null before the handshake completes (and for the four-letter-word connection). */
  session: ConnectionSessionSnapshot | null;
}

export interface ConnectionSessionSnapshot {
  sessionId: bigint;
  /** Last op code, as ZooKeeper names them: GETD, SETD, PING, … ('NA' before any). */
  lastOperation: string;
  /** Epoch ms when the connection was established. */
  establishedMs: number;
  timeoutMs: number;
  /** Last client xid (−1 before any: then not printed). */
  lastCxid: number;
  /** Last zxid answered (−1 before any). */
  lastZxid: bigint;
  /** Epoch ms of the last response. */
  lastResponseMs: number;
  lastLatencyMs: number;
  minLatencyMs: number;
  /** Integer ms (ZooKeeper divides longs here). */
  avgLatencyMs: number;
  maxLatencyMs: number;
}

export interface SessionSnapshot {
  sessionId: bigint;
  /** Expiry bucket, in table time (see `epochOffsetMs`). */
  expiresAtMs: number;
}

/** The data-table watches as wchs / wchc / wchp print them, keyed by session id. */
export interface WatchSummary {
  connectionsWatching: number;
  pathsWatched: number;
  totalWatches: number;
  bySession: ReadonlyMap<bigint, readonly string[]>;
  byPath: ReadonlyMap<string, readonly bigint[]>;
}

/** conf's lines, in ZooKeeper's order. */
export interface ConfigSnapshot {
  clientPort: number;
  /** −1 when there is no TLS port. */
  secureClientPort: number;
  dataDir: string;
  dataDirSize: number;
  dataLogDir: string;
  dataLogSize: number;
  tickTime: number;
  maxClientCnxns: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
  clientPortListenBacklog: number;
  serverId: number;
  /** A member of an ensemble adds these (ZooKeeper: QuorumZooKeeperServer.dumpConf). */
  quorum: QuorumConfigSnapshot | null;
}

export interface QuorumConfigSnapshot {
  initLimit: number;
  syncLimit: number;
  electionAlg: number;
  electionPort: string;
  quorumPort: string;
  /** 0 participant, 1 observer. */
  peerType: number;
  /** QuorumVerifier text, one `server.N=…` line each, then `version=…`. */
  membership: readonly string[];
}
