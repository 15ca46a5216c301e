// startMember: one member of an ensemble whose members run as separate processes, possibly on
// separate hosts — what `zoo-server --config zoo.cfg` runs. Its peers come from the config's
// server.N lines; it listens for peers on its own line's port and for clients on clientPort.

import { MemoryTxnLog } from './runtime/memory-txn-log.js';
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

export async function startMember(
  config: ZooConfig,
  options: ServerOptions & { myid: number },
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
  };
  const { instance: running, network } = await startEnsembleMember(server, {
    membership,
    peerHost: self.host,
    peerPort: self.peerPort,
    peers,
    clientPort: config.clientPort,
    txnLog: new MemoryTxnLog(),
    log,
  });
  return {
    instance: running,
    async close() {
      await running.close();
      await network.close();
    },
  };
}
