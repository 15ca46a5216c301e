// A tap on a workload session's connections: it decodes the frames going each way, without
// changing a byte, and records in the session's log what the client received, in arrival order
// — replies with their header zxid and the request they answer, watch events, handshakes and
// lost connections, and the setWatches a reconnecting client sends. The watch checker's input.

import type { ClientEnv, Transport, TransportHandlers } from '@zoo/client';
import {
  DecodeError,
  FrameReader,
  JuteReader,
  OpCode,
  Xid,
  decodeConnectResponse,
  decodeNotification,
  decodeReplyHeader,
  decodeRequest,
} from '@zoo/client/protocol';
import type { RecordedCall, SessionEntry, SessionLog } from '../history/history.js';
import type { World } from '../world/world.js';
import { watchBugHandlers, type WatchBug } from './planted-watch-bugs.js';
import type { ConnectionLedger, InFlightRequests } from './in-flight-requests.js';

/** The opcodes whose request the watch checker reads (the rest are known by name only). */
const watchOpCodes: ReadonlySet<number> = new Set([
  OpCode.exists,
  OpCode.getData,
  OpCode.getChildren,
  OpCode.getChildren2,
  OpCode.addWatch,
  OpCode.checkWatches,
  OpCode.removeWatches,
  OpCode.setWatches,
  OpCode.setWatches2,
]);

const opCodeNames = new Map<number, string>(
  Object.entries(OpCode).map(([name, code]) => [code, name]),
);

/**
 * The env with every connection tapped into `log`. A planted watch bug, if any, sits between the
 * network and the tap: the log shows what the client was handed.
 */
export function tapSession(
  env: ClientEnv,
  options: {
    world: World;
    log: SessionLog;
    watchBug: WatchBug | null;
    /** Where the liveness checker sees the requests in flight, and when they stop counting. */
    requests?: { ledger: InFlightRequests; isCurrent: () => boolean };
  },
): ClientEnv {
  let connections = 0;
  return {
    ...env,
    connect: (server, handlers): Transport => {
      connections += 1;
      const { requests } = options;
      const ledger = requests?.ledger.open(requests.isCurrent) ?? null;
      const tap = new ConnectionTap(options.world, options.log, ledger, {
        connection: connections,
        server: server.host,
      });
      const tapped: TransportHandlers = {
        onData: (chunk) => {
          tap.received(chunk);
          handlers.onData(chunk);
        },
        onClose: (reason) => {
          tap.closed();
          handlers.onClose(reason);
        },
      };
      const bug = options.watchBug;
      const transport = env.connect(server, bug === null ? tapped : watchBugHandlers(bug, tapped));
      return {
        write: (bytes) => {
          tap.sent(bytes);
          transport.write(bytes);
        },
        close: () => {
          tap.closed();
          transport.close();
        },
      };
    },
  };
}

class ConnectionTap {
  private readonly inbound = new FrameReader();
  private readonly outbound = new FrameReader();
  private isConnectSent = false;
  private isConnectAnswered = false;
  private isConnected = false;
  private isClosed = false;
  /** The requests in flight, by xid. */
  private readonly calls = new Map<number, RecordedCall>();

  private readonly connection: number;
  private readonly server: string;

  constructor(
    private readonly world: World,
    private readonly log: SessionLog,
    private readonly ledger: ConnectionLedger | null,
    where: { connection: number; server: string },
  ) {
    this.connection = where.connection;
    this.server = where.server;
  }

  sent(bytes: Buffer): void {
    if (this.isClosed) return;
    this.guarded(() => {
      this.outbound.push(bytes);
      for (let frame = this.outbound.next(); frame !== null; frame = this.outbound.next()) {
        if (!this.isConnectSent) this.isConnectSent = true;
        else this.request(frame);
      }
    });
  }

  received(chunk: Buffer): void {
    if (this.isClosed) return;
    this.guarded(() => {
      this.inbound.push(chunk);
      for (let frame = this.inbound.next(); frame !== null; frame = this.inbound.next()) {
        if (!this.isConnectAnswered) this.handshake(frame);
        else this.reply(frame);
      }
    });
  }

  /**
   * A frame that does not decode ends the tap: the client, which decodes the same bytes, drops
   * the connection for it, and the tap must never break the run.
   */
  private guarded(read: () => void): void {
    try {
      read();
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.closed();
    }
  }

  closed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.ledger?.closed();
    if (this.isConnected)
      this.record({ type: 'lost', atMs: this.world.nowMs, connection: this.connection });
  }

  private request(frame: Buffer): void {
    const xid = frame.readInt32BE(0);
    if (xid === Xid.ping || xid === Xid.auth) return;
    const opCode = frame.readInt32BE(4);
    const name = opCodeNames.get(opCode) ?? `op ${opCode}`;
    this.ledger?.sent({
      process: this.log.process,
      sessionId: this.log.sessionId,
      connection: this.connection,
      server: this.server,
      xid,
      name,
      sentMs: this.world.nowMs,
    });
    if (!watchOpCodes.has(opCode)) {
      this.calls.set(xid, { op: 'other', name });
      return;
    }
    const decoded = decodeRequest(frame);
    const request = decoded.kind === 'request' ? decoded.request : null;
    if (request?.type === 'setWatches') {
      const { relativeZxid } = request;
      const watches = {
        data: request.dataWatches,
        exist: request.existWatches,
        child: request.childWatches,
        persistent: request.persistentWatches,
        persistentRecursive: request.persistentRecursiveWatches,
      };
      const { connection } = this;
      this.record({
        type: 'setWatches',
        atMs: this.world.nowMs,
        connection,
        relativeZxid,
        watches,
      });
      this.calls.set(xid, { op: 'setWatches' });
    } else if (request?.type === 'addWatch' && request.path !== null) {
      this.calls.set(xid, { op: 'addWatch', path: request.path, mode: request.mode });
    } else if (
      (request?.type === 'checkWatches' || request?.type === 'removeWatches') &&
      request.path !== null
    ) {
      const { type: op, path, watcherType } = request;
      this.calls.set(xid, { op, path, watcherType });
    } else if (
      request?.type === 'exists' ||
      request?.type === 'getData' ||
      request?.type === 'getChildren'
    ) {
      this.calls.set(xid, { op: request.type, path: request.path, watch: request.watch });
    }
  }

  private handshake(frame: Buffer): void {
    this.isConnectAnswered = true;
    const response = decodeConnectResponse(frame);
    // A timeout of 0 answers a session that expired: the connection never carries it.
    if (response.timeoutMs <= 0) return;
    this.isConnected = true;
    this.log.sessionId ??= response.sessionId;
    const { connection, server } = this;
    this.record({ type: 'connected', atMs: this.world.nowMs, connection, server });
  }

  private reply(frame: Buffer): void {
    const reader = new JuteReader(frame);
    const header = decodeReplyHeader(reader);
    if (header.xid === Xid.notification) {
      const { type, path } = decodeNotification(reader);
      const { connection } = this;
      this.record({ type: 'event', atMs: this.world.nowMs, connection, eventType: type, path });
      return;
    }
    if (header.xid === Xid.ping || header.xid === Xid.auth) return;
    const call = this.calls.get(header.xid) ?? { op: 'other', name: `xid ${header.xid}` };
    this.calls.delete(header.xid);
    this.ledger?.answered(header.xid);
    const { zxid, err, xid } = header;
    const { connection } = this;
    this.record({ type: 'reply', atMs: this.world.nowMs, connection, xid, zxid, err, call });
  }

  private record(entry: SessionEntry): void {
    this.log.entries.push(entry);
  }
}
