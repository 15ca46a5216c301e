// Test harness for ClientSession: a hand-driven clock and a scripted server side that decodes
// what the session sends and encodes replies with the shared codec. Deterministic, no I/O.

import {
  ErrorCode,
  JuteWriter,
  KeeperState,
  assert,
  decodeConnectRequest,
  decodeRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
} from '../../protocol/index.js';
import type { ConnectRequest, Request, Response, Stat } from '../../protocol/index.js';
import { ClientSession } from '../client-session.js';
import type { ServerAddress } from '../server-list.js';
import type { ClientSessionOptions, SessionOutput } from '../session-types.js';

/** Tokens and listeners are plain labels, so outputs compare with toEqual. */
export type HarnessOutput = SessionOutput<string, string>;

export interface ReceivedRequest {
  xid: number;
  request: Request;
}

interface ConnectionLog {
  id: number;
  server: ServerAddress;
  frames: Buffer[];
}

export const statOf = (version = 0, zxid = 1n): Stat => ({
  czxid: zxid,
  mzxid: zxid,
  ctime: 0n,
  mtime: 0n,
  version,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: zxid,
});

export class SessionHarness {
  readonly session: ClientSession<string, string>;
  nowMs = 0;
  /** Every output in order, never drained (for transcripts). */
  readonly log: HarnessOutput[] = [];
  private pending: HarnessOutput[] = [];
  private readonly connections = new Map<number, ConnectionLog>();

  constructor(options: Partial<ClientSessionOptions> = {}) {
    this.session = new ClientSession<string, string>({
      servers: [{ host: 'a', port: 1 }],
      sessionTimeoutMs: 30_000,
      random: () => 0,
      nowMs: 0,
      ...options,
    });
  }

  /** Outputs since the last call (connects and sends are also recorded per connection). */
  outputs(): HarnessOutput[] {
    this.collect();
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Outputs other than connect/send/disconnect: completions, watch and session events. */
  results(): HarnessOutput[] {
    return this.outputs().filter((o) => o.type !== 'send' && o.type !== 'connect');
  }

  advance(ms: number): void {
    this.nowMs += ms;
    this.session.tick(this.nowMs);
    this.session.invariants();
  }

  flush(): void {
    this.session.flush(this.nowMs);
  }

  /** The connection the session is currently talking to (the newest connect output). */
  get connectionId(): number {
    this.collect();
    const ids = [...this.connections.keys()];
    const id = ids[ids.length - 1];
    assert(id !== undefined, 'the session has not connected yet');
    return id;
  }

  server(connectionId = this.connectionId): ServerAddress {
    const log = this.connections.get(connectionId);
    assert(log !== undefined, `no connection ${connectionId}`);
    return log.server;
  }

  /** The ConnectRequest the session sent on the connection. */
  connectRequest(connectionId = this.connectionId): ConnectRequest {
    const first = this.frames(connectionId)[0];
    assert(first !== undefined, 'no ConnectRequest sent');
    return decodeConnectRequest(first);
  }

  /** Requests sent on the connection after the ConnectRequest, in wire order. */
  requests(connectionId = this.connectionId): ReceivedRequest[] {
    return this.frames(connectionId)
      .slice(1)
      .map((payload) => {
        const decoded = decodeRequest(payload);
        assert(decoded.kind === 'request', `undecodable request: ${decoded.kind}`);
        return { xid: decoded.xid, request: decoded.request };
      });
  }

  /** Completes the handshake: a fresh session id unless the request resumed one. */
  acceptHandshake(
    options: { timeoutMs?: number; sessionId?: bigint; readOnly?: boolean } = {},
  ): void {
    const request = this.connectRequest();
    const w = new JuteWriter();
    encodeConnectResponse(w, {
      protocolVersion: 0,
      timeoutMs: options.timeoutMs ?? request.timeoutMs,
      sessionId:
        options.sessionId ?? (request.sessionId === 0n ? 0x0100000000000001n : request.sessionId),
      passwd: Buffer.alloc(16, 7),
      ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
    });
    this.deliver(w.take());
  }

  /** The server's answer for an expired session: timeout 0, id 0, zero password. */
  rejectHandshakeAsExpired(): void {
    const w = new JuteWriter();
    const passwd = Buffer.alloc(16);
    encodeConnectResponse(w, { protocolVersion: 0, timeoutMs: 0, sessionId: 0n, passwd });
    this.deliver(w.take());
  }

  reply(options: { xid: number; zxid?: bigint; err?: number; body?: Response | null }): void {
    const w = new JuteWriter();
    encodeReply(w, {
      header: { xid: options.xid, zxid: options.zxid ?? 1n, err: options.err ?? ErrorCode.Ok },
      body: options.body ?? null,
    });
    this.deliver(w.take());
  }

  notify(type: number, path: string): void {
    const w = new JuteWriter();
    encodeNotification(w, { zxid: -1n, event: { type, state: KeeperState.syncConnected, path } });
    this.deliver(w.take());
  }

  /** Delivers raw bytes from the server on the current connection. */
  deliver(bytes: Buffer, connectionId = this.connectionId): void {
    this.session.receive(connectionId, bytes, this.nowMs);
    this.session.invariants();
  }

  closeTransport(reason = 'reset', connectionId = this.connectionId): void {
    this.session.transportClosed(connectionId, reason, this.nowMs);
    this.session.invariants();
  }

  private frames(connectionId: number): Buffer[] {
    this.collect();
    const log = this.connections.get(connectionId);
    assert(log !== undefined, `no connection ${connectionId}`);
    return log.frames;
  }

  private collect(): void {
    for (const output of this.session.takeOutputs()) {
      this.log.push(output);
      this.pending.push(output);
      if (output.type === 'connect') {
        const { connectionId, server } = output;
        this.connections.set(connectionId, { id: connectionId, server, frames: [] });
      } else if (output.type === 'send') {
        const log = this.connections.get(output.connectionId);
        assert(log !== undefined, `send on unknown connection ${output.connectionId}`);
        log.frames.push(...splitFrames(output.bytes));
      }
    }
  }
}

function splitFrames(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = bytes.readInt32BE(offset);
    frames.push(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return frames;
}
