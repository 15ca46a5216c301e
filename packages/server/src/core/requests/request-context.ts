// What the request path is given by the server it runs in: the state it reads and changes, where
// client messages go, and the way into replication. The Peer provides it; nothing on the request
// path sees the Peer itself, so no import runs back from here to the peer.

import type { ClientMessage } from '../peer/ready.js';
import type { AnsweredEntry } from '../peer/client-output.js';
import type { Response } from '@zoo/client/protocol';
import type { PeerOptions } from '../peer/peer-options.js';
import type { PeerStats } from '../peer/peer-stats.js';
import type { DataTree } from '../tree/data-tree.js';
import type { PendingChanges } from '../prep/pending-changes.js';
import type { SessionTable } from '../sessions/session-table.js';
import type { WatchRegistry } from '../watches/watch-registry.js';
import type { Txn } from '../tree/txn.js';
import type { LeaderBoundMessage, RequestOrigin } from '../zab/messages.js';
import type { ConnectionState } from './connection-state.js';

export interface RequestContext {
  readonly options: PeerOptions;
  readonly stats: PeerStats;
  readonly sessions: SessionTable;
  readonly watches: WatchRegistry;
  /** The applied tree (replaced when a SNAP arrives: read it through this getter each time). */
  readonly tree: DataTree;
  readonly pending: PendingChanges;
  readonly nowMs: number;
  /** The newest zxid applied to the tree: what replies carry. */
  readonly lastZxid: bigint;
  readonly isServing: boolean;
  /** This server prepares and proposes writes itself (a leader, or a standalone server). */
  readonly isLeading: boolean;
  readonly connections: ReadonlyMap<number, ConnectionState>;
  /** The connection currently carrying each session. */
  readonly connectionBySession: Map<bigint, number>;

  // ---- replication ----
  nextZxid(): bigint;
  /** Leader: hands a prepared txn to replication. */
  propose(txn: Txn): void;
  /** Learner: sends a client's request, or a resumed session's revalidation, to the leader. */
  forward(message: LeaderBoundMessage): void;
  /** Answered (syncDone) once everything committed before it has been applied here. */
  sync(origin: RequestOrigin, path: string): void;
  /** Learner: a client touched its session; the leader hears of it with the next pong. */
  noteTouched(sessionId: bigint): void;

  // ---- client output ----
  emit(message: ClientMessage): void;
  /** The reply to `entry`, carrying `zxid` (the last applied one when omitted). */
  reply(
    connection: ConnectionState,
    entry: AnsweredEntry,
    err: number,
    body: Response | null,
    zxid?: bigint,
  ): void;
  /** Closes a connection for good: what it had queued is dropped unanswered. */
  closeConnection(connection: ConnectionState, reason: string): void;
}
