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

// Ports the OS hands out for listen(0) and for every outgoing connection's local end come from
// the ephemeral range (32768–60999 here). A port picked there and released can be taken by any
// test's client socket before the server under test binds it — CI saw a member exit that way.
// Picking below that range leaves only other pickers as rivals, and they pick at random.
const pickFrom = 20_000;
const pickTo = 32_000;
const handedOut = new Set<number>();

/** A port below the ephemeral range that was free on `host` a moment ago, never one twice. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = pickFrom + Math.floor(Math.random() * (pickTo - pickFrom));
    if (handedOut.has(port)) continue;
    if (await isFree(port, host)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${pickFrom}–${pickTo} on ${host} after 50 tries`);
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
