// Plain TypeScript shapes of the Jute records shared by every operation (zookeeper.jute):
// Stat, Id, ACL, WatcherEvent, plus the enumerations that travel inside them.

/** Znode metadata in wire order. zxids and session ids are 64-bit, so they are bigint. */
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

export interface Id {
  scheme: string;
  id: string;
}

export interface Acl {
  perms: number;
  id: Id;
}

/**
 * An ACL entry as a create or setACL request carries it. Jute may send a null scheme or id (a
 * Jute null, −1: kazoo writes an empty string so); Java reads it as null and the server answers
 * per entry (InvalidACL, MarshallingError, or an `auth` entry expanded all the same).
 */
export interface RequestAcl {
  perms: number;
  id: { scheme: string | null; id: string | null };
}

export const Perms = {
  read: 1,
  write: 2,
  create: 4,
  delete: 8,
  admin: 16,
  all: 31,
} as const;

/** ZooDefs.Ids constants. */
export const Ids = {
  anyoneIdUnsafe: { scheme: 'world', id: 'anyone' } as Id,
  authIds: { scheme: 'auth', id: '' } as Id,
} as const;

export const OPEN_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.all, id: Ids.anyoneIdUnsafe }];
export const CREATOR_ALL_ACL: readonly Acl[] = [{ perms: Perms.all, id: Ids.authIds }];
export const READ_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.read, id: Ids.anyoneIdUnsafe }];

/** CreateMode flags as sent in CreateRequest.flags. */
export const CreateMode = {
  persistent: 0,
  ephemeral: 1,
  persistentSequential: 2,
  ephemeralSequential: 3,
  container: 4,
  persistentWithTtl: 5,
  persistentSequentialWithTtl: 6,
} as const;
export type CreateModeValue = (typeof CreateMode)[keyof typeof CreateMode];

/** Watcher.Event.EventType values. The server only ever sends 1..4. */
export const EventType = {
  none: -1,
  nodeCreated: 1,
  nodeDeleted: 2,
  nodeDataChanged: 3,
  nodeChildrenChanged: 4,
  dataWatchRemoved: 5,
  childWatchRemoved: 6,
  persistentWatchRemoved: 7,
} as const;
export type EventTypeValue = (typeof EventType)[keyof typeof EventType];

/** Watcher.Event.KeeperState values. A server only sends SyncConnected (3). */
export const KeeperState = {
  disconnected: 0,
  syncConnected: 3,
  authFailed: 4,
  connectedReadOnly: 5,
  saslAuthenticated: 6,
  expired: -112,
  closed: 7,
} as const;

/** WatcherType for checkWatches / removeWatches (3.8 defines 1..3). */
export const WatcherType = {
  children: 1,
  data: 2,
  any: 3,
} as const;

/** AddWatchRequest.mode. */
export const AddWatchMode = {
  persistent: 0,
  persistentRecursive: 1,
} as const;

export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

export interface ClientInfo {
  authScheme: string;
  user: string;
}
