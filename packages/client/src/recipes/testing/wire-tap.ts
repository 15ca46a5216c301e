// A transport wrapper for tests that tampers with chosen requests: it can lose a request's reply
// (the server applied it; the connection dies before the answer arrives), lose the request
// itself (the connection dies before it leaves), or run a callback just before it leaves. Works
// over any TransportFactory: the fake server's, or real TCP to Zoo and to Apache ZooKeeper.

import { FrameReader, decodeRequest } from '../../protocol/index.js';
import type { Request } from '../../protocol/index.js';
import type { Transport, TransportFactory, TransportHandlers } from '../../api/env.js';

export type RequestFilter = (request: Request) => boolean;
type Action = 'dropReply' | 'dropRequest' | (() => void);

interface Rule {
  matches: RequestFilter;
  action: Action;
  remaining: number;
}

/** Frames a payload again with its 4-byte length. */
function framed(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** One tapped connection: its framing state and the xids whose replies are to be lost. */
interface Tapped {
  outgoing: FrameReader;
  incoming: FrameReader;
  doomed: Map<number, Request>;
  isHandshakeSent: boolean;
  isHandshakeAnswered: boolean;
  isClosed: boolean;
  /** Closes the inner transport (set once it exists). */
  close?: () => void;
}

export class WireTap {
  /** Requests whose reply or whose sending was dropped, in order. */
  readonly lost: Request[] = [];
  private rules: Rule[] = [];
  private readonly waiters: Array<() => void> = [];

  /** The next `times` matching requests are applied, and their replies are lost. */
  dropRepliesTo(matches: RequestFilter, times = 1): void {
    this.rules.push({ matches, action: 'dropReply', remaining: times });
  }

  /** The next `times` matching requests never reach the server; their connection dies. */
  dropRequests(matches: RequestFilter, times = 1): void {
    this.rules.push({ matches, action: 'dropRequest', remaining: times });
  }

  /** Runs `callback` just before each of the next `times` matching requests is sent. */
  beforeSending(matches: RequestFilter, callback: () => void, times = 1): void {
    this.rules.push({ matches, action: callback, remaining: times });
  }

  /** Resolves once `count` requests or replies have been lost in all. */
  lostCount(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.lost.length >= count) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  wrap(inner: TransportFactory): TransportFactory {
    return (server, handlers) => {
      const tap: Tapped = {
        outgoing: new FrameReader(),
        incoming: new FrameReader(),
        doomed: new Map(),
        isHandshakeSent: false,
        isHandshakeAnswered: false,
        isClosed: false,
      };
      const transport = inner(server, this.tapped(tap, handlers));
      tap.close = () => transport.close();
      return this.connection(tap, transport, handlers);
    };
  }

  /** Handlers for the inner transport that drop a doomed reply and everything after it. */
  private tapped(tap: Tapped, handlers: TransportHandlers): TransportHandlers {
    return {
      onData: (chunk) => {
        if (tap.isClosed) return;
        tap.incoming.push(chunk);
        for (let payload = tap.incoming.next(); payload !== null; payload = tap.incoming.next()) {
          const xid = tap.isHandshakeAnswered ? payload.readInt32BE(0) : null;
          tap.isHandshakeAnswered = true;
          const request = xid === null ? undefined : tap.doomed.get(xid);
          if (request !== undefined) return this.kill(tap, handlers, request);
          handlers.onData(framed(payload));
        }
      },
      onClose: (reason) => {
        if (tap.isClosed) return;
        tap.isClosed = true;
        handlers.onClose(reason);
      },
    };
  }

  private connection(tap: Tapped, transport: Transport, handlers: TransportHandlers): Transport {
    return {
      write: (bytes) => {
        if (tap.isClosed) return;
        tap.outgoing.push(Buffer.from(bytes));
        const passed: Buffer[] = [];
        for (let payload = tap.outgoing.next(); payload !== null; payload = tap.outgoing.next()) {
          const request = tap.isHandshakeSent ? this.inspect(payload, tap) : null;
          tap.isHandshakeSent = true;
          if (request === 'dropped') {
            if (passed.length > 0) transport.write(Buffer.concat(passed));
            return this.kill(tap, handlers, null);
          }
          passed.push(framed(payload));
        }
        if (passed.length > 0) transport.write(Buffer.concat(passed));
      },
      close: () => {
        tap.isClosed = true;
        transport.close();
      },
    };
  }

  /** Applies the first rule matching the request; 'dropped' if the request must not leave. */
  private inspect(payload: Buffer, tap: Tapped): 'dropped' | null {
    const decoded = decodeRequest(payload);
    if (decoded.kind !== 'request') return null;
    const rule = this.rules.find((candidate) => candidate.matches(decoded.request));
    if (rule === undefined) return null;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules = this.rules.filter((other) => other !== rule);
    if (rule.action === 'dropReply') tap.doomed.set(decoded.xid, decoded.request);
    else if (rule.action === 'dropRequest') {
      this.noteLost(decoded.request);
      return 'dropped';
    } else rule.action();
    return null;
  }

  private kill(tap: Tapped, handlers: TransportHandlers, lostReplyOf: Request | null): void {
    if (lostReplyOf !== null) this.noteLost(lostReplyOf);
    tap.isClosed = true;
    tap.close?.();
    handlers.onClose('the wire tap cut the connection');
  }

  private noteLost(request: Request): void {
    this.lost.push(request);
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
