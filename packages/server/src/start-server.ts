// startServer: one standalone Zoo server inside the caller's process — a Peer, its loop, an
// in-memory txn log and a TCP client port. Port 0 picks a free port.

import { MemoryTxnLog } from './runtime/memory-txn-log.js';
import { startServerInstance } from './server-instance.js';
import type { ServerOptions } from './server-options.js';

export { defaultFourLetterWordWhitelist } from './server-options.js';

export interface StartServerOptions extends ServerOptions {
  /** Client port; 0 (the default) picks a free one. ZooKeeper's usual port is 2181. */
  port?: number;
}

export interface ZooServer {
  /** `host:port`, ready for any ZooKeeper client. */
  readonly connectString: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<ZooServer> {
  const instance = await startServerInstance({
    ...options,
    serverId: 1,
    port: options.port ?? 0,
    txnLog: new MemoryTxnLog(),
    peers: { send: () => undefined },
    mode: 'standalone',
  });
  return {
    connectString: instance.connectString,
    host: instance.host,
    port: instance.port,
    close: () => instance.close(),
  };
}
