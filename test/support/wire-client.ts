// A raw ZooKeeper wire driver on Zoo's codec: handshake, one request → { err, zxid, body }, and
// every notification collected in arrival order. It hides nothing (no retries, no watch table,
// no reconnect), so tests compare servers at the wire level.

import net from 'node:net';
import {
  decodeConnectResponse,
  decodeNotification,
  decodeReplyHeader,
  decodeResponseBody,
  encodeConnectRequest,
  encodeRequest,
  FrameReader,
  JuteReader,
  JuteWriter,
  Xid,
  type ConnectResponse,
  type Request,
  type Response,
  type WatcherEvent,
} from './protocol.js';

export interface WireClientOptions {
  host: string;
  port: number;
  /** Requested session timeout; the server clamps it. */
  timeoutMs?: number;
  /** Resume this session (0n or absent: a new session). */
  sessionId?: bigint;
  passwd?: Buffer;
  lastZxidSeen?: bigint;
  /** Send the optional trailing readOnly byte (absent: do not send it, as node clients do). */
  readOnly?: boolean;
  /** Ping this often while idle; null turns pings off. Default: a third of the timeout. */
  pingIntervalMs?: number | null;
}

export interface WireResult {
  xid: number;
  zxid: bigint;
  err: number;
  /** Decoded only when err is 0 (a multi always carries results with err 0). */
  body: Response | null;
}

export interface ReceivedNotification {
  zxid: bigint;
  event: WatcherEvent;
}

interface Pending {
  xid: number;
  request: Request;
  resolve: (result: WireResult) => void;
  reject: (error: Error) => void;
}

const connectTimeoutMs = 10_000;
/** How long close() waits for the closeSession reply and then for the socket to close. */
const closeWaitMs = 2_000;

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class WireClient {
  readonly session: ConnectResponse;
  readonly notifications: ReceivedNotification[] = [];
  private readonly socket: net.Socket;
  private readonly frames: FrameReader;
  private readonly pending: Pending[] = [];
  /** Pings and auth packets are answered out of band (ZooKeeper: ClientCnxn). */
  private readonly pendingPings: Pending[] = [];
  private readonly pendingAuth: Pending[] = [];
  private readonly writer = new JuteWriter({ initialBytes: 4096 });
  private nextXid = 1;
  private pingTimer: NodeJS.Timeout | undefined;
  private closedError: Error | undefined;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket, frames: FrameReader, session: ConnectResponse) {
    this.socket = socket;
    this.frames = frames;
    this.session = session;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.failAll(new Error('connection closed')));
    socket.on('error', (error) => this.failAll(error));
  }

  /** Connects and completes the handshake. An expired session resolves with timeoutMs 0. */
  static async connect(options: WireClientOptions): Promise<WireClient> {
    const socket = net.connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    const frames = new FrameReader();
    const session = await handshake(socket, frames, options);
    const client = new WireClient(socket, frames, session);
    client.onData(Buffer.alloc(0));
    const timeoutMs = session.timeoutMs > 0 ? session.timeoutMs : 30_000;
    const pingIntervalMs =
      options.pingIntervalMs === undefined ? Math.floor(timeoutMs / 3) : options.pingIntervalMs;
    if (pingIntervalMs !== null && session.timeoutMs > 0) {
      client.pingTimer = setInterval(() => {
        client.request({ type: 'ping' }).catch(() => undefined);
      }, pingIntervalMs);
      client.pingTimer.unref();
    }
    return client;
  }

  get sessionId(): bigint {
    return this.session.sessionId;
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  /** Sends one request; resolves with its reply header and decoded body. */
  request(request: Request): Promise<WireResult> {
    if (this.closedError !== undefined) {
      return Promise.reject(this.closedError);
    }
    const xid = this.xidFor(request);
    return new Promise((resolve, reject) => {
      this.queueFor(request).push({ xid, request, resolve, reject });
      encodeRequest(this.writer, xid, request);
      this.socket.write(this.writer.take());
    });
  }

  /** Returns the notifications received so far and forgets them. */
  takeNotifications(): ReceivedNotification[] {
    return this.notifications.splice(0, this.notifications.length);
  }

  /** Sends closeSession and waits for the server to close the socket. */
  async close(): Promise<void> {
    this.stopPinging();
    if (this.closedError === undefined) {
      const closing = this.request({ type: 'closeSession' }).catch(() => undefined);
      await Promise.race([closing, delay(closeWaitMs)]);
    }
    this.socket.end();
    await Promise.race([this.closed, delay(closeWaitMs)]);
    this.socket.destroy();
  }

  /** Drops the TCP connection without closing the session. */
  destroy(): void {
    this.stopPinging();
    this.socket.destroy();
  }

  private stopPinging(): void {
    if (this.pingTimer !== undefined) {
      clearInterval(this.pingTimer);
      this.pingTimer = undefined;
    }
  }

  private xidFor(request: Request): number {
    if (request.type === 'ping') return Xid.ping;
    if (request.type === 'auth') return Xid.auth;
    const xid = this.nextXid;
    this.nextXid = xid >= 0x7fffffff ? 1 : xid + 1;
    return xid;
  }

  private queueFor(request: Request): Pending[] {
    if (request.type === 'ping') return this.pendingPings;
    if (request.type === 'auth') return this.pendingAuth;
    return this.pending;
  }

  private onData(chunk: Buffer): void {
    this.frames.push(chunk);
    try {
      for (let payload = this.frames.next(); payload !== null; payload = this.frames.next()) {
        this.onFrame(payload);
      }
    } catch (error) {
      this.failAll(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
    }
  }

  private onFrame(payload: Buffer): void {
    const reader = new JuteReader(payload);
    const header = decodeReplyHeader(reader);
    if (header.xid === Xid.notification) {
      this.notifications.push({ zxid: header.zxid, event: decodeNotification(reader) });
      return;
    }
    const queue =
      header.xid === Xid.ping
        ? this.pendingPings
        : header.xid === Xid.auth
          ? this.pendingAuth
          : this.pending;
    const waiting = queue.shift();
    if (waiting === undefined || waiting.xid !== header.xid) {
      throw new Error(`reply xid ${header.xid} does not match request xid ${waiting?.xid}`);
    }
    const body = header.err === 0 ? decodeResponseBody(waiting.request, reader) : null;
    waiting.resolve({ xid: header.xid, zxid: header.zxid, err: header.err, body });
  }

  private failAll(error: Error): void {
    this.stopPinging();
    this.closedError ??= error;
    for (const queue of [this.pending, this.pendingPings, this.pendingAuth]) {
      for (const waiting of queue.splice(0, queue.length)) {
        waiting.reject(error);
      }
    }
  }
}

/** Writes the ConnectRequest and reads the ConnectResponse (the first frame each way). */
function handshake(
  socket: net.Socket,
  frames: FrameReader,
  options: WireClientOptions,
): Promise<ConnectResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no ConnectResponse in time')), connectTimeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', fail);
    };
    function fail(error: Error): void {
      cleanup();
      socket.destroy();
      reject(error);
    }
    function onClose(): void {
      fail(new Error('server closed the connection during the handshake'));
    }
    function onData(chunk: Buffer): void {
      frames.push(chunk);
      const payload = frames.next();
      if (payload !== null) {
        cleanup();
        resolve(decodeConnectResponse(payload));
      }
    }
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', fail);
    socket.once('connect', () => {
      const writer = new JuteWriter({ initialBytes: 64 });
      encodeConnectRequest(writer, {
        protocolVersion: 0,
        lastZxidSeen: options.lastZxidSeen ?? 0n,
        timeoutMs: options.timeoutMs ?? 30_000,
        sessionId: options.sessionId ?? 0n,
        passwd: options.passwd ?? Buffer.alloc(16),
        ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
      });
      socket.write(writer.take());
    });
  });
}
