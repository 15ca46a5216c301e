// startServer: one standalone Zoo server inside the caller's process — a Peer, its loop, an
// in-memory txn log and a TCP client port. Port 0 picks a free port.

import { hostname } from 'node:os';
import { Peer } from './core/peer.js';
import type { PeerOptionsInput } from './core/peer-options.js';
import { PeerLoop } from './runtime/peer-loop.js';
import { ClientConnections } from './runtime/client-connections.js';
import { MemoryTxnLog } from './runtime/memory-txn-log.js';
import type { Logger } from './runtime/env.js';
import { takeSnapshot } from './runtime/snapshot.js';
import { consoleLogger, nodeScheduler, sha1Digest, systemClock } from './adapters/node-env.js';
import type { LogLevel } from './adapters/node-env.js';
import { listenTcp } from './adapters/tcp-listener.js';
import {
  fourLetterWordAction,
  fourLetterWords,
  parseWhitelist,
  runFourLetterWord,
} from './admin/four-letter-words.js';

export interface StartServerOptions {
  /** Client port; 0 (the default) picks a free one. ZooKeeper's usual port is 2181. */
  port?: number;
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
  logLevel?: LogLevel;
  logger?: Logger;
}

export interface ZooServer {
  /** `host:port`, ready for any ZooKeeper client. */
  readonly connectString: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Zoo's default whitelist adds the two read-only health probes to ZooKeeper's `srvr`. */
export const defaultFourLetterWordWhitelist = 'srvr,ruok,isro';

export async function startServer(options: StartServerOptions = {}): Promise<ZooServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? consoleLogger({ level: options.logLevel ?? 'warn', name: 'zoo' });
  const startedAtMs = systemClock.nowMs();
  const peerOptions: PeerOptionsInput = { startMs: startedAtMs, digestOf: sha1Digest };
  copyDefined(peerOptions, options);
  const peer = new Peer(peerOptions);
  const whitelist = parseWhitelist(
    options.fourLetterWordWhitelist ?? defaultFourLetterWordWhitelist,
  );
  let clientPort = options.port ?? 0;
  const txnLog = new MemoryTxnLog();
  let loop: PeerLoop | null = null;
  const connections = new ClientConnections({
    packetBytesMax: peer.options.packetBytesMax,
    log,
    submit: (input) => loop?.submit(input),
    fourLetterWord: (code) => {
      const word = fourLetterWords.get(code);
      if (word === undefined) return null;
      const action = fourLetterWordAction(word, whitelist);
      if (action === 'resetServerStats') peer.stats.reset();
      if (action === 'resetConnectionStats') peer.resetConnectionStats();
      const snapshot = takeSnapshot({
        peer,
        clientPort,
        dataDir: '',
        startedAtMs,
        builtAtMs: startedAtMs,
        traceMask: 306n,
        env: [
          ['zookeeper.version', 'zoo'],
          ['host.name', hostname()],
        ],
      });
      return runFourLetterWord(word, snapshot, whitelist);
    },
  });
  const peers = { send: () => undefined };
  const env = { clock: systemClock, scheduler: nodeScheduler, log, txnLog, peers };
  loop = new PeerLoop(peer, env, connections);
  peer.start();
  const listener = await listenTcp(connections, { host, port: clientPort, log });
  clientPort = listener.port;
  let closing: Promise<void> | null = null;
  return {
    connectString: `${host}:${listener.port}`,
    host,
    port: listener.port,
    close() {
      closing ??= (async () => {
        loop?.close();
        await listener.close();
        await txnLog.close();
      })();
      return closing;
    },
  };
}

function copyDefined(target: PeerOptionsInput, options: StartServerOptions): void {
  if (options.tickMs !== undefined) target.tickMs = options.tickMs;
  if (options.minSessionTimeoutMs !== undefined)
    target.minSessionTimeoutMs = options.minSessionTimeoutMs;
  if (options.maxSessionTimeoutMs !== undefined)
    target.maxSessionTimeoutMs = options.maxSessionTimeoutMs;
  if (options.extendedTypesEnabled !== undefined)
    target.extendedTypesEnabled = options.extendedTypesEnabled;
  if (options.superDigest !== undefined) target.superDigest = options.superDigest;
  if (options.packetBytesMax !== undefined) target.packetBytesMax = options.packetBytesMax;
  if (options.containerCheckIntervalMs !== undefined) {
    target.containerCheckIntervalMs = options.containerCheckIntervalMs;
  }
}
