// A TCP proxy on 127.0.0.1 that a test can freeze: frozen connections silently drop bytes in both
// directions (a network partition the client cannot see), so a session expires on the server
// while the client still believes it is connected. Closes still propagate, as on a real network;
// dropAll() cuts connections outright, to force a reconnect.

import net from 'node:net';

interface Pair {
  client: net.Socket;
  server: net.Socket;
  isFrozen: boolean;
}

export class TcpProxy {
  readonly port: number;
  private readonly listener: net.Server;
  private readonly pairs = new Set<Pair>();
  private isRefusing = false;

  private constructor(listener: net.Server, port: number) {
    this.listener = listener;
    this.port = port;
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const listener = net.createServer((client) => {
      if (proxy === undefined || proxy.isRefusing) {
        client.destroy();
        return;
      }
      proxy.connectPair(client, target);
    });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(0, '127.0.0.1', () => resolve());
    });
    const address = listener.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    proxy = new TcpProxy(listener, port);
    return proxy;
  }

  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  private connectPair(client: net.Socket, target: { host: string; port: number }): void {
    const server = net.connect(target);
    const pair: Pair = { client, server, isFrozen: false };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (!pair.isFrozen) {
        server.write(chunk);
      }
    });
    server.on('data', (chunk: Buffer) => {
      if (!pair.isFrozen) {
        client.write(chunk);
      }
    });
    const closeBoth = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('close', closeBoth);
    server.on('close', closeBoth);
    client.on('error', closeBoth);
    server.on('error', closeBoth);
  }

  /** Partitions every open connection and refuses new ones until `thaw()`. */
  freeze(): void {
    this.isRefusing = true;
    for (const pair of this.pairs) {
      pair.isFrozen = true;
    }
  }

  /** Accepts and forwards new connections again (frozen ones stay frozen). */
  thaw(): void {
    this.isRefusing = false;
  }

  /** Cuts every open connection (both sides see a close), as a network blip would. */
  dropAll(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.server.destroy();
    }
    this.pairs.clear();
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}
