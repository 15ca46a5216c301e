// startMember: one member of an ensemble whose members run as separate processes, possibly on
// separate hosts — what `zoo-server --config zoo.cfg` runs. Its peers come from the config's
// server.N lines; it listens for peers on its own line's port and for clients on clientPort.

import { openMemberStorage } from './member-storage.js';
import type { ServerInstance } from './server-instance.js';
import type { ServerOptions } from './server-options.js';
import { startEnsembleMember } from './start-ensemble-member.js';
import { consoleLogger } from './adapters/node-env.js';
import type { ZooConfig } from './config/zoo-config.js';
import { ConfigError } from './config/zoo-config.js';

export interface RunningMember {
  readonly instance: ServerInstance;
  close(): Promise<void>;
}

/**
 * `dataDir` overrides the config's (null: keep the state in memory); by default the config's
 * dataDir is used, as ZooKeeper does, and a config without one keeps the state in memory.
 */
export async function startMember(
  config: ZooConfig,
  options: ServerOptions & { myid: number; dataDir?: string | null },
): Promise<RunningMember> {
  const self = config.members.find((member) => member.id === options.myid);
  if (self === undefined) throw new ConfigError(`no server.${options.myid} line for this member`);
  const log =
    options.logger ?? consoleLogger({ level: options.logLevel ?? 'info', name: `zoo-${self.id}` });
  const peers = new Map(
    config.members
      .filter((m) => m.id !== self.id)
      .map((m) => [m.id, { host: m.host, port: m.peerPort }]),
  );
  const membership = {
    serverId: self.id,
    voters: config.members.filter((m) => !m.isObserver).map((m) => m.id),
    observers: config.members.filter((m) => m.isObserver).map((m) => m.id),
    tickMs: config.tickMs,
    initLimitTicks: config.initLimitTicks,
    syncLimitTicks: config.syncLimitTicks,
  };
  const server = {
    ...options,
    host: config.clientPortAddress,
    tickMs: config.tickMs,
    extendedTypesEnabled: options.extendedTypesEnabled ?? config.extendedTypesEnabled,
    ...optional('snapCount', options.snapCount ?? config.snapCount),
  };
  let stopOnFatal: () => void = () => undefined;
  const storage = await openMemberStorage({
    dataDir: options.dataDir === undefined ? config.dataDir : options.dataDir,
    snapRetainCount: options.snapRetainCount ?? config.snapRetainCount,
    logger: log,
    onFatal: (error) => {
      log.error(`disk failure, member ${self.id} stops: ${error.message}`);
      stopOnFatal();
    },
  });
  let member: Awaited<ReturnType<typeof startEnsembleMember>>;
  try {
    member = await startEnsembleMember(server, {
      membership,
      peerHost: self.host,
      peerPort: self.peerPort,
      peers,
      clientPort: config.clientPort,
      storage,
      log,
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const { instance: running, network } = member;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await running.close();
      await network.close();
      await storage.close();
    })();
    return closing;
  };
  stopOnFatal = () => void close();
  return { instance: running, close };
}

/** `{ [key]: value }`, or nothing when the value is unset (exactOptionalPropertyTypes). */
function optional<K extends string>(key: K, value: number | null | undefined) {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
