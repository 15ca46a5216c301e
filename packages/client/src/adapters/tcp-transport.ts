// The real transport: one node:net socket per connection, Nagle off (requests are small and
// pipelined; the client already batches a turn's writes into one).

import net from 'node:net';
import type { ServerAddress } from '../core/server-list.js';
import type { Transport, TransportHandlers } from '../api/env.js';

export function connectTcp(server: ServerAddress, handlers: TransportHandlers): Transport {
  const socket = net.createConnection({ host: server.host, port: server.port });
  socket.setNoDelay(true);
  let isClosed = false;
  const closeOnce = (reason: string): void => {
    if (isClosed) return;
    isClosed = true;
    handlers.onClose(reason);
  };
  socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
  socket.on('error', (error: Error) => closeOnce(error.message));
  socket.on('close', () => closeOnce('socket closed'));
  socket.on('end', () => {
    // The server half-closed: ZooKeeper servers close both ways, so end ours too.
    socket.end();
    closeOnce('server closed the connection');
  });
  return {
    write(bytes: Buffer): void {
      if (!isClosed) socket.write(bytes);
    },
    close(): void {
      isClosed = true;
      socket.destroy();
    },
  };
}
