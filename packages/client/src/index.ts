// The public surface of @zoo/client: createClient and the promise client, their option and
// result types, and the protocol types and constants users need (the codec itself is
// exported separately as @zoo/client/protocol).

export { createClient } from './adapters/create-client.js';
export { nodeClientEnv } from './adapters/node-env.js';
export { connectTcp } from './adapters/tcp-transport.js';
export {
  createClientWithEnv,
  sessionTimeoutMsDefault,
  type ClientOptions,
} from './api/create-client-with-env.js';
export type { ClientEventListener, ClientEventName } from './api/client-events.js';
export type { CreateOptions, ZnodeData } from './api/create-request.js';
export { ttlMsMax } from './api/create-request.js';
export type {
  ClientEnv,
  ClientLogger,
  Clock,
  TimerHandle,
  Timers,
  Transport,
  TransportFactory,
  TransportHandlers,
} from './api/env.js';
export type { ReadOp, ReadResult } from './api/multi-read.js';
export type { WatchListener } from './api/session-driver.js';
export {
  Transaction,
  TransactionError,
  type TransactionOp,
  type TransactionOpOutcome,
  type TransactionResult,
} from './api/transaction.js';
export {
  ZooClient,
  type AclResult,
  type ChildrenResult,
  type DataResult,
  type RemoveWatchesOptions,
  type WatchOptions,
} from './api/zoo-client.js';
export { ClientSession } from './core/client-session.js';
export { parseConnectString, type ConnectString, type ServerAddress } from './core/server-list.js';
export type {
  ClientSessionOptions,
  RequestOutcome,
  SessionCall,
  SessionEvent,
  SessionOutput,
  SessionState,
  WatchEvent,
} from './core/session-types.js';
export { describeSessionOutput } from './core/session-types.js';
export {
  AddWatchMode,
  CREATOR_ALL_ACL,
  CreateMode,
  ErrorCode,
  EventType,
  Ids,
  KeeperState,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  WatcherType,
  ZooError,
  errorCodeName,
  type Acl,
  type ClientInfo,
  type CreateModeValue,
  type ErrorCodeName,
  type ErrorCodeValue,
  type EventTypeValue,
  type Id,
  type Stat,
} from './protocol/index.js';
