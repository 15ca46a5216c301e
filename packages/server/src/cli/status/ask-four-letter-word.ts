// Asks a ZooKeeper (or Zoo) server one four-letter word on a fresh connection and reads the
// answer until the server closes it — the way `echo srvr | nc host 2181` does.

import { connect } from 'node:net';

export async function askFourLetterWord(
  address: string,
  word: string,
  timeoutMs: number,
): Promise<string> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy(new Error(`${word} on ${address}: no answer within ${timeoutMs} ms`));
    });
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** `host:port`, `[v6]:port` or a bare host (port 2181, ZooKeeper's). */
export function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(address.trim());
  const host = match?.[1] ?? '';
  if (host === '') throw new Error(`not an address: ${JSON.stringify(address)}`);
  return { host, port: Number(match?.[2] ?? 2181) };
}
