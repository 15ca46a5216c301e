// A lean pipelining ZooKeeper connection for the benchmark: raw frames through the Zoo codec,
// many requests in flight, one socket write per event-loop turn, replies matched in order.

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
} from '@zoo/client/protocol';
import type { ConnectRequest, Request } from '@zoo/client/protocol';

export type ReplyHandler = (err: number, latencyNs: bigint) => void;

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
  private head = 0;
  private nextXid = 1;
  private isFlushScheduled = false;

  private constructor(private readonly socket: Socket) {}

  static async open(host: string, port: number): Promise<LoadConnection> {
    const socket = connect({ host, port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const connection = new LoadConnection(socket);
    await connection.handshake();
    socket.on('data', (chunk: Buffer) => connection.receive(chunk));
    return connection;
  }

  get inFlight(): number {
    return this.handlers.length - this.head;
  }

  send(request: Request, onReply: ReplyHandler): void {
    encodeRequest(this.writer, this.nextXid, request);
    this.nextXid += 1;
    this.sentAt.push(process.hrtime.bigint());
    this.handlers.push(onReply);
    if (!this.isFlushScheduled) {
      this.isFlushScheduled = true;
      setImmediate(() => {
        this.isFlushScheduled = false;
        this.socket.write(this.writer.take());
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private async handshake(): Promise<void> {
    encodeConnectRequest(this.writer, newSessionRequest);
    this.socket.write(this.writer.take());
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.frames.push(chunk);
        const frame = this.frames.next();
        if (frame === null) return;
        this.socket.off('data', onData);
        const response = decodeConnectResponse(frame);
        if (response.timeoutMs <= 0) reject(new Error('session refused'));
        else resolve();
        // Anything after the connect response is a reply; hand it to the normal path.
        this.drainFrames();
      };
      this.socket.on('data', onData);
      this.socket.once('error', reject);
    });
  }

  private receive(chunk: Buffer): void {
    this.frames.push(chunk);
    this.drainFrames();
  }

  private drainFrames(): void {
    const now = process.hrtime.bigint();
    for (let frame = this.frames.next(); frame !== null; frame = this.frames.next()) {
      const header = decodeReplyHeader(new JuteReader(frame));
      if (header.xid === -1) continue;
      const handler = this.handlers[this.head];
      const sentAt = this.sentAt[this.head];
      if (handler === undefined || sentAt === undefined) throw new Error('reply without request');
      this.head += 1;
      if (this.head > 4096) {
        this.handlers.splice(0, this.head);
        this.sentAt.splice(0, this.head);
        this.head = 0;
      }
      handler(header.err, now - sentAt);
    }
  }
}
