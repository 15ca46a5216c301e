// The clock rules of a session, as ZooKeeper's ClientCnxn has them: how long a handshake may
// take, how long a connection may stay silent, and how long it may go without sending.

/** ZooKeeper: ClientCnxn.SendThread.startConnect sleeps up to 1 s between attempts. */
export const reconnectDelayMaxMsDefault = 1000;
/** Calls in flight plus calls held for the next connection, per session. */
export const requestsOutstandingMaxDefault = 100_000;

export interface SessionTimings {
  /** A handshake that takes longer is abandoned for the next server. */
  connectTimeoutMs: number;
  /** An open connection that receives nothing for this long is dropped. */
  readTimeoutMs: number;
  /** An open connection that sends nothing for this long sends a ping. */
  pingIntervalMs: number;
}

/**
 * ZooKeeper: ClientCnxn.SendThread — connectTimeout = timeout / servers, readTimeout = 2/3 of
 * the timeout; pings go out after a third of it without sending, so a healthy connection hears
 * a ping reply well before its read timeout.
 */
export function sessionTimings(timeoutMs: number, serverCount: number): SessionTimings {
  return {
    connectTimeoutMs: Math.max(1, Math.floor(timeoutMs / Math.max(1, serverCount))),
    readTimeoutMs: Math.max(1, Math.floor((timeoutMs * 2) / 3)),
    pingIntervalMs: Math.max(1, Math.floor(timeoutMs / 3)),
  };
}
