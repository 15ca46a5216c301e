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
export type { Clock, Env, Logger, PeerSender, Scheduler, TxnLog } from './runtime/env.js';
export { MemoryTxnLog } from './runtime/memory-txn-log.js';
export { ClientConnections } from './runtime/client-connections.js';
export type { ByteStream } from './runtime/client-connection.js';
export { sha1Digest } from './adapters/node-env.js';
// The ensemble member's replication and its wire format, for the simulator's own mesh.
export { createZab } from './zab-factory.js';
export type { EnsembleMembership, ZabFactoryOptions } from './zab-factory.js';
export type { Zab } from './core/zab/zab.js';
export type { DurableState, ZabTestingOptions } from './core/zab/zab-types.js';
export { commitOnOwnAck, sendAcksBeforePersist } from './core/zab/planted-bugs.js';
export type { PlantedBugs } from './core/zab/planted-bugs.js';
export type { CommitRule } from './core/zab/quorum.js';
export type {
  PersistOp,
  Replication,
  ReplicationOutput,
  ReplicatedState,
  ReplicationEffect,
  ReplicationRole,
} from './core/replication.js';
export type { ReplicationFactory } from './core/peer.js';
export type { Random } from './core/random.js';
export type { Txn, TxnBody } from './core/txn.js';
export { describeTxn } from './core/txn.js';
export type { TreeSnapshot } from './core/tree/tree-snapshot.js';
export type { PeerMessage } from './core/zab/messages.js';
export { describeMessage } from './core/zab/messages.js';
export { decodePeerMessage, encodePeerMessage } from './adapters/peer-codec.js';
