// Options shared by every way of running a Zoo server (startServer, startCluster, the CLI),
// with ZooKeeper's defaults, and their translation into the core's PeerOptions.

import type { PeerOptionsInput } from './core/peer/peer-options.js';
import type { Logger } from './runtime/env.js';
import { consoleLogger, type LogFormat, type LogLevel } from './adapters/node-env.js';

export interface ServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** tickTime in ms (default 2000): session timeouts are negotiated within 2–20 ticks. */
  tickMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Allow TTL nodes (ZooKeeper's zookeeper.extendedTypesEnabled). */
  extendedTypesEnabled?: boolean;
  /** `user:base64(sha1(user:password))` of the super user. */
  superDigest?: string;
  /** Comma-separated four-letter words, or `*`. Default `srvr,ruok,isro`. */
  fourLetterWordWhitelist?: string;
  /** Largest frame accepted (jute.maxbuffer), default 0xfffff. */
  packetBytesMax?: number;
  /** How often containers and TTL nodes are reaped (default 60 s). */
  containerCheckIntervalMs?: number;
  /**
   * Applied txns between snapshots (zookeeper.snapCount, default 100,000; each member takes its
   * own point in the second half, as ZooKeeper's randomised roll does).
   */
  snapCount?: number;
  /** Snapshots kept on disk with the log they need (autopurge.snapRetainCount, default 3). */
  snapRetainCount?: number;
  /**
   * The admin HTTP port (ZooKeeper's admin.serverPort): AdminServer JSON at `/commands/<name>`
   * and Prometheus metrics at `/metrics`, on `host`. Off unless given; 0 picks a free port.
   */
  adminPort?: number;
  /**
   * Connections one client address may hold open (maxClientCnxns, default 60; 0: no limit). One
   * more is closed as it is accepted, unread, as ZooKeeper does.
   */
  maxClientCnxns?: number;
  /**
   * Requests the server takes before it answers them (zookeeper.globalOutstandingLimit, default
   * 1000). Past it, a connection with requests of its own in flight stops being read until they
   * are answered: clients are slowed down, nothing is dropped.
   */
  globalOutstandingLimit?: number;
  /**
   * How long a connection may stay silent before its session is established (ZooKeeper's
   * zookeeper.nio.sessionlessCnxnTimeout, default 10,000 ms): one that never sends a whole
   * ConnectRequest is closed. Once established, the silence allowed is the session timeout.
   */
  connectTimeoutMs?: number;
  /**
   * Bytes queued for one client, written but not yet taken by its socket, past which the
   * connection is closed as a slow consumer (default 64 MiB). ZooKeeper 3.8 has no such limit:
   * its connections queue replies and events for a client that does not read without bound.
   */
  queuedBytesMax?: number;
  logLevel?: LogLevel;
  /** How the default logger writes: `text` lines (default) or `json`, one object a line. */
  logFormat?: LogFormat;
  logger?: Logger;
}

/** The caller's logger, or a console logger named after the member (`zoo`, `zoo-2`). */
export function loggerOf(
  options: Pick<ServerOptions, 'logger' | 'logLevel' | 'logFormat'>,
  name: string,
  defaultLevel: LogLevel,
): Logger {
  return (
    options.logger ??
    consoleLogger({
      level: options.logLevel ?? defaultLevel,
      name,
      format: options.logFormat ?? 'text',
    })
  );
}
/** ZooKeeper's defaults for the connection limits. */
export const connectionLimitDefaults = {
  maxClientCnxns: 60,
  globalOutstandingLimit: 1000,
  connectTimeoutMs: 10_000,
  queuedBytesMax: 64 * 1024 * 1024,
} as const;

/** Zoo's default whitelist adds the two read-only health probes to ZooKeeper's `srvr`. */
export const defaultFourLetterWordWhitelist = 'srvr,ruok,isro';

export function peerOptionsOf(
  options: ServerOptions,
  base: Pick<PeerOptionsInput, 'startMs' | 'digestOf'> & { serverId?: number },
): PeerOptionsInput {
  const target: PeerOptionsInput = { ...base };
  if (options.tickMs !== undefined) target.tickMs = options.tickMs;
  if (options.minSessionTimeoutMs !== undefined)
    target.minSessionTimeoutMs = options.minSessionTimeoutMs;
  if (options.maxSessionTimeoutMs !== undefined)
    target.maxSessionTimeoutMs = options.maxSessionTimeoutMs;
  if (options.extendedTypesEnabled !== undefined)
    target.extendedTypesEnabled = options.extendedTypesEnabled;
  if (options.superDigest !== undefined) target.superDigest = options.superDigest;
  if (options.packetBytesMax !== undefined) target.packetBytesMax = options.packetBytesMax;
  if (options.snapCount !== undefined) target.snapCount = options.snapCount;
  if (options.containerCheckIntervalMs !== undefined) {
    target.containerCheckIntervalMs = options.containerCheckIntervalMs;
  }
  return target;
}
