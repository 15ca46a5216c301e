// FakeZooServer: an in-memory ZooKeeper for the client's tests, speaking the real wire format
// through the shared codec. One tree and session table behind any number of server addresses
// (an "ensemble"), with knobs to refuse, drop, silence connections and expire sessions.

import {
  ErrorCode,
  EventType,
  FrameReader,
  JuteWriter,
  KeeperState,
  WatcherType,
  Xid,
  decodeConnectRequest,
  decodeRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  pathAndAncestors,
} from '../../protocol/index.js';
import type {
  AuthRequest,
  ClientInfo,
  Request,
  Response,
  SetWatchesRequest,
} from '../../protocol/index.js';
import type { TransportFactory } from '../env.js';
import { FakeZooTree, type TreeEvent } from './fake-zoo-tree.js';

export interface FakePeer {
  send(bytes: Buffer): void;
  close(): void;
}

interface FakeSession {
  id: bigint;
  passwd: Buffer;
  connection: FakeConnection | null;
}

class FakeConnection {
  readonly frames = new FrameReader();
  readonly data = new Set<string>();
  readonly child = new Set<string>();
  readonly persistent = new Set<string>();
  readonly recursive = new Set<string>();
  readonly users: string[] = [];
  session: FakeSession | null = null;
  isClosed = false;

  constructor(
    readonly peer: FakePeer,
    readonly address: string,
  ) {}

  send(write: (w: JuteWriter) => void): void {
    if (this.isClosed) return;
    const w = new JuteWriter();
    write(w);
    this.peer.send(w.take());
  }
}

export class FakeZooServer {
  readonly tree = new FakeZooTree();
  /** Every request received, in order, with the address it came to. */
  readonly log: Array<{ address: string; request: Request }> = [];
  /** Addresses ("host:port") whose connection attempts fail. */
  readonly refused = new Set<string>();
  /** While true, requests are read and never answered (pings included). */
  isSilent = false;
  timeoutMinMs = 4_000;
  timeoutMaxMs = 40_000;
  private readonly sessions = new Map<bigint, FakeSession>();
  private readonly connections = new Set<FakeConnection>();
  private nextSessionId = 0x0100000000000001n;

  get connectionCount(): number {
    return [...this.connections].filter((c) => !c.isClosed).length;
  }

  /** Addresses of the live connections, oldest first. */
  get connectedAddresses(): string[] {
    return [...this.connections].filter((c) => !c.isClosed).map((c) => c.address);
  }

  accept(peer: FakePeer, address: string): { receive(bytes: Buffer): void; closed(): void } {
    const connection = new FakeConnection(peer, address);
    this.connections.add(connection);
    return {
      receive: (bytes) => this.receive(connection, bytes),
      closed: () => this.forget(connection),
    };
  }

  /** An in-memory transport: every delivery is a separate microtask, as a socket read would be. */
  transportFactory(): TransportFactory {
    return (server, handlers) => {
      const address = `${server.host}:${server.port}`;
      let isOpen = true;
      if (this.refused.has(address)) {
        queueMicrotask(() => handlers.onClose('connection refused'));
        return { write: () => undefined, close: () => undefined };
      }
      const endpoint = this.accept(
        {
          send: (bytes) => queueMicrotask(() => isOpen && handlers.onData(bytes)),
          close: () =>
            queueMicrotask(() => {
              if (!isOpen) return;
              isOpen = false;
              handlers.onClose('server closed the connection');
            }),
        },
        address,
      );
      return {
        write: (bytes) => {
          const copy = Buffer.from(bytes);
          queueMicrotask(() => isOpen && endpoint.receive(copy));
        },
        close: () => {
          if (!isOpen) return;
          isOpen = false;
          queueMicrotask(() => endpoint.closed());
        },
      };
    };
  }

  /** Closes every live connection (optionally only those to one address). */
  dropConnections(address?: string): void {
    for (const connection of this.connections) {
      if (address === undefined || connection.address === address) this.close(connection);
    }
  }

  /** Expires a session as the server's session tracker would: ephemerals go, connection closes. */
  expireSession(sessionId: bigint): void {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return;
    this.sessions.delete(sessionId);
    this.dispatch(this.tree.closeSession(sessionId));
    if (session.connection !== null) this.close(session.connection);
  }

  private receive(connection: FakeConnection, bytes: Buffer): void {
    if (connection.isClosed) return;
    connection.frames.push(bytes);
    for (;;) {
      const payload = connection.frames.next();
      if (payload === null || connection.isClosed) return;
      if (connection.session === null) this.handshake(connection, payload);
      else if (!this.isSilent) this.handle(connection, payload);
    }
  }

  private handshake(connection: FakeConnection, payload: Buffer): void {
    const request = decodeConnectRequest(payload);
    if (request.lastZxidSeen > this.tree.zxid) {
      this.close(connection); // ZooKeeper: the client has seen a newer zxid than this server.
      return;
    }
    let session: FakeSession | undefined;
    if (request.sessionId === 0n) {
      const id = this.nextSessionId++;
      session = { id, passwd: Buffer.alloc(16, Number(id & 0xffn)), connection: null };
      this.sessions.set(id, session);
      this.tree.zxid += 1n; // createSession consumes a zxid
    } else {
      session = this.sessions.get(request.sessionId);
      const isPasswdRight = request.passwd?.equals(session?.passwd ?? Buffer.alloc(0)) === true;
      if (!isPasswdRight) session = undefined;
    }
    const readOnly = request.readOnly === undefined ? {} : { readOnly: false };
    if (session === undefined) {
      connection.send((w) =>
        encodeConnectResponse(w, {
          protocolVersion: 0,
          timeoutMs: 0,
          sessionId: 0n,
          passwd: Buffer.alloc(16),
          ...readOnly,
        }),
      );
      this.close(connection);
      return;
    }
    if (session.connection !== null) this.close(session.connection);
    session.connection = connection;
    connection.session = session;
    const timeoutMs = Math.min(this.timeoutMaxMs, Math.max(this.timeoutMinMs, request.timeoutMs));
    connection.send((w) =>
      encodeConnectResponse(w, {
        protocolVersion: 0,
        timeoutMs,
        sessionId: session.id,
        passwd: session.passwd,
        ...readOnly,
      }),
    );
  }

  private handle(connection: FakeConnection, payload: Buffer): void {
    const decoded = decodeRequest(payload);
    if (decoded.kind !== 'request') {
      const isMalformed = decoded.kind === 'malformed';
      const err = isMalformed ? ErrorCode.MarshallingError : ErrorCode.Unimplemented;
      this.reply(connection, decoded.xid, err, null);
      if (decoded.kind === 'unknownOp') this.close(connection);
      return;
    }
    const { xid, request } = decoded;
    this.log.push({ address: connection.address, request });
    const session = connection.session;
    if (session === null) return;
    switch (request.type) {
      case 'ping':
        return this.reply(connection, Xid.ping, ErrorCode.Ok, null);
      case 'auth':
        return this.auth(connection, xid, request);
      case 'closeSession':
        this.sessions.delete(session.id);
        this.dispatch(this.tree.closeSession(session.id));
        this.reply(connection, xid, ErrorCode.Ok, null);
        return this.close(connection);
      case 'whoAmI': {
        const infos: ClientInfo[] = [{ authScheme: 'ip', user: '127.0.0.1' }];
        for (const user of connection.users) infos.push({ authScheme: 'digest', user });
        return this.reply(connection, xid, ErrorCode.Ok, { type: 'whoAmI', clientInfo: infos });
      }
      case 'setWatches':
        return this.setWatches(connection, xid, request);
      case 'addWatch':
        if (request.path !== null) {
          (request.mode === 1 ? connection.recursive : connection.persistent).add(request.path);
        }
        return this.reply(connection, xid, ErrorCode.Ok, { type: 'addWatch' });
      case 'checkWatches':
      case 'removeWatches':
        return this.removeWatches(connection, xid, request);
      default: {
        const result = this.tree.apply(request, session.id);
        this.registerWatch(connection, request, result.err);
        this.dispatch(result.events);
        return this.reply(connection, xid, result.err, result.body);
      }
    }
  }

  private auth(connection: FakeConnection, xid: number, request: AuthRequest): void {
    const answer = (err: number): void => {
      connection.send((w) => encodeReply(w, { header: { xid, zxid: 0n, err }, body: null }));
    };
    if (request.scheme !== 'digest') {
      answer(ErrorCode.AuthFailed);
      this.close(connection);
      return;
    }
    const text = request.auth?.toString('utf8') ?? '';
    connection.users.push(text.split(':')[0] ?? text);
    answer(ErrorCode.Ok);
  }

  /** ZooKeeper: DataTree.setWatches — catch-up events first, then the reply. */
  private setWatches(connection: FakeConnection, xid: number, request: SetWatchesRequest): void {
    const relative = request.relativeZxid;
    const notify = (type: number, path: string): void => this.notify(connection, type, path);
    for (const path of request.dataWatches) {
      const node = this.tree.node(path);
      if (node === undefined) notify(EventType.nodeDeleted, path);
      else if (node.mzxid > relative) notify(EventType.nodeDataChanged, path);
      else connection.data.add(path);
    }
    for (const path of request.existWatches) {
      if (this.tree.node(path) !== undefined) notify(EventType.nodeCreated, path);
      else connection.data.add(path);
    }
    for (const path of request.childWatches) {
      const node = this.tree.node(path);
      if (node === undefined) notify(EventType.nodeDeleted, path);
      else if (node.pzxid > relative) notify(EventType.nodeChildrenChanged, path);
      else connection.child.add(path);
    }
    for (const path of request.persistentWatches) connection.persistent.add(path);
    for (const path of request.persistentRecursiveWatches) connection.recursive.add(path);
    this.reply(connection, xid, ErrorCode.Ok, null);
  }

  private removeWatches(
    connection: FakeConnection,
    xid: number,
    request: Extract<Request, { type: 'checkWatches' | 'removeWatches' }>,
  ): void {
    const { path, watcherType } = request;
    if (path === null) {
      this.reply(connection, xid, ErrorCode.NoWatcher, null);
      return;
    }
    const tables =
      watcherType === WatcherType.children
        ? [connection.child]
        : watcherType === WatcherType.data
          ? [connection.data]
          : [connection.data, connection.child, connection.persistent, connection.recursive];
    const found = tables.some((t) => t.has(path));
    if (found && request.type === 'removeWatches') for (const t of tables) t.delete(path);
    this.reply(connection, xid, found ? ErrorCode.Ok : ErrorCode.NoWatcher, null);
  }

  private registerWatch(connection: FakeConnection, request: Request, err: number): void {
    if (request.type === 'exists' && request.watch) {
      if (err === ErrorCode.Ok || err === ErrorCode.NoNode) connection.data.add(request.path);
    } else if (request.type === 'getData' && request.watch && err === ErrorCode.Ok) {
      connection.data.add(request.path);
    } else if (request.type === 'getChildren' && request.watch && err === ErrorCode.Ok) {
      connection.child.add(request.path);
    }
  }

  /** Each event reaches each connection at most once. ZooKeeper: WatchManager.triggerWatch. */
  private dispatch(events: readonly TreeEvent[]): void {
    for (const connection of this.connections) {
      if (connection.isClosed) continue;
      for (const { type, path } of events) {
        let hit = connection.persistent.has(path);
        if (type === EventType.nodeChildrenChanged) {
          hit = connection.child.delete(path) || hit;
        } else {
          hit = connection.data.delete(path) || hit;
          if (type === EventType.nodeDeleted) hit = connection.child.delete(path) || hit;
          hit = hit || pathAndAncestors(path).some((p) => connection.recursive.has(p));
        }
        if (hit) this.notify(connection, type, path);
      }
    }
  }

  private notify(connection: FakeConnection, type: number, path: string): void {
    const event = { type, state: KeeperState.syncConnected, path };
    connection.send((w) => encodeNotification(w, { zxid: -1n, event }));
  }

  private reply(connection: FakeConnection, xid: number, err: number, body: Response | null): void {
    const header = { xid, zxid: this.tree.zxid, err };
    connection.send((w) => encodeReply(w, { header, body: err === ErrorCode.Ok ? body : null }));
  }

  private close(connection: FakeConnection): void {
    if (connection.isClosed) return;
    this.forget(connection);
    connection.peer.close();
  }

  private forget(connection: FakeConnection): void {
    connection.isClosed = true;
    this.connections.delete(connection);
    if (connection.session?.connection === connection) connection.session.connection = null;
  }
}
