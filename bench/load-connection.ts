// A lean pipelining ZooKeeper connection for the benchmark: raw frames through the Zoo codec,
// many requests in flight, one socket write per event-loop turn, replies matched in order.
// A socket that closes under it (a server that dropped the session, or died) fails loudly: the
// requests still waiting are rejected, `whenLost` listeners hear it, a later send throws, and
// if nobody is listening the error is thrown — a run never waits forever for lost replies.
// Like a real client it pings while it has sent nothing for a third of its session timeout: a
// connection that waits idle (its share of a run done, others still busy) keeps its session,
// where a silent one is rightly expired and closed by the server after the timeout.

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import {
  FrameReader,
  JuteReader,
  JuteWriter,
  decodeConnectResponse,
  decodeReplyHeader,
  encodeConnectRequest,
  encodeRequest,
  Xid,
} from '@zoo/client/protocol';
import type { ConnectRequest, Request } from '@zoo/client/protocol';

export type ReplyHandler = (err: number, latencyNs: bigint) => void;
export type LostHandler = (error: Error) => void;

/** The handshake of a new 30 s session, as every benchmark connection opens one. */
export const newSessionRequest: ConnectRequest = {
  protocolVersion: 0,
  lastZxidSeen: 0n,
  timeoutMs: 30_000,
  sessionId: 0n,
  passwd: Buffer.alloc(16),
};

export class LoadConnection {
  private readonly writer = new JuteWriter();
  private readonly frames = new FrameReader();
  private readonly sentAt: bigint[] = [];
  private readonly handlers: ReplyHandler[] = [];
  /** Beside each handler: who to tell if its reply never comes (request() callers). */
  private readonly onLost: (LostHandler | null)[] = [];
  private readonly lostListeners: LostHandler[] = [];
  private head = 0;
  private nextXid = 1;
  private isFlushScheduled = false;
  private isClosing = false;
  private lost: Error | null = null;
  /** Something went out since the keep-alive timer last looked. */
  private hasSent = true;
  private keepAlive: NodeJS.Timeout | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly where: string,
  ) {}

  /** The session timeout the server granted (it may cut the 30 s asked for). */
  sessionTimeoutMs = newSessionRequest.timeoutMs;

  static async open(
    host: string,
    port: number,
    timeoutMs = newSessionRequest.timeoutMs,
  ): Promise<LoadConnection> {
    const socket = connect({ host, port, noDelay: true });
    const where = `${host}:${port}`;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
      socket.once('close', () => reject(new Error(`connection to ${where} closed`)));
    });
    const connection = new LoadConnection(socket, where);
    socket.on('error', () => undefined); // 'close' follows and reports it
    socket.once('close', () => connection.closed());
    await connection.handshake(timeoutMs);
    socket.on('data', (chunk: Buffer) => connection.receive(chunk));
    connection.startKeepAlive();
    return connection;
  }

  get inFlight(): number {
    return this.handlers.length - this.head;
  }

  /** Calls `listener` once if the socket closes before close() (at once if it has). */
  whenLost(listener: LostHandler): void {
    if (this.lost !== null) listener(this.lost);
    else this.lostListeners.push(listener);
  }

  /** One request; resolves with its error code, rejects if the connection is lost first. */
  request(request: Request): Promise<number> {
    return new Promise((resolve, reject) => this.send(request, (err) => resolve(err), reject));
  }

  /** Throws if the connection was lost; `onLost` hears if it is lost before the reply. */
  send(request: Request, onReply: ReplyHandler, onLost: LostHandler | null = null): void {
    if (this.lost !== null) throw this.lost;
    encodeRequest(this.writer, this.nextXid, request);
    this.nextXid += 1;
    this.sentAt.push(process.hrtime.bigint());
    this.handlers.push(onReply);
    this.onLost.push(onLost);
    if (!this.isFlushScheduled) {
      this.isFlushScheduled = true;
      setImmediate(() => {
        this.isFlushScheduled = false;
        this.hasSent = true;
        this.socket.write(this.writer.take());
      });
    }
  }

  close(): void {
    this.isClosing = true;
    this.stopKeepAlive();
    this.socket.destroy();
  }

  /**
   * ZooKeeper's client pings once it has sent nothing for a third of its session timeout; a
   * check every third pings after at most two thirds of silence, well inside the timeout.
   */
  private startKeepAlive(): void {
    this.keepAlive = setInterval(() => {
      if (!this.hasSent && !this.isFlushScheduled && this.lost === null) {
        encodeRequest(this.writer, Xid.ping, { type: 'ping' });
        this.socket.write(this.writer.take());
      }
      this.hasSent = false;
    }, this.sessionTimeoutMs / 3);
    this.keepAlive.unref();
  }

  private stopKeepAlive(): void {
    if (this.keepAlive !== null) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }

  /** The socket closed: unless close() did it, every reply still awaited is lost. */
  private closed(): void {
    this.stopKeepAlive();
    if (this.isClosing || this.lost !== null) return;
    const waiting = this.inFlight;
    const lost = new Error(
      `bench connection to ${this.where} closed by the server with ${waiting} replies outstanding`,
    );
    this.lost = lost;
    const pending = this.onLost.slice(this.head);
    const listeners = this.lostListeners.splice(0);
    for (const onLost of pending) onLost?.(lost);
    for (const listener of listeners) listener(lost);
    const isHeard = listeners.length > 0 || pending.some((onLost) => onLost !== null);
    if (waiting > 0 && !isHeard) {
      process.nextTick(() => {
        throw lost;
      });
    }
  }

  private async handshake(timeoutMs: number): Promise<void> {
    encodeConnectRequest(this.writer, { ...newSessionRequest, timeoutMs });
    this.socket.write(this.writer.take());
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.frames.push(chunk);
        const frame = this.frames.next();
        if (frame === null) return;
        this.socket.off('data', onData);
        const response = decodeConnectResponse(frame);
        this.sessionTimeoutMs = response.timeoutMs;
        if (response.timeoutMs <= 0) reject(new Error('session refused'));
        else resolve();
        // Anything after the connect response is a reply; hand it to the normal path.
        this.drainFrames();
      };
      this.socket.on('data', onData);
      this.socket.once('error', reject);
      this.whenLost(reject);
    }).finally(() => this.lostListeners.splice(0));
  }

  private receive(chunk: Buffer): void {
    this.frames.push(chunk);
    this.drainFrames();
  }

  private drainFrames(): void {
    const now = process.hrtime.bigint();
    for (let frame = this.frames.next(); frame !== null; frame = this.frames.next()) {
      const header = decodeReplyHeader(new JuteReader(frame));
      // Watch events and ping replies answer no request of the pipeline.
      if (header.xid === Xid.notification || header.xid === Xid.ping) continue;
      const handler = this.handlers[this.head];
      const sentAt = this.sentAt[this.head];
      if (handler === undefined || sentAt === undefined) throw new Error('reply without request');
      this.head += 1;
      if (this.head > 4096) {
        this.handlers.splice(0, this.head);
        this.sentAt.splice(0, this.head);
        this.onLost.splice(0, this.head);
        this.head = 0;
      }
      handler(header.err, now - sentAt);
    }
  }
}
