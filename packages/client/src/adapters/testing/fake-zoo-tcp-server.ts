// Serves a FakeZooServer over real TCP on 127.0.0.1 (an ephemeral port), so that the real
// transport and the README example can be tested without a Java ZooKeeper.

import net from 'node:net';
import { FakeZooServer } from '../../api/testing/fake-zoo-server.js';

export interface FakeZooTcpServer {
  server: FakeZooServer;
  port: number;
  connectString: string;
  /** Stops listening and destroys every open socket. */
  close(): Promise<void>;
}

export async function listenFakeZoo(server = new FakeZooServer()): Promise<FakeZooTcpServer> {
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    const address = `${socket.localAddress ?? ''}:${socket.localPort ?? 0}`;
    const peer = { send: (bytes: Buffer) => socket.write(bytes), close: () => socket.end() };
    const endpoint = server.accept(peer, address);
    socket.on('data', (chunk: Buffer) => endpoint.receive(chunk));
    socket.on('close', () => {
      sockets.delete(socket);
      endpoint.closed();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    server,
    port,
    connectString: `127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
