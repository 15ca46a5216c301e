// One client connection, transport-independent: bytes in → frames → decoded inputs for the
// peer; messages out → one buffer written once per loop turn. A bad frame closes only this
// connection. The TCP adapter and the simulator both hand it a ByteStream.

import {
  DecodeError,
  FrameReader,
  JuteWriter,
  decodeConnectRequest,
  decodeRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
} from '@zoo/client/protocol';
import type { ClientMessage } from '../core/peer/ready.js';
import type { PeerInput } from '../core/peer/peer-input.js';
import type { Logger } from './env.js';

/** The byte pipe under a client connection (a TCP socket, or a simulated one). */
export interface ByteStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  write(bytes: Buffer): void;
  /** Closes after the bytes already written are flushed. */
  end(): void;
  destroy(): void;
}

export interface ClientConnectionOptions {
  packetBytesMax: number;
  log: Logger;
  submit: (input: PeerInput) => void;
  /** Answers a four-letter word sent as the first 4 bytes, or null if it is not one. */
  fourLetterWord: (word: number) => string | null;
}

export class ClientConnection {
  private readonly frames: FrameReader;
  private readonly writer = new JuteWriter();
  private hasHandshake = false;
  private isClosing = false;
  private isGone = false;
  /** Set when something was delivered this turn and the writer needs flushing. */
  isDirty = false;

  constructor(
    readonly id: number,
    private readonly stream: ByteStream,
    private readonly options: ClientConnectionOptions,
  ) {
    this.frames = new FrameReader({ packetBytesMax: options.packetBytesMax });
    options.submit({
      type: 'connectionOpened',
      connectionId: id,
      remoteAddress: stream.remoteAddress,
      remotePort: stream.remotePort,
    });
  }

  /** Bytes from the client. */
  receive(chunk: Buffer): void {
    if (this.isGone || this.isClosing) return;
    this.frames.push(chunk);
    try {
      if (!this.hasHandshake && this.answerFourLetterWord()) return;
      for (let frame = this.frames.next(); frame !== null; frame = this.frames.next()) {
        this.receiveRequest(frame);
        if (this.isClosing) return;
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.options.log.warn(
        `connection ${this.id} from ${this.describeRemote()}: ${error.message}; closing it`,
      );
      this.stream.destroy();
      this.gone();
    }
  }

  /** The transport closed (either side). */
  gone(): void {
    if (this.isGone) return;
    this.isGone = true;
    this.options.submit({ type: 'connectionClosed', connectionId: this.id });
  }

  deliver(message: ClientMessage): void {
    if (this.isGone || this.isClosing) return;
    switch (message.kind) {
      case 'connectResponse':
        encodeConnectResponse(this.writer, message.response);
        break;
      case 'reply':
        encodeReply(this.writer, message.reply);
        break;
      case 'notification':
        encodeNotification(this.writer, message.notification);
        break;
      case 'close':
        this.options.log.debug(`connection ${this.id} closing: ${message.reason}`);
        this.isClosing = true;
        break;
    }
    this.isDirty = true;
  }

  flush(): void {
    this.isDirty = false;
    if (this.isGone) return;
    if (this.writer.length > 0) this.stream.write(this.writer.take());
    if (this.isClosing) {
      this.stream.end();
      this.gone();
    }
  }

  private receiveRequest(frame: Buffer): void {
    const submit = this.options.submit;
    if (!this.hasHandshake) {
      this.hasHandshake = true;
      submit({ type: 'connect', connectionId: this.id, request: decodeConnectRequest(frame) });
      return;
    }
    const decoded = decodeRequest(frame, { bufferBytesMax: this.options.packetBytesMax });
    switch (decoded.kind) {
      case 'request':
        submit({
          type: 'request',
          connectionId: this.id,
          xid: decoded.xid,
          opCode: decoded.opCode,
          request: decoded.request,
        });
        return;
      case 'malformed':
        this.options.log.debug(
          `connection ${this.id}: malformed op ${decoded.opCode}: ${decoded.reason}`,
        );
        submit({
          type: 'malformedRequest',
          connectionId: this.id,
          xid: decoded.xid,
          opCode: decoded.opCode,
          reason: decoded.reason,
        });
        return;
      case 'unknownOp':
        submit({
          type: 'unknownOp',
          connectionId: this.id,
          xid: decoded.xid,
          opCode: decoded.opCode,
        });
        return;
    }
  }

  /** A four-letter word is only recognised as the very first 4 bytes of a connection. */
  private answerFourLetterWord(): boolean {
    const word = this.frames.peekFirstWord();
    if (word === null) return false;
    const answer = this.options.fourLetterWord(word);
    if (answer === null) return false;
    this.stream.write(Buffer.from(answer, 'utf8'));
    this.isClosing = true;
    this.stream.end();
    this.gone();
    return true;
  }

  private describeRemote(): string {
    return `${this.stream.remoteAddress}:${this.stream.remotePort}`;
  }
}
