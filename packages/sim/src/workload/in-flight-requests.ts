// The requests every workload session has sent and not yet had answered, for the liveness
// checker: a request whose connection stays open must get its reply. The session tap adds a
// request when its frame leaves and drops it at its reply, or with its connection when that
// closes; a host crash silences its connections without closing them, so a request of an older
// incarnation of its host no longer counts.

export interface InFlightRequest {
  /** The client process (1-based) and the session's id as the handshake gave it. */
  process: number;
  sessionId: bigint | null;
  connection: number;
  server: string;
  xid: number;
  /** The request's opcode name. */
  name: string;
  sentMs: number;
}

/** One connection's requests in flight, and whether its host still runs the incarnation. */
interface ConnectionRequests {
  isCurrent: () => boolean;
  byXid: Map<number, InFlightRequest>;
}

export class InFlightRequests {
  private readonly connections = new Set<ConnectionRequests>();

  /** A new connection's ledger; `isCurrent` is false once its host crashed or restarted. */
  open(isCurrent: () => boolean): ConnectionLedger {
    const requests: ConnectionRequests = { isCurrent, byXid: new Map() };
    this.connections.add(requests);
    return {
      sent: (request) => requests.byXid.set(request.xid, request),
      answered: (xid) => requests.byXid.delete(xid),
      closed: () => this.connections.delete(requests),
    };
  }

  /** Every request still waiting on a connection that is open, on a host that still runs. */
  waiting(): InFlightRequest[] {
    const out: InFlightRequest[] = [];
    for (const requests of this.connections) {
      if (requests.isCurrent()) out.push(...requests.byXid.values());
    }
    return out;
  }
}

export interface ConnectionLedger {
  sent(request: InFlightRequest): void;
  answered(xid: number): void;
  closed(): void;
}
