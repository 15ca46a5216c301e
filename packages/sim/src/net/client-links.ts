// Client connections in the simulated network, behaving like TCP: bytes arrive in order per
// direction, possibly split into pieces; a reset drops what is in flight and both ends learn it
// is closed. The client end is the client's Transport, the server end a ByteStream.

import type { ByteStream } from '@zoo/server/internals';
import type { ServerAddress, Transport, TransportHandlers } from '@zoo/client';
import type { SeededRandom } from '@zoo/server/internals';
import type { World } from '../world/world.js';
import type { SimProcess } from '../node/sim-process.js';
import type { Connectivity } from './connectivity.js';
import type { LinkEnds } from './single-system-image.js';

/** The server end of a connection, as the server node hands it out on accept. */
export interface AcceptedConnection {
  receive(chunk: Buffer): void;
  closed(): void;
}

export interface ClientAcceptor {
  readonly process: SimProcess;
  accept(stream: ByteStream): AcceptedConnection;
}

class SimClientConnection {
  isBroken = false;
  private isClientNotified = false;
  private isServerNotified = false;
  serverEnd: AcceptedConnection | null = null;
  toServerAtMs = 0;
  toClientAtMs = 0;
  hasWritten = false;

  readonly clientIncarnation: number;

  constructor(
    readonly id: number,
    readonly clientProcess: SimProcess,
    readonly server: string,
    readonly serverIncarnation: number,
    readonly handlers: TransportHandlers,
  ) {
    this.clientIncarnation = clientProcess.incarnation;
  }

  get client(): string {
    return this.clientProcess.name;
  }

  /** Runs `task` in the client process (a paused client runs it on waking; a dead one never). */
  inClient(world: World, task: () => void): void {
    this.clientProcess.run(this.clientIncarnation, () => {
      world.hasPendingMicrotasks = true;
      task();
    });
  }

  notifyClient(world: World, reason: string): void {
    if (this.isClientNotified) return;
    this.isClientNotified = true;
    this.inClient(world, () => this.handlers.onClose(reason));
  }

  silenceClient(): void {
    this.isClientNotified = true;
  }

  notifyServer(): void {
    if (this.isServerNotified || this.serverEnd === null) return;
    this.isServerNotified = true;
    this.serverEnd.closed();
  }
}

export class ClientLinks {
  private readonly servers = new Map<string, ClientAcceptor>();
  private readonly open = new Set<SimClientConnection>();
  private nextId = 1;
  /** Sends a client's connection attempt elsewhere than it chose (the lagging-member fault). */
  route: ((client: string, chosen: string) => string) | null = null;
  /** Rewrites the first bytes a connection sends (a planted bug; null in honest runs). */
  rewriteFirstWrite: ((bytes: Buffer) => Buffer) | null = null;
  /** Sees what each end writes to the other (the single-system-image check). */
  observer: {
    toServer(connection: LinkEnds, bytes: Buffer): void;
    toClient(connection: LinkEnds, bytes: Buffer): void;
  } | null = null;

  constructor(
    private readonly world: World,
    private readonly connectivity: Connectivity,
    private readonly random: SeededRandom,
  ) {}

  addServer(name: string, acceptor: ClientAcceptor): void {
    this.servers.set(name, acceptor);
  }

  /** The client's TransportFactory: `chosen.host` names the server (`s1`), unless routed. */
  connect(client: SimProcess, chosen: ServerAddress, handlers: TransportHandlers): Transport {
    const server = { host: this.route?.(client.name, chosen.host) ?? chosen.host };
    const acceptor = this.servers.get(server.host);
    const process = acceptor?.process;
    const incarnation = process?.incarnation ?? -1;
    const connection = new SimClientConnection(
      this.nextId,
      client,
      server.host,
      incarnation,
      handlers,
    );
    this.nextId += 1;
    const rtt = this.latency(client.name, server.host) + this.latency(server.host, client.name);
    if (acceptor === undefined || process === undefined || !process.isUp) {
      connection.isBroken = true;
      this.world.after(rtt, () => connection.notifyClient(this.world, 'connection refused'));
    } else if (this.connectivity.cutsClient(client.name, server.host)) {
      // The SYN is lost: the attempt fails (as a connect timeout would, only sooner).
      connection.isBroken = true;
      this.world.after(rtt, () => connection.notifyClient(this.world, 'connection timed out'));
    } else {
      this.open.add(connection);
      connection.toServerAtMs = this.world.nowMs + rtt / 2;
      this.world.after(rtt / 2, () =>
        process.run(incarnation, () => this.accept(connection, acceptor)),
      );
    }
    return {
      write: (bytes) => this.sendToServer(connection, bytes),
      close: () => this.closeFromClient(connection),
    };
  }

  /** A client process died: the OS resets its connections; the servers learn it after a hop. */
  resetClient(client: string): void {
    for (const connection of [...this.open]) {
      if (connection.client !== client) continue;
      connection.isBroken = true;
      connection.silenceClient();
      this.open.delete(connection);
      this.tellServerAt(
        connection,
        this.world.nowMs + this.latency(connection.client, connection.server),
      );
    }
  }

  /** Resets every connection of a server (a crash, or a reset fault), dropping bytes in flight. */
  resetServer(server: string, options: { tellServer: boolean }): void {
    for (const connection of [...this.open]) {
      if (connection.server !== server) continue;
      this.reset(connection, options.tellServer);
    }
  }

  private reset(connection: SimClientConnection, tellServer: boolean): void {
    connection.isBroken = true;
    this.open.delete(connection);
    const delay = this.latency(connection.server, connection.client);
    this.world.after(delay, () => connection.notifyClient(this.world, 'connection reset'));
    if (tellServer) connection.notifyServer();
  }

  private accept(connection: SimClientConnection, acceptor: ClientAcceptor): void {
    if (connection.isBroken) return;
    const stream: ByteStream = {
      remoteAddress: connection.client,
      remotePort: 40_000 + connection.id,
      write: (bytes) => this.sendToClient(connection, bytes),
      end: () => this.endFromServer(connection),
      destroy: () => {
        if (!connection.isBroken) this.reset(connection, false);
      },
    };
    connection.serverEnd = acceptor.accept(stream);
  }

  private sendToServer(connection: SimClientConnection, written: Buffer): void {
    if (connection.isBroken) return;
    if (this.isCut(connection)) return;
    const acceptor = this.servers.get(connection.server);
    if (acceptor === undefined) return;
    const isFirst = !connection.hasWritten;
    connection.hasWritten = true;
    this.observer?.toServer(connection, written);
    const bytes =
      isFirst && this.rewriteFirstWrite !== null ? this.rewriteFirstWrite(written) : written;
    for (const piece of this.pieces(bytes)) {
      const atMs = this.deliveryTime(connection, 'toServer');
      this.world.at(atMs, () =>
        acceptor.process.run(connection.serverIncarnation, () => {
          if (!connection.isBroken) connection.serverEnd?.receive(piece);
        }),
      );
    }
  }

  private sendToClient(connection: SimClientConnection, bytes: Buffer): void {
    if (connection.isBroken) return;
    if (this.isCut(connection)) return;
    this.observer?.toClient(connection, bytes);
    for (const piece of this.pieces(bytes)) {
      const atMs = this.deliveryTime(connection, 'toClient');
      this.world.at(atMs, () =>
        connection.inClient(this.world, () => {
          if (!connection.isBroken) connection.handlers.onData(piece);
        }),
      );
    }
  }

  /**
   * A packet between a cut client and server is lost, and TCP gives up on the connection rather
   * than skip it: both ends learn it is gone, bytes still in flight die with it.
   */
  private isCut(connection: SimClientConnection): boolean {
    if (!this.connectivity.cutsClient(connection.client, connection.server)) return false;
    this.reset(connection, false);
    this.tellServerAt(
      connection,
      this.world.nowMs + this.latency(connection.client, connection.server),
    );
    return true;
  }

  /** The server closes after what it wrote (a FIN): the client learns it after the last byte. */
  private endFromServer(connection: SimClientConnection): void {
    if (connection.isBroken) return;
    const atMs = this.deliveryTime(connection, 'toClient');
    this.world.at(atMs, () => {
      connection.isBroken = true;
      this.open.delete(connection);
      connection.notifyClient(this.world, 'closed by the server');
    });
  }

  private closeFromClient(connection: SimClientConnection): void {
    if (connection.isBroken) return;
    const atMs = this.deliveryTime(connection, 'toServer');
    connection.isBroken = true;
    this.open.delete(connection);
    // As with the TCP transport, a client's own close is not reported back to it.
    connection.silenceClient();
    this.tellServerAt(connection, atMs);
  }

  /** The server learns at `atMs` that the connection is gone (if it is still that process). */
  private tellServerAt(connection: SimClientConnection, atMs: number): void {
    const acceptor = this.servers.get(connection.server);
    this.world.at(atMs, () =>
      acceptor?.process.run(connection.serverIncarnation, () => connection.notifyServer()),
    );
  }

  private deliveryTime(
    connection: SimClientConnection,
    direction: 'toServer' | 'toClient',
  ): number {
    const [from, to] =
      direction === 'toServer'
        ? [connection.client, connection.server]
        : [connection.server, connection.client];
    const earliest = this.world.nowMs + this.latency(from, to);
    const last = direction === 'toServer' ? connection.toServerAtMs : connection.toClientAtMs;
    const atMs = Math.max(earliest, last);
    if (direction === 'toServer') connection.toServerAtMs = atMs;
    else connection.toClientAtMs = atMs;
    return atMs;
  }

  /** TCP may split a write: a few writes arrive in two or three pieces. */
  private pieces(bytes: Buffer): Buffer[] {
    if (bytes.length < 2 || !this.random.chance(0.05)) return [bytes];
    const cut = this.random.nextInt(1, bytes.length - 1);
    return [bytes.subarray(0, cut), bytes.subarray(cut)];
  }

  private latency(from: string, to: string): number {
    return this.connectivity.latencyMs(from, to, this.random);
  }
}
