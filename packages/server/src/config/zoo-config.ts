// Parses a ZooKeeper-style `zoo.cfg` for running one member of an ensemble per host:
// tickTime, clientPort, clientPortAddress, dataDir, initLimit, syncLimit, server.N lines, and
// the member's own id (from `myid=` in the file, a `myid` file in dataDir, or the caller).

export interface MemberAddress {
  id: number;
  host: string;
  /** The port peers connect to (ZooKeeper's quorum port; Zoo needs no separate election port). */
  peerPort: number;
  isObserver: boolean;
}

export interface ZooConfig {
  tickMs: number;
  clientPort: number;
  clientPortAddress: string;
  dataDir: string | null;
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
  const [address = ''] = value.split(';');
  const parts = address.split(':');
  const host = parts[0] ?? '';
  const peerPort = integerValue(`server.${id}`, parts[1] ?? '');
  const role = parts.find((part) => part === 'observer' || part === 'participant');
  if (host === '') throw new ConfigError(`server.${id}: missing host`);
  return { id, host, peerPort, isObserver: role === 'observer' };
}

export function parseZooConfig(text: string): ZooConfig {
  const config: ZooConfig = {
    tickMs: 2000,
    clientPort: 2181,
    clientPortAddress: '0.0.0.0',
    dataDir: null,
    initLimitTicks: 10,
    syncLimitTicks: 5,
    myid: null,
    members: [],
    extendedTypesEnabled: false,
    fourLetterWordWhitelist: null,
    snapCount: null,
    snapRetainCount: null,
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
    default:
      // ZooKeeper ignores settings it does not know (and so does Zoo): many zoo.cfg files carry
      // options for features Zoo does not have, like the admin server.
      return;
  }
}
