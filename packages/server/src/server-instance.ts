// One running Zoo server in this process: a Peer and its loop, the client port (TCP), the
// four-letter words, and whatever replication and peer sender the caller wires in. startServer
// runs one standalone; startCluster runs several wired to a peer network.

import { hostname } from 'node:os';
import { Peer } from './core/peer/peer.js';
import type { ReplicationFactory } from './core/peer/peer.js';
import type { PeerInput } from './core/peer/peer-input.js';
import type { TreeSnapshot } from './core/tree/tree-snapshot.js';
import { PeerLoop } from './runtime/peer-loop.js';
import { ClientConnections } from './runtime/client-connections.js';
import type { Logger, PeerSender, TxnLog } from './runtime/env.js';
import { captureServerState } from './runtime/capture-server-state.js';
import { consoleLogger, nodeScheduler, sha1Digest, systemClock } from './adapters/node-env.js';
import { listenTcp } from './adapters/tcp-listener.js';
import type { TcpListener } from './adapters/tcp-listener.js';
import {
  fourLetterWordAction,
  fourLetterWords,
  parseWhitelist,
  runFourLetterWord,
} from './admin/four-letter-words.js';
import {
  connectionLimitDefaults,
  defaultFourLetterWordWhitelist,
  peerOptionsOf,
} from './server-options.js';
import { formatVersion, zooVersion } from './admin/java-format.js';
import type { ServerOptions } from './server-options.js';

export interface ServerInstanceOptions extends ServerOptions {
  serverId: number;
  /** Client port; 0 picks a free one. */
  port: number;
  txnLog: TxnLog;
  peers: PeerSender;
  createReplication?: ReplicationFactory;
  /** The state found in storage, installed before replication starts. */
  recovered?: TreeSnapshot | null;
  /** Where the member's data lives ('' in memory), for the `conf` and `dirs` words. */
  dataDir?: string;
  /** `conf`/`srvr` quorum details, when a member of an ensemble. */
  mode?: 'standalone' | 'ensemble';
}

export interface ServerInstance {
  readonly serverId: number;
  readonly host: string;
  readonly port: number;
  readonly connectString: string;
  readonly peer: Peer;
  readonly log: Logger;
  /** Feeds an input (e.g. a peer message) into the server's loop. */
  submit(input: PeerInput): void;
  close(): Promise<void>;
}

export async function startServerInstance(options: ServerInstanceOptions): Promise<ServerInstance> {
  const host = options.host ?? '127.0.0.1';
  const name = options.mode === 'ensemble' ? `zoo-${options.serverId}` : 'zoo';
  const log = options.logger ?? consoleLogger({ level: options.logLevel ?? 'warn', name });
  const startedAtMs = systemClock.nowMs();
  const base = { startMs: startedAtMs, digestOf: sha1Digest, serverId: options.serverId };
  const peer = new Peer(
    peerOptionsOf(options, base),
    options.createReplication,
    options.recovered ?? null,
  );
  const whitelist = parseWhitelist(
    options.fourLetterWordWhitelist ?? defaultFourLetterWordWhitelist,
  );
  let listener: TcpListener | null = null;
  let loop: PeerLoop | null = null;
  const wordContext: FourLetterWordContext = {
    peer,
    whitelist,
    isEnsemble: options.mode === 'ensemble',
    startedAtMs,
    clientPort: () => listener?.port ?? options.port,
    dataDir: options.dataDir ?? '',
  };
  const connections = new ClientConnections({
    packetBytesMax: peer.options.packetBytesMax,
    log,
    submit: (input) => loop?.submit(input),
    fourLetterWord: (code) => answerFourLetterWord(code, wordContext),
    globalOutstandingLimit:
      options.globalOutstandingLimit ?? connectionLimitDefaults.globalOutstandingLimit,
    defer: (task) => nodeScheduler.defer(task),
  });
  const env = {
    clock: systemClock,
    scheduler: nodeScheduler,
    log,
    txnLog: options.txnLog,
    peers: options.peers,
  };
  const running = new PeerLoop(peer, env, connections);
  loop = running;
  listener = await listenTcp(connections, {
    host,
    port: options.port,
    log,
    maxClientCnxns: options.maxClientCnxns ?? connectionLimitDefaults.maxClientCnxns,
    connectTimeoutMs: options.connectTimeoutMs ?? connectionLimitDefaults.connectTimeoutMs,
  });
  const port = listener.port;
  peer.start();
  running.drain();
  let closing: Promise<void> | null = null;
  return {
    serverId: options.serverId,
    host,
    port,
    connectString: `${host}:${port}`,
    peer,
    log,
    submit: (input) => running.submit(input),
    close() {
      closing ??= (async () => {
        running.close();
        await listener?.close();
      })();
      return closing;
    },
  };
}

/** What a four-letter word's answer reads from the running server. */
interface FourLetterWordContext {
  peer: Peer;
  whitelist: ReadonlySet<string>;
  isEnsemble: boolean;
  startedAtMs: number;
  /** The bound client port, or the configured one before the listener is up. */
  clientPort: () => number;
  dataDir: string;
}

/** The answer to a four-letter word, or null for a code that is not one. */
function answerFourLetterWord(code: number, context: FourLetterWordContext): string | null {
  const { peer, whitelist, startedAtMs } = context;
  const word = fourLetterWords.get(code);
  if (word === undefined) return null;
  const action = fourLetterWordAction(word, whitelist);
  if (action === 'resetServerStats') peer.stats.reset();
  if (action === 'resetConnectionStats') peer.resetConnectionStats();
  // ZooKeeper counts a four-letter word as a received packet before answering it, and its
  // answer as a sent one after (so a second srvr sees the first one's answer counted).
  peer.stats.packetsReceived += 1;
  queueMicrotask(() => (peer.stats.packetsSent += 1));
  const snapshot = captureServerState({
    peer,
    isEnsemble: context.isEnsemble,
    clientPort: context.clientPort(),
    dataDir: context.dataDir,
    startedAtMs,
    builtAtMs: startedAtMs,
    traceMask: 306n,
    env: [
      // kazoo's server_version() parses this line, so it carries srvr's version text.
      ['zookeeper.version', formatVersion(zooVersion, startedAtMs)],
      ['host.name', hostname()],
    ],
  });
  return runFourLetterWord(word, snapshot, whitelist);
}
