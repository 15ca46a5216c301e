// startMember: one member of an ensemble whose members run as separate processes, possibly on
// separate hosts — what `zoo-server --config zoo.cfg` runs. Its peers come from the config's
// server.N lines; it listens for peers on its own line's port and for clients on clientPort.

import { openMemberStorage } from './member-storage.js';
import type { ServerInstance } from './server-instance.js';
import { loggerOf, type ServerOptions } from './server-options.js';
import { startEnsembleMember } from './start-ensemble-member.js';
import type { ZooConfig } from './config/zoo-config.js';
import { ConfigError } from './config/zoo-config.js';
import type { EnsembleMemberAddress } from './admin/admin-snapshot.js';

export interface RunningMember {
  readonly instance: ServerInstance;
  close(): Promise<void>;
}

/** `adminPort` overrides the config's admin.serverPort; null turns the admin server off. */
type MemberOptions = Omit<ServerOptions, 'adminPort'> & {
  myid: number;
  dataDir?: string | null;
  /** Overrides the config's dataLogDir (null: the log goes in dataDir). */
  dataLogDir?: string | null;
  adminPort?: number | null;
};

/**
 * `dataDir` overrides the config's (null: keep the state in memory); by default the config's
 * dataDir is used, as ZooKeeper does, and a config without one keeps the state in memory. The
 * config's dataLogDir (unless `dataLogDir` overrides it) takes the txn log, as in ZooKeeper.
 */
export async function startMember(
  config: ZooConfig,
  options: MemberOptions,
): Promise<RunningMember> {
  const self = config.members.find((member) => member.id === options.myid);
  if (self === undefined) throw new ConfigError(`no server.${options.myid} line for this member`);
  const log = loggerOf(options, `zoo-${self.id}`, 'info');
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
  const server = serverOptionsOf(config, options);
  let stopOnFatal: () => void = () => undefined;
  const storage = await openMemberStorage({
    dataDir: options.dataDir === undefined ? config.dataDir : options.dataDir,
    dataLogDir: options.dataLogDir === undefined ? config.dataLogDir : options.dataLogDir,
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
      ensembleAddresses: () => memberAddresses(config),
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

/** The caller's options over the config's: an option given wins over the file. */
function serverOptionsOf(config: ZooConfig, options: MemberOptions): ServerOptions {
  const { adminPort, ...rest } = options;
  return {
    ...rest,
    host: config.clientPortAddress,
    tickMs: config.tickMs,
    extendedTypesEnabled: options.extendedTypesEnabled ?? config.extendedTypesEnabled,
    // 4lw.commands.whitelist, which was parsed but not applied.
    ...(options.fourLetterWordWhitelist === undefined && config.fourLetterWordWhitelist !== null
      ? { fourLetterWordWhitelist: config.fourLetterWordWhitelist }
      : {}),
    ...optional('snapCount', options.snapCount ?? config.snapCount),
    // admin.serverPort unless the caller chose (null: admin.enableServer=false, or off).
    ...optional('adminPort', adminPort === undefined ? config.adminServerPort : adminPort),
    ...optional('maxClientCnxns', options.maxClientCnxns ?? config.maxClientCnxns),
    ...optional(
      'globalOutstandingLimit',
      options.globalOutstandingLimit ?? config.globalOutstandingLimit,
    ),
  };
}

/** `{ [key]: value }`, or nothing when the value is unset (exactOptionalPropertyTypes). */
function optional<K extends string>(key: K, value: number | null | undefined) {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** The ensemble's addresses as the config names them (a client port per line, or ours). */
function memberAddresses(config: ZooConfig): EnsembleMemberAddress[] {
  return config.members.map((member) => {
    const client = member.clientAddress ?? String(config.clientPort);
    return {
      id: member.id,
      isObserver: member.isObserver,
      peerAddress: `${member.host}:${member.peerPort}`,
      clientAddress: client.includes(':') ? client : `${member.host}:${client}`,
    };
  });
}
