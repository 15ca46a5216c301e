// One peer connection over a ws socket: the hello exchange that names both ends, then batched
// binary frames of msgpack-encoded PeerMessages in FIFO order. A bad frame or a silent peer closes
// this link only; ws-peer-network.ts decides what a link going up or down means.

import { DecodeError } from '@zoo/client/protocol';
import type { RawData, WebSocket } from 'ws';
import type { PeerMessage } from '../core/zab/messages.js';
import {
  decodePeerHello,
  decodePeerMessages,
  encodePeerHello,
  type PeerHello,
} from './peer-codec.js';

export interface PeerLinkLimits {
  /** A batch is flushed as soon as it holds this many bytes (a bigger message goes alone). */
  batchBytesMax: number;
  batchMessagesMax: number;
  /** Bytes ws may hold unsent before the peer counts as stuck and the link closes. */
  sendBufferBytesMax: number;
  /** Time allowed for the hello exchange. */
  helloTimeoutMs: number;
}

export interface PeerLinkHandlers {
  /** Both hellos are through; `link.peerId` is set. */
  onUp(link: PeerLink): void;
  onMessages(link: PeerLink, messages: PeerMessage[]): void;
  /** Called once when the socket is gone, whether or not the link was ever up. */
  onDown(link: PeerLink, reason: string): void;
}

/** A dialler knows whom it called; an acceptor learns it from the hello, and may refuse it. */
export type PeerLinkRole =
  { kind: 'dialer'; peerId: number } | { kind: 'acceptor'; accept: (hello: PeerHello) => Refusal };

export interface PeerLinkOptions {
  socket: WebSocket;
  serverId: number;
  role: PeerLinkRole;
  handlers: PeerLinkHandlers;
  limits: PeerLinkLimits;
  nowMs: () => number;
}

/** Why an acceptor turns a hello down (null: it accepts). The ws close code tells the dialler. */
export type Refusal = { code: number; reason: string } | null;

export const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  invalidPayload: 1007,
  refused: 4000,
  cut: 4001,
  /** A lower id knocked: the acceptor refuses it and dials it back at once. */
  callBack: 4002,
} as const;

export class PeerLink {
  peerId: number | null;
  state: 'hello' | 'up' | 'down' = 'hello';
  /** Last time anything came in (frames, pongs), for the liveness check. */
  lastHeardMs: number;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private isFlushScheduled = false;
  /** Why we closed it, reported instead of the socket's own close reason. */
  private downReason: string | null = null;
  private isGone = false;
  private readonly helloTimer: ReturnType<typeof setTimeout>;
  private readonly socket: WebSocket;

  constructor(private readonly options: PeerLinkOptions) {
    const { socket, role } = options;
    this.socket = socket;
    this.peerId = role.kind === 'dialer' ? role.peerId : null;
    this.lastHeardMs = options.nowMs();
    this.helloTimer = setTimeout(
      () => this.close('no hello in time'),
      options.limits.helloTimeoutMs,
    );
    this.helloTimer.unref();
    socket.binaryType = 'nodebuffer';
    if (role.kind === 'dialer') socket.on('open', () => this.sendHello(role.peerId));
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => {
      this.lastHeardMs = options.nowMs();
    });
    socket.on('error', (error) => this.gone(`socket error: ${error.message}`));
    socket.on('close', (code, reason) => {
      const why = reason.length > 0 ? reason.toString('utf8') : 'no reason';
      this.gone(`closed (${code}: ${why})`);
    });
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  /** Queues one encoded message; it goes out with the rest of this turn's batch. */
  send(bytes: Buffer): void {
    if (this.state !== 'up') return;
    const { batchBytesMax, batchMessagesMax } = this.options.limits;
    this.batch.push(bytes);
    this.batchBytes += bytes.length;
    if (this.batchBytes >= batchBytesMax || this.batch.length >= batchMessagesMax) {
      this.flush();
    } else if (!this.isFlushScheduled) {
      this.isFlushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Sends one encoded message in a frame of its own, after this turn's batch, and calls
   * `onWritten` once the socket has taken it (or failed to): how a SNAP paces its parts.
   */
  write(bytes: Buffer, onWritten: () => void): void {
    if (this.state !== 'up') return;
    this.flush();
    this.socket.send(bytes, { binary: true }, () => onWritten());
  }

  /** A ws ping; the pong (or any frame) refreshes lastHeardMs. */
  ping(): void {
    if (this.state === 'up') this.socket.ping();
  }

  /**
   * Stops delivering at once and drops the socket; onDown follows when ws reports the close.
   * With a code the peer is told why (a refused hello); without, the TCP connection is cut.
   */
  close(reason: string, code?: number): void {
    if (this.state === 'down') return;
    this.downReason = reason;
    this.state = 'down';
    clearTimeout(this.helloTimer);
    this.batch = [];
    if (code === undefined || this.socket.readyState !== this.socket.OPEN) this.socket.terminate();
    else this.socket.close(code, reason.slice(0, 120));
  }

  private gone(reason: string): void {
    if (this.isGone) return;
    this.isGone = true;
    this.state = 'down';
    clearTimeout(this.helloTimer);
    this.batch = [];
    this.options.handlers.onDown(this, this.downReason ?? reason);
  }

  private flush(): void {
    this.isFlushScheduled = false;
    if (this.state !== 'up' || this.batch.length === 0) return;
    const frame = this.batch.length === 1 ? this.batch[0] : Buffer.concat(this.batch);
    this.batch = [];
    this.batchBytes = 0;
    if (frame === undefined) return;
    this.socket.send(frame, { binary: true });
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.options.limits.sendBufferBytesMax) {
      this.close(`peer is not reading: ${buffered} bytes unsent`);
    }
  }

  private sendHello(to: number): void {
    this.socket.send(encodePeerHello({ serverId: this.options.serverId, to }), { binary: true });
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.state === 'down') return;
    this.lastHeardMs = this.options.nowMs();
    if (!isBinary) {
      this.close('text frame on a peer link', closeCodes.unsupportedData);
      return;
    }
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    let decoded: PeerHello | PeerMessage[];
    try {
      decoded = this.state === 'hello' ? decodePeerHello(bytes) : decodePeerMessages(bytes);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.close(`bad frame: ${error.message}`, closeCodes.invalidPayload);
      return;
    }
    // Delivered outside the try: a handler's own failure is not the peer's bad bytes.
    if (Array.isArray(decoded)) this.options.handlers.onMessages(this, decoded);
    else this.receiveHello(decoded);
  }

  private receiveHello(hello: PeerHello): void {
    const { role, serverId } = this.options;
    if (hello.to !== serverId) {
      this.close(`hello meant for server ${hello.to}`, closeCodes.refused);
      return;
    }
    if (role.kind === 'dialer') {
      if (hello.serverId !== role.peerId) {
        this.close(`dialled server ${role.peerId} but server ${hello.serverId} answered`);
        return;
      }
    } else {
      const refusal = role.accept(hello);
      if (refusal !== null) {
        this.close(refusal.reason, refusal.code);
        return;
      }
      this.peerId = hello.serverId;
      this.sendHello(hello.serverId);
    }
    this.state = 'up';
    clearTimeout(this.helloTimer);
    this.options.handlers.onUp(this);
  }
}
