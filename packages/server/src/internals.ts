// `@zoo/server/internals`: the deterministic core, the loop that drives it and the peer wire
// format, for the simulator (packages/sim) and the repository's tests. Not a stable API: users
// embedding Zoo import `@zoo/server`, which exports only startServer and startCluster.

export { Peer } from './core/peer/peer.js';
export type { PeerOptions, PeerOptionsInput } from './core/peer/peer-options.js';
export type { PeerInput } from './core/peer/peer-input.js';
export { describeInput } from './core/peer/peer-input.js';
export type { ClientMessage, Ready } from './core/peer/ready.js';
export { describeReady } from './core/peer/ready.js';
export { PeerLoop } from './runtime/peer-loop.js';
export { startServerOn } from './start-server.js';
export type { DiskFs } from './adapters/disk/disk-fs.js';
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
// Bugs the simulator's self-tests plant from outside the server code.
export { commitOnOwnAck, sendAcksBeforePersist } from './core/zab/planted-bugs.js';
export type { PlantedBugs } from './core/zab/planted-bugs.js';
export type { CommitRule } from './core/zab/quorum.js';
export type {
  PersistOp,
  Replication,
  ReplicationEffect,
  ReplicationOutput,
  ReplicatedState,
  ReplicationRole,
} from './core/replication/replication.js';
export type { ReplicationFactory } from './core/peer/peer.js';
export type { Random } from './core/replication/random.js';
export { SeededRandom } from './core/replication/random.js';
export type { Txn, TxnBody } from './core/tree/txn.js';
export { describeTxn } from './core/tree/txn.js';
export type { SnapshotStream, TreeSnapshot } from './core/tree/tree-snapshot.js';
export { drainSnapshot, streamOfSnapshot } from './core/tree/tree-snapshot.js';
export type { OutgoingMessage, PeerMessage } from './core/zab/messages.js';
export { describeMessage } from './core/zab/messages.js';
export { snapMessages } from './core/zab/snap-messages.js';
export { decodePeerMessage, encodePeerMessage } from './adapters/peer-codec.js';
export { PeerBroadcastEncoder } from './adapters/peer-broadcast-encoder.js';
// The durable log and its recovery, which the simulator runs over its own simulated DiskFs.
export { DiskTxnLog } from './adapters/disk/disk-txn-log.js';
export type { DiskTxnLogOptions } from './adapters/disk/disk-txn-log.js';
export { fsyncDirectory, writeFileDurably } from './adapters/disk/disk-fs.js';
export { recover } from './adapters/disk/recover.js';
export type { RecoveredState } from './adapters/disk/recover.js';
export { purge } from './adapters/disk/purge.js';
export { CorruptDataDirError } from './adapters/disk/disk-errors.js';
// The data directory's decoders, for the simulator's own reading of what a crash left durable.
export { decodeEpochs, encodeEpochs, epochsFileName } from './adapters/disk/epochs-file.js';
export { frameAt } from './adapters/disk/record-frame.js';
export { decodeLogRecord } from './adapters/disk/log-record.js';
export { decodeSegmentHeader, segmentSeqOf } from './adapters/disk/segment-file.js';
export { decodeSnapshotLazily, snapshotZxidOf } from './adapters/disk/snapshot-file.js';
export { snapRetainCountDefault } from './member-storage.js';
