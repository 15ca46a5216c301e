// One running Zoo server in this process: a Peer and its loop, the client port (TCP), the
// four-letter words, the admin port when asked for, and whatever replication and peer sender
// the caller wires in. startServer runs one standalone; startCluster runs several wired to a
// peer network.

import { Peer } from './core/peer/peer.js';
import type { ReplicationFactory } from './core/peer/peer.js';
import type { PeerInput } from './core/peer/peer-input.js';
import type { RestorableSnapshot } from './core/tree/tree-snapshot.js';
import { PeerLoop } from './runtime/peer-loop.js';
import { ClientConnections } from './runtime/client-connections.js';
import { pacedNotificationsPerTurn } from './runtime/paced-delivery.js';
import type { Logger, PeerSender, TxnLog } from './runtime/env.js';
import { nodeScheduler, sha1Digest, systemClock } from './adapters/node-env.js';
import { listenTcp } from './adapters/tcp-listener.js';
import type { TcpListener } from './adapters/tcp-listener.js';
import { listenAdminHttp } from './adapters/admin-http.js';
import type { AdminHttpHandlers, AdminHttpServer } from './adapters/admin-http.js';
import { parseWhitelist } from './admin/four-letter-words.js';
import type { EnsembleMemberAddress } from './admin/admin-snapshot.js';
import {
  connectionLimitDefaults,
  defaultFourLetterWordWhitelist,
  loggerOf,
  peerOptionsOf,
} from './server-options.js';
import type { ServerOptions } from './server-options.js';
import {
  adminHttpHandlers,
  answerFourLetterWord,
  type MemberAdminContext,
} from './member-admin.js';
import { wireMemberMetrics } from './member-metrics-wiring.js';

export interface ServerInstanceOptions extends ServerOptions {
  serverId: number;
  /** Client port; 0 picks a free one. */
  port: number;
  txnLog: TxnLog;
  peers: PeerSender;
  createReplication?: ReplicationFactory;
  /** The state found in storage, installed before replication starts. */
  recovered?: RestorableSnapshot | null;
  /** Where the member's data lives ('' in memory), for the `conf` and `dirs` words. */
  dataDir?: string;
  /** Where its txn log lives (zoo.cfg's dataLogDir; dataDir when unset). */
  dataLogDir?: string;
  /** `conf`/`srvr` quorum details, when a member of an ensemble. */
  mode?: 'standalone' | 'ensemble';
  /** Every member's addresses, when a member of an ensemble (conf, leader, voting_view). */
  ensembleAddresses?: () => readonly EnsembleMemberAddress[];
  /** initLimit and syncLimit in ticks, for conf (ZooKeeper's defaults 10 and 5). */
  initLimitTicks?: number;
  syncLimitTicks?: number;
}

export interface ServerInstance {
  readonly serverId: number;
  readonly host: string;
  readonly port: number;
  readonly connectString: string;
  /** The admin HTTP port, or null when it is off. */
  readonly adminPort: number | null;
  readonly peer: Peer;
  readonly log: Logger;
  /** Feeds an input (e.g. a peer message) into the server's loop. */
  submit(input: PeerInput): void;
  close(): Promise<void>;
}

export async function startServerInstance(options: ServerInstanceOptions): Promise<ServerInstance> {
  const host = options.host ?? '127.0.0.1';
  const name = options.mode === 'ensemble' ? `zoo-${options.serverId}` : 'zoo';
  const log = loggerOf(options, name, 'warn');
  const startedAtMs = systemClock.nowMs();
  const base = { startMs: startedAtMs, digestOf: sha1Digest, serverId: options.serverId };
  const peer = new Peer(
    peerOptionsOf(options, base),
    options.createReplication,
    options.recovered ?? null,
  );
  let listener: TcpListener | null = null;
  let loop: PeerLoop | null = null;
  const world = { clock: systemClock, scheduler: nodeScheduler };
  const wired = wireMemberMetrics(
    peer,
    { ...world, txnLog: options.txnLog, peers: options.peers },
    options.recovered?.zxid ?? null,
  );
  const adminContext: MemberAdminContext = {
    ...adminOptionsOf(options),
    peer,
    startedAtMs,
    clientPort: () => listener?.port ?? options.port,
    lastSnapshot: () => wired.lastSnapshot(),
  };
  const connections = new ClientConnections({
    packetBytesMax: peer.options.packetBytesMax,
    log,
    submit: (input) => loop?.submit(input),
    fourLetterWord: (code) => answerFourLetterWord(code, adminContext),
    packetSent: (connectionId) => peer.packetSent(connectionId),
    ...connectionLimitsOf(options),
    defer: (task) => nodeScheduler.defer(task),
  });
  const env = { ...world, log, txnLog: wired.txnLog, peers: wired.peers };
  const running = new PeerLoop(peer, env, connections);
  loop = running;
  try {
    listener = await listenClients(connections, options, host, log);
  } catch (error) {
    running.close();
    wired.stop();
    throw error;
  }
  const handlers = adminHttpHandlers(adminContext, wired.metrics);
  const admin = await listenAdmin(handlers, { host, port: options.adminPort, log });
  const { port } = listener;
  peer.start();
  running.drain();
  const stopping = async (): Promise<void> => {
    running.close();
    wired.stop();
    await admin?.close();
    await listener?.close();
  };
  let closing: Promise<void> | null = null;
  return {
    serverId: options.serverId,
    host,
    port,
    connectString: `${host}:${port}`,
    adminPort: admin?.port ?? null,
    peer,
    log,
    submit: (input) => running.submit(input),
    close: () => (closing ??= stopping()),
  };
}

/** What the client connections may hold: requests in flight, bytes queued, events per turn. */
function connectionLimitsOf(options: ServerInstanceOptions) {
  return {
    globalOutstandingLimit:
      options.globalOutstandingLimit ?? connectionLimitDefaults.globalOutstandingLimit,
    queuedBytesMax: options.queuedBytesMax ?? connectionLimitDefaults.queuedBytesMax,
    notificationsPerTurn: pacedNotificationsPerTurn,
  };
}

/** The client port, with the per-address and connect-time limits (ZooKeeper's defaults). */
function listenClients(
  connections: ClientConnections,
  options: ServerInstanceOptions,
  host: string,
  log: Logger,
): Promise<TcpListener> {
  return listenTcp(connections, {
    host,
    port: options.port,
    log,
    maxClientCnxns: options.maxClientCnxns ?? connectionLimitDefaults.maxClientCnxns,
    connectTimeoutMs: options.connectTimeoutMs ?? connectionLimitDefaults.connectTimeoutMs,
  });
}

/** What the admin answers take from the instance's options as they are. */
function adminOptionsOf(
  options: ServerInstanceOptions,
): Pick<
  MemberAdminContext,
  | 'whitelist'
  | 'isEnsemble'
  | 'dataDir'
  | 'dataLogDir'
  | 'ensembleAddresses'
  | 'initLimitTicks'
  | 'syncLimitTicks'
> {
  return {
    whitelist: parseWhitelist(options.fourLetterWordWhitelist ?? defaultFourLetterWordWhitelist),
    isEnsemble: options.mode === 'ensemble',
    dataDir: options.dataDir ?? '',
    dataLogDir: options.dataLogDir ?? options.dataDir ?? '',
    ensembleAddresses: options.ensembleAddresses ?? (() => []),
    initLimitTicks: options.initLimitTicks ?? 10,
    syncLimitTicks: options.syncLimitTicks ?? 5,
  };
}

/**
 * ZooKeeper serves on without its AdminServer when the port cannot be had: the admin port is
 * for looking in, and a busy 8080 must not keep a member from serving.
 */
async function listenAdmin(
  handlers: AdminHttpHandlers,
  options: { host: string; port: number | undefined; log: Logger },
): Promise<AdminHttpServer | null> {
  const { host, port, log } = options;
  if (port === undefined) return null;
  try {
    const admin = await listenAdminHttp(handlers, { host, port, log });
    log.info(`admin server on ${host}:${admin.port}`, { adminPort: admin.port });
    return admin;
  } catch (error) {
    log.warn(`admin server not started on port ${port}: ${String(error)}`, { adminPort: port });
    return null;
  }
}
