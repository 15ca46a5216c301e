// What write preparation is given: the tree, the pending changes over it, the zxid and time the
// leader assigns to this txn, and the caller's session, identities and server options.

import type {
  CreateRequest,
  DeleteRequest,
  MultiRequest,
  SetAclRequest,
  SetDataRequest,
} from '@zoo/client/protocol';
import type { Identity } from '../acl/identity.js';
import type { DataTree } from '../tree/data-tree.js';
import type { PendingChanges } from './pending-changes.js';

export type { Identity } from '../acl/identity.js';

/** Enough to stamp a txn: used directly by session and reaper txns, which have no caller. */
export interface TxnContext {
  tree: DataTree;
  pending: PendingChanges;
  /** The zxid this txn takes (every write takes one, failed ones too). */
  zxid: bigint;
  /** The leader's wall clock, ms; becomes ctime/mtime. */
  timeMs: number;
  /** The request's xid (0 for server-issued txns, as ZooKeeper's session expiry and reaper). */
  cxid: number;
}

export interface PrepOptions {
  /** zookeeper.extendedTypesEnabled: TTL nodes; otherwise they answer Unimplemented. */
  extendedTypesEnabled: boolean;
  /** zookeeper.skipACL: no ACL check at all. */
  skipAcl: boolean;
  /** Node data longer than this is refused with BadArguments (Zoo's rule: keeps every reply
   * within jute.maxbuffer). */
  packetBytesMax: number;
}

export interface PrepContext extends TxnContext {
  sessionId: bigint;
  identities: readonly Identity[];
  options: PrepOptions;
  /**
   * ZooKeeper's "session checks" (sessionTracker.checkSession / checkGlobalSession), at the
   * point of each op where ZooKeeper makes them: 0 when fine, else the code to answer
   * (SessionExpired −112, EphemeralOnLocalSession −120). Omitted: the session is fine.
   */
  checkSession?: (isEphemeralCreate: boolean) => number;
}

export type WriteRequest =
  CreateRequest | DeleteRequest | SetDataRequest | SetAclRequest | MultiRequest;

/**
 * A write ZooKeeper's PrepRequestProcessor refuses before it looks at the tree (a body that does
 * not parse: MarshallingError; reconfig while reconfig is disabled: ReconfigDisabled). It still
 * becomes an error txn, so it takes a zxid of its own and replicates like any failed write.
 */
export interface RefusedWrite {
  type: 'refused';
  err: number;
}

/** What a server submits for a zxid on a client's behalf. */
export type SubmittedWrite = WriteRequest | RefusedWrite;
