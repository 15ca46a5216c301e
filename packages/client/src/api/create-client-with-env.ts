// Builds a ZooClient from a connect string and options over a given Env, and starts connecting.
// adapters/create-client.ts supplies the real Env; the simulator supplies its own.

import { parseConnectString } from '../core/server-list.js';
import type { ClientEnv } from './env.js';
import { SessionDriver } from './session-driver.js';
import { ZooClient } from './zoo-client.js';

export interface ClientOptions {
  /** Requested session timeout; the server clamps it (2–20 ticks). 30 s by default. */
  sessionTimeoutMs?: number;
  /** Accept a read-only server (state `connectedReadOnly`, event `readOnly`). */
  canBeReadOnly?: boolean;
  /** Resume an existing session (from another client's sessionId and sessionPasswd). */
  session?: { id: bigint; passwd: Buffer };
  /** Largest frame accepted or sent (jute.maxbuffer), 0xfffff by default. */
  packetBytesMax?: number;
  /** Upper bound of the random pause before retrying a failed connection attempt (1 s). */
  reconnectDelayMaxMs?: number;
  /** Calls in flight plus calls waiting for a connection; more fail with ThrottledOp. */
  requestsOutstandingMax?: number;
  /** Clock, timers, random and transport; the real ones (node:net) by default. */
  env?: ClientEnv;
}

export const sessionTimeoutMsDefault = 30_000;

/** A client over `env`, already connecting to the servers of `connectString`. */
export function createClientWithEnv(
  connectString: string,
  options: ClientOptions,
  env: ClientEnv,
): ZooClient {
  const { servers, chroot } = parseConnectString(connectString);
  const driver = new SessionDriver(env, {
    servers,
    chroot,
    sessionTimeoutMs: options.sessionTimeoutMs ?? sessionTimeoutMsDefault,
    ...(options.canBeReadOnly === undefined ? {} : { canBeReadOnly: options.canBeReadOnly }),
    ...(options.session === undefined
      ? {}
      : { sessionId: options.session.id, passwd: options.session.passwd }),
    ...(options.packetBytesMax === undefined ? {} : { packetBytesMax: options.packetBytesMax }),
    ...(options.reconnectDelayMaxMs === undefined
      ? {}
      : { reconnectDelayMaxMs: options.reconnectDelayMaxMs }),
    ...(options.requestsOutstandingMax === undefined
      ? {}
      : { requestsOutstandingMax: options.requestsOutstandingMax }),
  });
  const client = new ZooClient(driver);
  driver.start();
  return client;
}
