// A bare TCP exchange for wire tests that must send bytes no well-behaved client sends (several
// frames in one write, unknown opcodes): write once, then collect frames until the server
// closes the connection or a deadline passes.

import net from 'node:net';
import { FrameReader, JuteWriter, encodeConnectRequest } from './protocol.js';

export interface RawExchange {
  /** Every complete frame payload received, in order. */
  frames: Buffer[];
  /** True if the server closed the connection before the deadline. */
  isClosedByServer: boolean;
}

/** Writes `bytes` in one write and gathers frames for up to `waitMs`. */
export function exchangeRaw(options: {
  host: string;
  port: number;
  bytes: Buffer;
  waitMs: number;
  /** Stop early once this many frames have arrived. */
  framesWanted?: number;
}): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const frames: Buffer[] = [];
    const reader = new FrameReader();
    const socket = net.connect({ host: options.host, port: options.port });
    let isClosedByServer = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ frames, isClosedByServer });
    };
    const timer = setTimeout(finish, options.waitMs);
    socket.on('connect', () => socket.write(options.bytes));
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let frame = reader.next(); frame !== null; frame = reader.next()) frames.push(frame);
      if (options.framesWanted !== undefined && frames.length >= options.framesWanted) finish();
    });
    socket.on('end', () => {
      isClosedByServer = true;
    });
    socket.on('close', () => {
      isClosedByServer = true;
      finish();
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The bytes of a ConnectRequest frame for a new session (of 30 s unless told). */
export function connectFrame(timeoutMs = 30_000): Buffer {
  const writer = new JuteWriter({ initialBytes: 64 });
  encodeConnectRequest(writer, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeoutMs,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
  });
  return writer.take();
}

/** A request frame with an arbitrary opcode and no body. */
export function headerOnlyFrame(xid: number, opCode: number): Buffer {
  const frame = Buffer.alloc(12);
  frame.writeInt32BE(8, 0);
  frame.writeInt32BE(xid, 4);
  frame.writeInt32BE(opCode, 8);
  return frame;
}

/** A request frame of (xid, opcode) and Jute fields written raw, so that nulls can be sent. */
export function rawFrame(xid: number, opCode: number, write: (writer: JuteWriter) => void): Buffer {
  const writer = new JuteWriter({ initialBytes: 64 });
  writer.writeInt(xid);
  writer.writeInt(opCode);
  write(writer);
  const body = writer.take();
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}

/** create `path` with data 'x', world-open: persistent (op 1), or a container (op 19). */
export function createFrame(xid: number, path: string, options: { isContainer?: boolean } = {}) {
  const isContainer = options.isContainer === true;
  return rawFrame(xid, isContainer ? 19 : 1, (w) => {
    w.writeUstring(path);
    w.writeBuffer(Buffer.from('x'));
    w.writeInt(1);
    w.writeInt(31);
    w.writeUstring('world');
    w.writeUstring('anyone');
    w.writeInt(isContainer ? 4 : 0);
  });
}
