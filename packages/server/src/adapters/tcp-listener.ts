// The TCP side of the client port: accepts sockets and wires each one to a ClientConnection
// as its ByteStream. Nagle is off: replies are already batched per loop turn.

import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { ClientConnections } from '../runtime/client-connections.js';
import type { Logger } from '../runtime/env.js';

export interface TcpListener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenTcp(
  connections: ClientConnections,
  options: { host: string; port: number; log: Logger },
): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const connection = connections.open({
      remoteAddress: normaliseAddress(socket.remoteAddress),
      remotePort: socket.remotePort ?? 0,
      write: (bytes) => void socket.write(bytes),
      end: () => void socket.end(),
      destroy: () => void socket.destroy(),
    });
    socket.on('data', (chunk: Buffer) => connection.receive(chunk));
    socket.on('error', (error) =>
      options.log.debug(`connection ${connection.id}: ${error.message}`),
    );
    socket.on('close', () => {
      sockets.delete(socket);
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

/** `::ffff:127.0.0.1` → `127.0.0.1`, so ip ACLs written for IPv4 match. */
function normaliseAddress(address: string | undefined): string {
  if (address === undefined) return '0.0.0.0';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
