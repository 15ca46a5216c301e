// ZooKeeper's AdminServer commands (`/commands/<name>`, Commands.java): each command's names,
// whether it needs a serving server, and its JSON. The runtime captures an AdminSnapshot,
// performs a command's side effect (the stat resets), and serves the encoded answer.

import type { JsonObject, JsonValue } from './json-value.js';
import type { AdminSnapshot } from './admin-snapshot.js';
import {
  confBody,
  connectionBody,
  dumpBody,
  lastSnapshotBody,
  leaderBody,
  monitorBody,
  serverStatsBody,
  votingViewBody,
  watchesBody,
  zabStateBody,
} from './admin-command-bodies.js';

export interface AdminCommand {
  /** The primary name first (what `command` reports), then the aliases. */
  names: readonly string[];
  /** ZooKeeper answers most commands only while the server serves (Command.isServerRequired). */
  isServerRequired: boolean;
  /** A reset the runtime performs before answering. */
  action?: 'resetServerStats' | 'resetConnectionStats';
  body(admin: AdminSnapshot): JsonObject;
}

const notServing = 'This ZooKeeper instance is not currently serving requests';

function command(
  names: readonly string[],
  body: (admin: AdminSnapshot) => JsonObject,
  options: Partial<Pick<AdminCommand, 'isServerRequired' | 'action'>> = {},
): AdminCommand {
  return { names, body, isServerRequired: options.isServerRequired ?? true, ...options };
}

export const adminCommands: readonly AdminCommand[] = [
  command(['configuration', 'conf', 'config'], (a) => confBody(a.server)),
  command(['connection_stat_reset', 'crst'], () => ({}), { action: 'resetConnectionStats' }),
  command(['connections', 'cons'], (a) => ({
    connections: a.server.connections.map((c) => connectionBody(c, false)),
    secure_connections: [],
  })),
  command(['dirs'], (a) => ({
    datadir_size: a.server.config.dataDirSize,
    logdir_size: a.server.config.dataLogSize,
  })),
  command(['dump'], (a) => dumpBody(a.server)),
  command(['environment', 'env', 'envi'], (a) => Object.fromEntries(a.server.env), {
    isServerRequired: false,
  }),
  command(['get_trace_mask', 'gtmk'], (a) => ({ tracemask: a.server.traceMask }), {
    isServerRequired: false,
  }),
  command(['hash'], (a) => ({
    digests: a.server.digestLog.map(({ zxid, digest }) => ({ zxid, digest })),
  })),
  command(['initial_configuration', 'icfg'], (a) => ({
    initial_configuration: a.initialConfiguration,
  })),
  command(['is_read_only', 'isro'], (a) => ({ read_only: a.server.mode === 'read-only' })),
  command(['last_snapshot', 'lsnp'], lastSnapshotBody),
  command(['leader', 'lead'], leaderBody),
  command(['monitor', 'mntr'], (a) => monitorBody(a.server), { isServerRequired: false }),
  command(['ruok'], () => ({})),
  command(['server_stats', 'srvr'], (a) => serverStatsBody(a.server)),
  command(['stats', 'stat'], (a) => ({
    ...serverStatsBody(a.server),
    connections: a.server.connections.map((c) => connectionBody(c, true)),
    secure_connections: [],
  })),
  command(['stat_reset', 'srst'], () => ({}), { action: 'resetServerStats' }),
  command(['voting_view'], votingViewBody),
  command(['watch_summary', 'wchs'], (a) => watchesBody('summary', a.server)),
  command(['watches', 'wchc'], (a) => watchesBody('bySession', a.server)),
  command(['watches_by_path', 'wchp'], (a) => watchesBody('byPath', a.server)),
  command(['zabstate'], zabStateBody, { isServerRequired: false }),
];

/** What a command reads from, and acts on, the running server. */
export interface AdminCommandTarget {
  isServing(): boolean;
  perform(action: NonNullable<AdminCommand['action']>): void;
  capture(): AdminSnapshot;
}

const byName = new Map(adminCommands.flatMap((c) => c.names.map((name) => [name, c] as const)));

export function findAdminCommand(name: string): AdminCommand | null {
  return byName.get(name) ?? null;
}

/**
 * The answer ZooKeeper's CommandResponse gives: `command` (the primary name) and `error` first,
 * then the command's data. Unknown commands and a server that does not serve answer with an
 * error, HTTP 200 all the same, as ZooKeeper's do.
 */
export function adminCommandResponse(name: string, server: AdminCommandTarget): JsonObject {
  const found = findAdminCommand(name);
  if (found === null) return { command: name, error: `Unknown command: ${name}` };
  const primary = found.names[0] ?? name;
  if (found.isServerRequired && !server.isServing()) {
    return { command: primary, error: notServing };
  }
  if (found.action !== undefined) server.perform(found.action);
  const snapshot = server.capture();
  const body = found.body(snapshot);
  const error: JsonValue = body['error'] ?? null;
  return { command: primary, error, ...body };
}

/** `/commands`: every command with its aliases (ZooKeeper serves an HTML page of links). */
export function adminCommandList(): JsonObject {
  return {
    commands: adminCommands.map((c) => ({ name: c.names[0] ?? '', aliases: c.names.slice(1) })),
  };
}
