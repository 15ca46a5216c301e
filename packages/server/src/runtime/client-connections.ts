// The registry of a server's client connections: routes the peer's messages to them (a watch
// storm paced over turns, paced-delivery.ts) and flushes each dirty one once per loop turn (one
// socket write per connection per turn).

import type { ClientMessage, ConnectionMessage } from '../core/peer/ready.js';
import type { ClientSink } from './peer-loop.js';
import { ClientConnection } from './client-connection.js';
import type { ByteStream, ClientConnectionOptions } from './client-connection.js';
import { OutstandingGate } from './outstanding-gate.js';
import { PacedDelivery } from './paced-delivery.js';

export class ClientConnections implements ClientSink {
  private readonly byId = new Map<number, ClientConnection>();
  private readonly dirty: ClientConnection[] = [];
  private nextId = 1;
  /** Requests in flight on every connection, against globalOutstandingLimit. */
  readonly gate: OutstandingGate;
  private readonly paced: PacedDelivery<ClientConnection>;

  constructor(private readonly options: ClientConnectionOptions) {
    const defer = options.defer ?? ((task: () => void) => task());
    this.gate = new OutstandingGate(options.globalOutstandingLimit ?? Infinity, defer);
    const target = {
      connectionOf: (connectionId: number) => this.byId.get(connectionId),
      deliverNow: (connection: ClientConnection, message: ConnectionMessage) =>
        this.deliverNow(connection, message),
      flush: () => this.flush(),
    };
    const perTurn = options.notificationsPerTurn ?? Infinity;
    this.paced = new PacedDelivery(perTurn, defer, target, options.packetSent);
  }

  /** Fired watch sets still being fanned out (a watch storm being paced). */
  get backlog(): number {
    return this.paced.backlog;
  }

  open(stream: ByteStream): ClientConnection {
    const id = this.nextId;
    this.nextId += 1;
    const connection = new ClientConnection(id, stream, this.options, this.gate);
    this.byId.set(id, connection);
    return connection;
  }

  /** The transport of a connection closed: forget it and tell the peer. */
  closed(connection: ClientConnection): void {
    this.byId.delete(connection.id);
    connection.gone();
  }

  get size(): number {
    return this.byId.size;
  }

  deliver(message: ClientMessage): void {
    this.paced.deliver(message);
  }

  flush(): void {
    for (const connection of this.dirty) connection.flush();
    this.dirty.length = 0;
    this.paced.turnEnded();
  }

  private deliverNow(connection: ClientConnection, message: ConnectionMessage): void {
    if (!connection.isDirty) this.dirty.push(connection);
    connection.deliver(message);
  }

  /** Every open connection, e.g. to close them all on shutdown. */
  all(): IterableIterator<ClientConnection> {
    return this.byId.values();
  }
}
