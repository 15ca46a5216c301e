// Parses a ZooKeeper-style `zoo.cfg` for running one member of an ensemble per host:
// tickTime, clientPort, clientPortAddress, dataDir, dataLogDir, initLimit, syncLimit, server.N
// lines, and
// the member's own id (from `myid=` in the file, a `myid` file in dataDir, or the caller), and
// the client limits maxClientCnxns and globalOutstandingLimit.

export interface MemberAddress {
  id: number;
  host: string;
  /** The port peers connect to (ZooKeeper's quorum port; Zoo needs no separate election port). */
  peerPort: number;
  isObserver: boolean;
  /** The client address after `;` (`port` or `host:port`), or null when the line has none. */
  clientAddress: string | null;
}

export interface ZooConfig {
  tickMs: number;
  clientPort: number;
  clientPortAddress: string;
  dataDir: string | null;
  /**
   * Where the txn log goes, when not in dataDir (ZooKeeper keeps its version-2 log there and its
   * snapshots and epoch files in dataDir, so the log can have a disk of its own).
   */
  dataLogDir: string | null;
  initLimitTicks: number;
  syncLimitTicks: number;
  myid: number | null;
  members: MemberAddress[];
  extendedTypesEnabled: boolean;
  fourLetterWordWhitelist: string | null;
  /** snapCount (zookeeper.snapCount), or null for the default. */
  snapCount: number | null;
  /** autopurge.snapRetainCount, or null for the default (3). */
  snapRetainCount: number | null;
  /** admin.serverPort (default 8080, as ZooKeeper's), or null when admin.enableServer=false. */
  adminServerPort: number | null;
  /** maxClientCnxns (per client address, 0: no limit), or null for the default (60). */
  maxClientCnxns: number | null;
  /** globalOutstandingLimit, or null for the default (1000). */
  globalOutstandingLimit: number | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integerValue(key: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new ConfigError(`${key}: not a whole number: ${value}`);
  return parsed;
}

/** ZooKeeper's server.N: `host:peerPort[:electionPort][:participant|observer][;clientPort]`. */
function parseServerLine(id: number, value: string): MemberAddress {
  const [address = '', client] = value.split(';');
  const parts = address.split(':');
  const host = parts[0] ?? '';
  const peerPort = integerValue(`server.${id}`, parts[1] ?? '');
  const role = parts.find((part) => part === 'observer' || part === 'participant');
  if (host === '') throw new ConfigError(`server.${id}: missing host`);
  const clientAddress = client === undefined || client.trim() === '' ? null : client.trim();
  return { id, host, peerPort, isObserver: role === 'observer', clientAddress };
}

export function parseZooConfig(text: string): ZooConfig {
  const config: ZooConfig = {
    tickMs: 2000,
    clientPort: 2181,
    clientPortAddress: '0.0.0.0',
    dataDir: null,
    dataLogDir: null,
    initLimitTicks: 10,
    syncLimitTicks: 5,
    myid: null,
    members: [],
    extendedTypesEnabled: false,
    fourLetterWordWhitelist: null,
    snapCount: null,
    snapRetainCount: null,
    adminServerPort: 8080,
    maxClientCnxns: null,
    globalOutstandingLimit: null,
  };
  for (const [index, rawLine] of text.split('\n').entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals < 0) throw new ConfigError(`line ${index + 1}: expected key=value: ${line}`);
    const key = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim();
    const server = /^server\.(\d+)$/.exec(key);
    if (server?.[1] !== undefined) {
      config.members.push(parseServerLine(Number(server[1]), value));
      continue;
    }
    applySetting(config, key, value);
  }
  config.members.sort((a, b) => a.id - b.id);
  return config;
}

function applySetting(config: ZooConfig, key: string, value: string): void {
  switch (key) {
    case 'tickTime':
      config.tickMs = integerValue(key, value);
      return;
    case 'clientPort':
      config.clientPort = integerValue(key, value);
      return;
    case 'clientPortAddress':
      config.clientPortAddress = value;
      return;
    case 'dataDir':
      config.dataDir = value;
      return;
    case 'dataLogDir':
      config.dataLogDir = value;
      return;
    case 'initLimit':
      config.initLimitTicks = integerValue(key, value);
      return;
    case 'syncLimit':
      config.syncLimitTicks = integerValue(key, value);
      return;
    case 'myid':
      config.myid = integerValue(key, value);
      return;
    case 'extendedTypesEnabled':
    case 'zookeeper.extendedTypesEnabled':
      config.extendedTypesEnabled = value === 'true';
      return;
    case '4lw.commands.whitelist':
      config.fourLetterWordWhitelist = value;
      return;
    case 'snapCount':
    case 'zookeeper.snapCount':
      config.snapCount = integerValue(key, value);
      return;
    case 'autopurge.snapRetainCount':
      // ZooKeeper keeps at least 3 whatever the file says.
      config.snapRetainCount = Math.max(3, integerValue(key, value));
      return;
    case 'admin.enableServer':
      if (value === 'false') config.adminServerPort = null;
      return;
    case 'admin.serverPort':
      if (config.adminServerPort !== null) config.adminServerPort = integerValue(key, value);
      return;
    case 'maxClientCnxns':
      config.maxClientCnxns = integerValue(key, value);
      return;
    case 'globalOutstandingLimit':
    case 'zookeeper.globalOutstandingLimit':
      config.globalOutstandingLimit = integerValue(key, value);
      return;
    default:
      // ZooKeeper ignores settings it does not know (and so does Zoo): many zoo.cfg files carry
      // options for features Zoo does not have, like the admin server's TLS.
      return;
  }
}
