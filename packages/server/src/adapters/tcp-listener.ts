// The TCP side of the client port: accepts sockets and wires each one to a ClientConnection
// as its ByteStream. Nagle is off: replies are already batched per loop turn. Here live the
// limits a socket needs: connections per client address (maxClientCnxns), and the silence a
// connection may keep — the connect timeout until its session is established, then the session
// timeout — after which it is closed.

import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { ClientConnections } from '../runtime/client-connections.js';
import type { Logger } from '../runtime/env.js';

export interface TcpListener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface TcpListenerOptions {
  host: string;
  port: number;
  log: Logger;
  /** Open connections allowed per client address; 0: no limit. */
  maxClientCnxns: number;
  /** Silence allowed before the session is established. */
  connectTimeoutMs: number;
}

export async function listenTcp(
  connections: ClientConnections,
  options: TcpListenerOptions,
): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const perAddress = new AddressCounts();
  const server: Server = createServer((socket) => {
    const remoteAddress = normaliseAddress(socket.remoteAddress);
    const limit = options.maxClientCnxns;
    if (limit > 0 && perAddress.count(remoteAddress) >= limit) {
      // ZooKeeper's NIOServerCnxnFactory refuses it the same way: closed unread, with a warning.
      options.log.warn(`too many connections from ${remoteAddress}: max is ${limit}`);
      socket.destroy();
      return;
    }
    perAddress.add(remoteAddress);
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(options.connectTimeoutMs);
    const connection = connections.open({
      remoteAddress,
      remotePort: socket.remotePort ?? 0,
      write: (bytes) => void socket.write(bytes),
      end: () => void socket.end(),
      destroy: () => void socket.destroy(),
      pause: () => void socket.pause(),
      resume: () => void socket.resume(),
      setIdleTimeoutMs: (ms) => void socket.setTimeout(ms),
      queuedBytes: () => socket.writableLength,
    });
    socket.on('data', (chunk: Buffer) => connection.receive(chunk));
    socket.on('timeout', () => {
      options.log.info(`connection ${connection.id} from ${remoteAddress} silent; closing it`);
      socket.destroy();
    });
    socket.on('error', (error) =>
      options.log.debug(`connection ${connection.id}: ${error.message}`),
    );
    socket.on('close', () => {
      sockets.delete(socket);
      perAddress.remove(remoteAddress);
      connections.closed(connection);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: options.host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Open connections per client address. */
class AddressCounts {
  private readonly counts = new Map<string, number>();

  count(address: string): number {
    return this.counts.get(address) ?? 0;
  }

  add(address: string): void {
    this.counts.set(address, this.count(address) + 1);
  }

  remove(address: string): void {
    const left = this.count(address) - 1;
    if (left > 0) this.counts.set(address, left);
    else this.counts.delete(address);
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so ip ACLs written for IPv4 match. */
function normaliseAddress(address: string | undefined): string {
  if (address === undefined) return '0.0.0.0';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
