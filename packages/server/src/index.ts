// Public surface of @zoo/server: start an embedded server, and the deterministic core and loop
// that the simulator drives.

export { startServer, defaultFourLetterWordWhitelist } from './start-server.js';
export type { StartServerOptions, ZooServer } from './start-server.js';
export { startCluster } from './start-cluster.js';
export type { ClusterMember, StartClusterOptions, ZooCluster } from './start-cluster.js';
export type { ServerOptions } from './server-options.js';
export { Peer } from './core/peer.js';
export type { PeerOptions, PeerOptionsInput } from './core/peer-options.js';
export type { PeerInput } from './core/peer-input.js';
export { describeInput } from './core/peer-input.js';
export type { ClientMessage, Ready } from './core/ready.js';
export { describeReady } from './core/ready.js';
export { PeerLoop } from './runtime/peer-loop.js';
export type { ClientSink } from './runtime/peer-loop.js';
export type { Clock, Env, Logger, Scheduler, TxnLog } from './runtime/env.js';
export { MemoryTxnLog } from './runtime/memory-txn-log.js';
export { ClientConnections } from './runtime/client-connections.js';
export type { ByteStream } from './runtime/client-connection.js';
export { sha1Digest } from './adapters/node-env.js';
