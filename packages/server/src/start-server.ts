// startServer: one standalone Zoo server inside the caller's process — a Peer, its loop, its
// storage (a data directory, or memory) and a TCP client port. Port 0 picks a free port.

import { StandaloneReplication } from './core/replication/standalone-replication.js';
import { openMemberStorage } from './member-storage.js';
import { startServerInstance, type ServerInstance } from './server-instance.js';
import { loggerOf, type ServerOptions } from './server-options.js';
import type { DiskFs } from './adapters/disk/disk-fs.js';

export { defaultFourLetterWordWhitelist } from './server-options.js';

export interface StartServerOptions extends ServerOptions {
  /** Client port; 0 (the default) picks a free one. ZooKeeper's usual port is 2181. */
  port?: number;
  /**
   * Keeps every acknowledged write in this directory (created if missing, locked while the
   * server runs) and recovers from it on the next start. Without it the state is in memory.
   */
  dataDir?: string;
}

export interface ZooServer {
  /** `host:port`, ready for any ZooKeeper client. */
  readonly connectString: string;
  readonly host: string;
  readonly port: number;
  /** The admin HTTP port (`/commands`, `/metrics`), or null unless `adminPort` was given. */
  readonly adminPort: number | null;
  close(): Promise<void>;
}

export function startServer(options: StartServerOptions = {}): Promise<ZooServer> {
  return startServerOn(options, {});
}

/** startServer over an injected file system (`@zoo/server/internals`: tests of disk faults). */
export async function startServerOn(
  options: StartServerOptions,
  disk: { fs?: DiskFs },
): Promise<ZooServer> {
  const log = loggerOf(options, 'zoo', 'warn');
  let instance: ServerInstance | null = null;
  const storage = await openMemberStorage({
    dataDir: options.dataDir ?? null,
    snapRetainCount: options.snapRetainCount,
    logger: log,
    ...disk,
    // Nothing more can be made durable, so nothing more may be acknowledged: stop serving.
    onFatal: (error) => {
      log.error(`disk failure, the server stops: ${error.message}`);
      void instance?.close();
    },
  });
  try {
    instance = await startServerInstance({
      ...options,
      logger: log,
      serverId: 1,
      port: options.port ?? 0,
      txnLog: storage.txnLog,
      recovered: storage.recovered,
      dataDir: storage.dataDir,
      dataLogDir: storage.dataLogDir,
      createReplication: (state) => new StandaloneReplication(1, state, storage.durable.log),
      peers: { send: () => undefined },
      mode: 'standalone',
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const running = instance;
  let closing: Promise<void> | null = null;
  return {
    connectString: running.connectString,
    host: running.host,
    port: running.port,
    adminPort: running.adminPort,
    close: () => {
      closing ??= running.close().then(() => storage.close());
      return closing;
    },
  };
}
