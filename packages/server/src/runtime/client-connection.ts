// One client connection, transport-independent: bytes in → frames → decoded inputs for the
// peer; messages out → one buffer written once per loop turn. A bad frame closes only this
// connection. It counts its requests in flight for the OutstandingGate, which may hold its
// reading back. The TCP adapter and the simulator both hand it a ByteStream.

import {
  DecodeError,
  FrameReader,
  JuteReader,
  JuteWriter,
  OpCode,
  decodeConnectRequest,
  decodeRequestFrom,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
} from '@zoo/client/protocol';
import type { FrameSpan } from '@zoo/client/protocol';
import type { ConnectionMessage } from '../core/peer/ready.js';
import type { PeerInput } from '../core/peer/peer-input.js';
import type { Logger } from './env.js';
import type { OutstandingGate, Throttleable } from './outstanding-gate.js';

/** The byte pipe under a client connection (a TCP socket, or a simulated one). */
export interface ByteStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  write(bytes: Buffer): void;
  /** Closes after the bytes already written are flushed. */
  end(): void;
  destroy(): void;
  /** Stops reading from the client (backpressure); bytes wait in the transport. */
  pause?(): void;
  resume?(): void;
  /** Closes the stream once it has been silent this long (the session timeout, once known). */
  setIdleTimeoutMs?(ms: number): void;
  /** Bytes written and not yet taken by the transport (a client that does not read). */
  queuedBytes?(): number;
}

/** What the request reader reads between frames. */
const noFrame: FrameSpan = { bytes: Buffer.alloc(0), start: 0, end: 0 };

/** xid, opcode and the 4-byte int ZooKeeper reads from a createSession packet. */
const createSessionBytesMin = 12;

export interface ClientConnectionOptions {
  packetBytesMax: number;
  log: Logger;
  submit: (input: PeerInput) => void;
  /** Answers a four-letter word sent as the first 4 bytes, or null if it is not one. */
  fourLetterWord: (word: number) => string | null;
  /** zookeeper.globalOutstandingLimit; absent: no limit (the simulator). */
  globalOutstandingLimit?: number;
  /**
   * Runs a task after the current turn (a held connection resumes reading there, a paced watch
   * storm goes on there).
   */
  defer?: (task: () => void) => void;
  /** Watch events handed to connections per loop turn; absent: all at once (the simulator). */
  notificationsPerTurn?: number;
  /** Counts a fired watch's event handed to a connection (the peer's packet statistics). */
  packetSent?: (connectionId: number) => void;
  /** Bytes queued for one client past which it is closed as a slow consumer; absent: no limit. */
  queuedBytesMax?: number;
}

export class ClientConnection implements Throttleable {
  private readonly frames: FrameReader;
  /** Reads each request frame where it arrived (no view or reader made per request). */
  private readonly reader: JuteReader;
  private readonly writer = new JuteWriter();
  private hasHandshake = false;
  /** The ConnectRequest was answered (the ConnectResponse is encoded). */
  private isAnswered = false;
  /**
   * Why the connection must close once its ConnectResponse is out: bytes that are no frame came
   * right behind the ConnectRequest, and ZooKeeper reads them only after it has answered it.
   */
  private closeAfterConnect: string | null = null;
  private isClosing = false;
  private isGone = false;
  /** The OutstandingGate paused this connection: frames wait in the reader and the stream. */
  private isHeld = false;
  /** Requests handed to the peer and not answered yet (the handshake counts as one). */
  outstanding = 0;
  /** Set when something was delivered this turn and the writer needs flushing. */
  isDirty = false;

  constructor(
    readonly id: number,
    private readonly stream: ByteStream,
    private readonly options: ClientConnectionOptions,
    private readonly gate: OutstandingGate,
  ) {
    this.frames = new FrameReader({ packetBytesMax: options.packetBytesMax });
    // What a request's body may declare.
    this.reader = new JuteReader(Buffer.alloc(0), { bufferBytesMax: options.packetBytesMax });
    options.submit({
      type: 'connectionOpened',
      connectionId: id,
      remoteAddress: stream.remoteAddress,
      remotePort: stream.remotePort,
    });
  }

  /** Bytes from the client. */
  receive(chunk: Buffer): void {
    if (this.isGone || this.isClosing || this.closeAfterConnect !== null) return;
    this.frames.push(chunk);
    this.readFrames();
  }

  /** The gate lets this connection send again: read what waited. */
  resumeReading(): void {
    if (!this.isHeld || this.isGone) return;
    this.isHeld = false;
    this.stream.resume?.();
    this.readFrames();
  }

  /** The transport closed (either side). */
  gone(): void {
    if (this.isGone) return;
    this.isGone = true;
    this.gate.forget(this);
    this.gate.answered(this, this.outstanding);
    this.outstanding = 0;
    this.options.submit({ type: 'connectionClosed', connectionId: this.id });
  }

  deliver(message: ConnectionMessage): void {
    if (this.isGone || this.isClosing) return;
    switch (message.kind) {
      case 'connectResponse':
        encodeConnectResponse(this.writer, message.response);
        this.answered();
        this.isAnswered = true;
        if (this.closeAfterConnect !== null) {
          // Closed once the response is written; replies behind it are not sent.
          this.options.log.debug(`connection ${this.id} closing: ${this.closeAfterConnect}`);
          this.isClosing = true;
        }
        // Established, the connection may stay silent as long as its session may.
        if (message.response.timeoutMs > 0)
          this.stream.setIdleTimeoutMs?.(message.response.timeoutMs);
        break;
      case 'reply':
        encodeReply(this.writer, message.reply);
        this.answered();
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
    this.closeIfSlowConsumer();
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

  /**
   * After each message: the bytes waiting for the client (the transport's and this turn's) past
   * queuedBytesMax close it as a slow consumer, before more is encoded, so its memory is bounded
   * by the limit plus one message.
   */
  private closeIfSlowConsumer(): void {
    const limit = this.options.queuedBytesMax;
    if (limit === undefined) return;
    const queued = this.writer.length + (this.stream.queuedBytes?.() ?? 0);
    if (queued <= limit) return;
    this.options.log.warn(
      `connection ${this.id} from ${this.describeRemote()}: ${queued} bytes queued, more than ` +
        `${limit}; closing it as a slow consumer`,
    );
    this.writer.reset();
    this.stream.destroy();
    this.gone();
  }

  /** Hands the peer every whole frame buffered, until the gate holds this connection back. */
  private readFrames(): void {
    try {
      if (!this.hasHandshake && this.answerFourLetterWord()) return;
      while (!this.isHeld && !this.isClosing && !this.isGone && this.closeAfterConnect === null) {
        const frame = this.frames.nextSpan();
        if (frame === null) return;
        this.receiveRequest(frame);
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.options.log.warn(
        `connection ${this.id} from ${this.describeRemote()}: ${error.message}; closing it`,
      );
      if (this.hasHandshake && !this.isAnswered) {
        // ZooKeeper stops reading a connection until its handshake is answered: the answer
        // goes out first, then the bad bytes are read and the connection closes.
        this.closeAfterConnect = error.message;
        return;
      }
      this.stream.destroy();
      this.gone();
    }
  }

  /** One more request goes to the peer; past the server's limit this connection pauses. */
  private taken(): void {
    this.outstanding += 1;
    if (!this.gate.taken(this)) return;
    this.isHeld = true;
    this.stream.pause?.();
  }

  private answered(): void {
    // A reply nobody counted (none is expected) must not drive the count below zero.
    if (this.outstanding === 0) return;
    this.outstanding -= 1;
    this.gate.answered(this, 1);
  }

  private receiveRequest(frame: FrameSpan): void {
    const input = this.decodeFrame(frame);
    // The reader lets go of the chunk the frame came in (an idle connection pins none).
    this.reader.readFrame(noFrame);
    this.taken();
    this.options.submit(input);
  }

  /** The first frame is the ConnectRequest; every later one a request (DecodeError if bad). */
  private decodeFrame(frame: FrameSpan): PeerInput {
    const connectionId = this.id;
    if (!this.hasHandshake) {
      const request = decodeConnectRequest(frame.bytes.subarray(frame.start, frame.end));
      this.hasHandshake = true;
      return { type: 'connect', connectionId, request };
    }
    const decoded = decodeRequestFrom(this.reader.readFrame(frame));
    const { xid, opCode } = decoded;
    switch (decoded.kind) {
      case 'request':
        return { type: 'request', connectionId, xid, opCode, request: decoded.request };
      case 'malformed':
        this.options.log.debug(
          `connection ${connectionId}: malformed op ${opCode}: ${decoded.reason}`,
        );
        return { type: 'malformedRequest', connectionId, xid, opCode, reason: decoded.reason };
      case 'unknownOp':
        if (opCode === OpCode.createSession && frame.end - frame.start < createSessionBytesMin) {
          // ZooKeeper takes a client's createSession as a write and reads an int from it; too
          // short for one, it fails to parse (MarshallingError, with a zxid).
          const reason = 'createSession too short for its timeout';
          return { type: 'malformedRequest', connectionId, xid, opCode, reason };
        }
        return { type: 'unknownOp', connectionId, xid, opCode };
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
