// What the core remembers about one client connection: its session, its identities (for ACLs),
// the requests waiting behind its own uncommitted writes, and the counters `cons`/`stat` print.

import type { Request } from '@zoo/client/protocol';
import { assert } from '@zoo/client/protocol';
import type { Identity } from '../acl/identity.js';

/** A request of this connection that cannot be answered yet (replies leave in request order). */
export type QueuedRequest =
  /**
   * A write of this connection (or its closeSession); answered when its txn is applied. A write
   * whose body did not parse has no request: it waits for its error txn all the same.
   */
  | { kind: 'write'; xid: number; opCode: number; request: Request | null; receivedMs: number }
  /** A sync on a learner: answered once the leader says everything before it has arrived. */
  | {
      kind: 'sync';
      xid: number;
      opCode: number;
      request: Request;
      receivedMs: number;
      isDone: boolean;
    }
  /** A read (or other in-order request) that waits for the writes queued before it. */
  | { kind: 'read'; xid: number; opCode: number; request: Request; receivedMs: number }
  /** A request whose body failed to parse: answered MarshallingError in its turn. */
  | { kind: 'malformed'; xid: number; opCode: number; receivedMs: number };

/** A decoded client request as it arrives: a request, a body that failed to parse, or an unknown
 * op. */
export interface IncomingRequest {
  xid: number;
  opCode: number;
  request: Request | 'malformed' | 'unknownOp';
}

export type ConnectionPhase =
  /** Waiting for the ConnectRequest. */
  | 'handshake'
  /** A new session's createSession txn is proposed; requests wait in `beforeEstablished`. */
  | 'creatingSession'
  /** Learner: the leader is asked whether the resumed session lives; requests wait too. */
  | 'revalidating'
  | 'established'
  /** closeSession was requested: later frames are ignored until its txn closes the connection. */
  | 'closing'
  /** The server closed it: nothing more is read or answered, whatever was still queued. */
  | 'closed';

/** Whether a connection takes no more frames: its session is closing, or the server closed it. */
export function isWindingDown(connection: ConnectionState): boolean {
  return connection.phase === 'closing' || connection.phase === 'closed';
}

export interface ConnectionStats {
  packetsReceived: number;
  packetsSent: number;
  lastOp: string;
  lastCxid: number;
  lastZxid: bigint;
  lastResponseMs: number;
  lastLatencyMs: number;
  minLatencyMs: number;
  maxLatencyMs: number;
  totalLatencyMs: number;
  latencyCount: number;
  establishedMs: number;
}

export interface ConnectionState {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  phase: ConnectionPhase;
  sessionId: bigint | null;
  /** Negotiated timeout of the session this connection carries. */
  sessionTimeoutMs: number;
  /** The ConnectRequest carried the optional readOnly byte, so the response must too. */
  sentReadOnlyFlag: boolean;
  /** `ip:<address>` first, then digest ids and `super:` as auth packets add them. */
  identities: Identity[];
  queue: QueuedRequest[];
  /** Requests pipelined behind the ConnectRequest, processed once the session exists. */
  beforeEstablished: IncomingRequest[];
  stats: ConnectionStats;
}

export function createConnectionState(
  id: number,
  remote: { address: string; port: number },
  nowMs: number,
): ConnectionState {
  return {
    id,
    remoteAddress: remote.address,
    remotePort: remote.port,
    phase: 'handshake',
    sessionId: null,
    sessionTimeoutMs: 0,
    sentReadOnlyFlag: false,
    identities: [{ scheme: 'ip', id: remote.address }],
    queue: [],
    beforeEstablished: [],
    stats: {
      packetsReceived: 0,
      packetsSent: 0,
      lastOp: 'NA',
      lastCxid: -1,
      lastZxid: -1n,
      lastResponseMs: 0,
      lastLatencyMs: 0,
      minLatencyMs: Number.MAX_SAFE_INTEGER,
      maxLatencyMs: 0,
      totalLatencyMs: 0,
      latencyCount: 0,
      establishedMs: nowMs,
    },
  };
}

/** Every session's carrier is a live connection that carries that session. */
export function carrierInvariants(
  connections: ReadonlyMap<number, ConnectionState>,
  connectionBySession: ReadonlyMap<bigint, number>,
): void {
  for (const [sessionId, connectionId] of connectionBySession) {
    const connection = connections.get(connectionId);
    assert(connection !== undefined, () => `session 0x${sessionId.toString(16)} has no connection`);
    assert(connection.sessionId === sessionId, 'connectionBySession disagrees with the connection');
  }
}

/** ZooKeeper's four-letter abbreviations of the last operation, as `cons` prints them. */
export function lastOpName(request: Request | null): string {
  if (request === null) return 'NA';
  switch (request.type) {
    case 'ping':
      return 'PING';
    case 'multi':
      return 'MULT';
    case 'multiRead':
      return 'MLTR';
    case 'create':
      return 'CREA';
    case 'delete':
      return 'DELE';
    case 'setData':
      return 'SETD';
    case 'setACL':
      return 'SETA';
    case 'closeSession':
      return 'CLOS';
    case 'sync':
      return 'SYNC';
    case 'check':
      return 'CHEC';
    case 'exists':
      return 'EXIS';
    case 'getData':
      return 'GETD';
    case 'setWatches':
      return request.version === 1 ? 'SETW' : 'STW2';
    case 'addWatch':
      return 'ADDW';
    case 'getACL':
      return 'GETA';
    case 'getChildren':
      return 'GETC';
    case 'getAllChildrenNumber':
      return 'GETACN';
    case 'checkWatches':
      return 'CHKW';
    case 'removeWatches':
      return 'REMW';
    case 'whoAmI':
      return 'HOMI';
    case 'getEphemerals':
      return 'GETE';
    case 'auth':
      return 'AUTH';
    case 'sasl':
      return 'SASL';
    case 'reconfig':
      return 'RECO';
  }
}
