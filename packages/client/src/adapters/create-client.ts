// createClient: the client's entry point, over real sockets and timers unless options.env
// injects another world (the simulator).

import { createClientWithEnv, type ClientOptions } from '../api/create-client-with-env.js';
import type { ZooClient } from '../api/zoo-client.js';
import { nodeClientEnv } from './node-env.js';

/**
 * A client for `connectString` ('host:port,host:port/chroot'), already connecting. Calls made
 * before the connection is up are sent once it is; `await client.ready()` waits for it.
 */
export function createClient(connectString: string, options: ClientOptions = {}): ZooClient {
  return createClientWithEnv(connectString, options, options.env ?? nodeClientEnv());
}
