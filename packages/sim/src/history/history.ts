// What a simulated run records for the checkers: the clients' operations (invoke and outcome on
// virtual time) and what each server did (txns delivered, leaderships established, proposals).
// The world writes these; checkers/ read them and never see the servers themselves.

/** A znode's state as a register: absent, or its data with its data version. */
export type RegisterState = null | { data: string; version: number };

/**
 * How an operation ended, as its client saw it.
 * - `ok` / `fail`: a definite answer (`fail` carries ZooKeeper's error code; the op had no effect).
 * - `unknown`: no answer that says whether it took effect (connection loss, session expiry,
 *   timeout, or the run ended first). It may take effect any time after its invocation, or never.
 */
export type Outcome<T> =
  | { type: 'ok'; value: T; completeMs: number }
  | { type: 'fail'; code: number; completeMs: number }
  | { type: 'unknown'; reason: string };

/** The znode operations the register checkers understand; `data` strings are unique per write. */
export type ZnodeCall =
  | { kind: 'create'; path: string; data: string }
  /** `expectedVersion` -1 matches any version. ok value: the new data version. */
  | { kind: 'set'; path: string; data: string; expectedVersion: number }
  | { kind: 'delete'; path: string; expectedVersion: number }
  /** A multi's version check: ok iff the node exists at that version (-1: at any version). */
  | { kind: 'check'; path: string; expectedVersion: number }
  /** A plain read: served by the connected server, so sequentially consistent, not linearizable. */
  | { kind: 'read'; path: string }
  /** sync then read, both on one session: linearizable in a quorum, as ZooKeeper documents it. */
  | { kind: 'syncRead'; path: string };

export interface ZnodeOpValue {
  /** create/set/delete: nothing but the new version (set) — reads: the state they saw. */
  version?: number;
  state?: RegisterState;
  /** The Stat's mzxid of what a read saw or a write produced (null when absent). */
  mzxid?: bigint | null;
}

export interface ZnodeOp {
  id: number;
  /** The client (one session at a time) that issued it. */
  process: number;
  sessionId: bigint | null;
  invokeMs: number;
  call: ZnodeCall;
  outcome: Outcome<ZnodeOpValue>;
}

/**
 * A hold of the Lock recipe, judged by its fencing token (the lock node's czxid). `acquiredMs`
 * is when acquire() resolved: the holder's server had by then shown every older node gone.
 */
export interface LockHold {
  process: number;
  token: bigint;
  acquiredMs: number;
  /** When the holder released it or was told it lost it (its signal); null: run ended. */
  releasedMs: number | null;
}

/**
 * A write to the lock-protected resource: a multi that checks the holder's lock node still
 * exists, then sets the resource. An ok one proves the hold was still valid when it committed.
 */
export interface FencedWrite {
  process: number;
  token: bigint;
  invokeMs: number;
  outcome: Outcome<{ zxid: bigint | null }>;
}

/**
 * An increment by the Counter recipe. `unknown`: it threw CounterOutcomeUnknownError, or was in
 * flight when the run (or its host) ended — applied once or not at all. `fail`: the recipe
 * threw anything else, which it promises means the update did not apply.
 */
export interface CounterIncrement {
  process: number;
  invokeMs: number;
  /** ok value: the counter value this increment produced. */
  outcome: Outcome<number>;
}

/**
 * An ID from a generator recipe: `sequential` (SequentialIdGenerator: unique, and larger than
 * every ID granted before it was asked for) or `segment` (SegmentIdGenerator: unique, and
 * increasing per generator).
 */
export interface IdGrant {
  kind: 'sequential' | 'segment';
  process: number;
  /** The generator instance that granted it (one per client session). */
  generator: string;
  invokeMs: number;
  outcome: Outcome<bigint>;
}

/** What the servers did, as seen from outside the core (the sim wraps host and network). */
export type ServerEvent =
  /** A committed txn applied to a server's tree. `fingerprint` identifies the txn's content. */
  | {
      type: 'delivered';
      atMs: number;
      server: number;
      incarnation: number;
      zxid: bigint;
      fingerprint: string;
      /** The session and cxid of the request it came from (absent in hand-made histories). */
      origin?: { sessionId: bigint; cxid: number };
    }
  /** A server became an established (serving) leader of `epoch`. */
  | { type: 'established'; atMs: number; server: number; incarnation: number; epoch: number }
  /** A leader sent a proposal. */
  | {
      type: 'proposed';
      atMs: number;
      server: number;
      incarnation: number;
      zxid: bigint;
      fingerprint: string;
    }
  /**
   * A server (re)started, or installed a SNAP from its leader: deliveries of this incarnation
   * begin after `fromZxid` (the snapshot it holds). Either way its earlier deliveries are over.
   */
  | { type: 'started'; atMs: number; server: number; incarnation: number; fromZxid: bigint };

/** The watches a client holds, by the list setWatches re-sends them in. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

/** The request a reply answers, as far as the watch checker needs it. */
export type RecordedCall =
  /** exists / getData / getChildren(2): `watch` says whether it asked for a one-shot watch. */
  | { op: 'exists' | 'getData' | 'getChildren'; path: string; watch: boolean }
  /** addWatch: mode 0 persistent, 1 persistent-recursive. */
  | { op: 'addWatch'; path: string; mode: number }
  /**
   * removeWatches drops the watches of a WatcherType on the path, on the server and in the
   * client; checkWatches (what the client sends to remove one listener) only in the client.
   */
  | { op: 'checkWatches' | 'removeWatches'; path: string; watcherType: number }
  | { op: 'setWatches' }
  /** Anything else (its reply still carries a zxid the ordering rule judges). */
  | { op: 'other'; name: string };

/**
 * What one session's connections brought to its client, in arrival order, as the client's
 * transport saw it (a tap on the wire: it never changes a byte). Pings and auth replies are left
 * out: their zxid shows the client nothing. `connection` numbers the session's connections.
 */
export type SessionEntry =
  /** The handshake was answered: the session lives on this connection from now on. */
  | { type: 'connected'; atMs: number; connection: number; server: string }
  /** The connection closed (either side); what was in flight on it is lost. */
  | { type: 'lost'; atMs: number; connection: number }
  /** A setWatches(2) the client sent after reconnecting: its lastZxidSeen and the lists. */
  | {
      type: 'setWatches';
      atMs: number;
      connection: number;
      relativeZxid: bigint;
      watches: Record<WatchKind, string[]>;
    }
  /** A reply, with the zxid of its header: the server state it reflects. */
  | {
      type: 'reply';
      atMs: number;
      connection: number;
      /** The request's xid (absent in hand-made test histories). */
      xid?: number;
      zxid: bigint;
      err: number;
      call: RecordedCall;
    }
  /** A watch notification (its header's zxid is −1, as in ZooKeeper 3.8). */
  | { type: 'event'; atMs: number; connection: number; eventType: number; path: string };

export interface SessionLog {
  process: number;
  /** From the first handshake answer; null if none came. */
  sessionId: bigint | null;
  entries: SessionEntry[];
}

export interface History {
  znodeOps: ZnodeOp[];
  lockHolds: LockHold[];
  fencedWrites: FencedWrite[];
  /** LeaderLatch terms, judged as holds: the token is the leader node's czxid. */
  leaderTerms: LockHold[];
  /** Leaders' guarded writes to their resource (a multi: check the leader node, then set). */
  leaderWrites: FencedWrite[];
  counterIncrements: CounterIncrement[];
  idGrants: IdGrant[];
  /** The counter's value read after the run healed (null if it could not be read). */
  finalCounter: number | null;
  server: ServerEvent[];
  /** Every workload session's replies, watch events and reconnects (the watch checker's input). */
  sessions: SessionLog[];
}

export interface Violation {
  checker: string;
  message: string;
}

export function emptyHistory(): History {
  return {
    znodeOps: [],
    lockHolds: [],
    fencedWrites: [],
    leaderTerms: [],
    leaderWrites: [],
    counterIncrements: [],
    idGrants: [],
    finalCounter: null,
    server: [],
    sessions: [],
  };
}
