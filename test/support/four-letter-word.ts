// Sends one ZooKeeper four-letter word (ruok, srvr, …) on a fresh connection and reads the
// text answer until the server closes the socket; also picks free TCP ports on 127.0.0.1.

import net from 'node:net';

/** Sends `word` as a connection's first 4 bytes; resolves with all it reads until EOF. */
export function fourLetterWord(
  endpoint: { host: string; port: number },
  word: string,
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const { host, port } = endpoint;
  const timeoutMs = options.timeoutMs ?? 2_000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`4lw ${word} on ${host}:${port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it; we release it at once). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
