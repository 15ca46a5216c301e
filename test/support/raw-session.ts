// A raw TCP conversation in steps: write some bytes, wait until a frame with a given xid has
// arrived (or the server closed, or time ran out), write more. Unlike exchangeRaw it lets a test
// hold back the next requests until the previous reply is in, so no server-side race between
// pipelined requests leaks into what is compared.

import net from 'node:net';
import { FrameReader } from './protocol.js';

export class RawSession {
  /** Every frame payload received so far, in order. */
  readonly frames: Buffer[] = [];
  isClosed = false;
  private readonly socket: net.Socket;
  private readonly reader = new FrameReader();
  private wake: (() => void) | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      for (let frame = this.reader.next(); frame !== null; frame = this.reader.next()) {
        this.frames.push(frame);
      }
      this.wake?.();
    });
    socket.on('close', () => {
      this.isClosed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined); // a reset counts as a close, reported by 'close'
  }

  static open(host: string, port: number): Promise<RawSession> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(new RawSession(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    if (!this.isClosed) this.socket.write(bytes);
  }

  /**
   * Waits until `isDone(frames)` holds, the server closes the connection or `timeoutMs` passes;
   * resolves true only in the first case.
   */
  async until(isDone: (frames: readonly Buffer[]) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!isDone(this.frames)) {
      const left = deadline - Date.now();
      if (this.isClosed || left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return true;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** True once a reply (not the ConnectResponse) with this xid is among the frames. */
export function hasReply(xid: number): (frames: readonly Buffer[]) => boolean {
  return (frames) =>
    frames.slice(1).some((frame) => frame.length >= 4 && frame.readInt32BE(0) === xid);
}
