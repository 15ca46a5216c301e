// Parses a ZooKeeper connect string ('host:port,host:port/chroot') and decides which server the
// session tries next: one shuffle from the injected random, then round-robin.

import { assert, pathProblem } from '../protocol/index.js';

export interface ServerAddress {
  host: string;
  port: number;
}

export interface ConnectString {
  servers: ServerAddress[];
  /** The chroot every path is relative to, or null for none ("/" counts as none). */
  chroot: string | null;
}

/** ZooKeeper's default client port. */
export const clientPortDefault = 2181;

/**
 * ZooKeeper: ConnectStringParser — the chroot starts at the first "/", hosts are separated by
 * commas, a host without a port gets 2181, and an IPv6 literal is written "[::1]:2181".
 */
export function parseConnectString(connectString: string): ConnectString {
  const slash = connectString.indexOf('/');
  const hostPart = slash === -1 ? connectString : connectString.slice(0, slash);
  const chrootPart = slash === -1 ? null : connectString.slice(slash);
  const servers = hostPart
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseServerAddress);
  if (servers.length === 0) throw new Error(`no servers in connect string "${connectString}"`);
  return { servers, chroot: parseChroot(chrootPart) };
}

function parseChroot(chroot: string | null): string | null {
  if (chroot === null || chroot === '/') return null;
  const problem = pathProblem(chroot);
  if (problem !== null) throw new Error(`invalid chroot "${chroot}": ${problem}`);
  return chroot;
}

function parseServerAddress(entry: string): ServerAddress {
  let host = entry;
  let portText: string | null = null;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close === -1) throw new Error(`unterminated IPv6 literal in "${entry}"`);
    host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) throw new Error(`text after IPv6 literal in "${entry}"`);
      portText = rest.slice(1);
    }
  } else {
    const colon = entry.lastIndexOf(':');
    if (colon !== -1) {
      host = entry.slice(0, colon);
      portText = entry.slice(colon + 1);
    }
  }
  if (host.length === 0) throw new Error(`empty host in "${entry}"`);
  return { host, port: portText === null ? clientPortDefault : parsePort(portText, entry) };
}

function parsePort(text: string, entry: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new Error(`invalid port "${text}" in "${entry}"`);
  }
  return port;
}

/**
 * The servers in the order the session tries them. ZooKeeper: StaticHostProvider — shuffled
 * once so that clients spread over the ensemble, then taken round-robin.
 */
export class ServerList {
  private readonly servers: readonly ServerAddress[];
  private nextIndex = 0;

  constructor(servers: readonly ServerAddress[], random: () => number) {
    assert(servers.length > 0, 'a server list needs at least one server');
    const shuffled = [...servers];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(random() * (i + 1)));
      const a = shuffled[i];
      const b = shuffled[j];
      if (a !== undefined && b !== undefined) {
        shuffled[i] = b;
        shuffled[j] = a;
      }
    }
    this.servers = shuffled;
  }

  get size(): number {
    return this.servers.length;
  }

  /** The server to try next; each call moves on by one, wrapping around. */
  next(): ServerAddress {
    const server = this.servers[this.nextIndex];
    assert(server !== undefined, () => `server index ${this.nextIndex} out of range`);
    this.nextIndex = (this.nextIndex + 1) % this.servers.length;
    return server;
  }

  /** The servers in trial order (for tests and diagnostics). */
  list(): readonly ServerAddress[] {
    return this.servers;
  }
}
