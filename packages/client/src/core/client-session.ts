// The deterministic session state machine of the client: connect and handshake, pings and
// timeouts from an injected clock, failover to the next server keeping the session, expiry and
// close. Inputs are calls, bytes and ticks; outputs are drained with takeOutputs().

import {
  DecodeError,
  ErrorCode,
  EventType,
  FrameReader,
  JuteWriter,
  Xid,
  ZooError,
  assert,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeRequest,
  packetBytesMaxDefault,
} from '../protocol/index.js';
import { Chroot } from './chroot.js';
import { RequestTracker } from './request-tracker.js';
import { ServerList, type ServerAddress } from './server-list.js';
import { reconnectDelayMaxMsDefault, requestsOutstandingMaxDefault } from './session-timing.js';
import { sessionTimings, type SessionTimings } from './session-timing.js';
import { isTerminalState, sessionEndings } from './session-types.js';
import type { ClientSessionOptions, EndReason, SessionCall } from './session-types.js';
import type { SessionOutput, SessionState } from './session-types.js';

interface Connection {
  id: number;
  server: ServerAddress;
  phase: 'handshake' | 'open';
  frames: FrameReader;
  startedMs: number;
  lastRecvMs: number;
  lastSendMs: number;
}

export class ClientSession<T, L> {
  private readonly outputs: SessionOutput<T, L>[] = [];
  private readonly tracker: RequestTracker<T, L>;
  private readonly servers: ServerList;
  private readonly writer = new JuteWriter();
  private readonly options: ClientSessionOptions;
  private readonly packetBytesMax: number;
  private readonly reconnectDelayMaxMs: number;
  private readonly closeWaiters: T[] = [];
  private currentState: SessionState = 'connecting';
  private connection: Connection | null = null;
  private nextConnectAtMs: number;
  private nextConnectionId = 1;
  private failedAttempts = 0;
  private currentSessionId: bigint;
  private currentPasswd: Buffer;
  private negotiatedMs = 0;

  constructor(options: ClientSessionOptions) {
    assert(options.sessionTimeoutMs > 0, () => `sessionTimeoutMs ${options.sessionTimeoutMs}`);
    assert(options.servers.length > 0, 'a session needs at least one server');
    this.options = options;
    this.packetBytesMax = options.packetBytesMax ?? packetBytesMaxDefault;
    this.reconnectDelayMaxMs = options.reconnectDelayMaxMs ?? reconnectDelayMaxMsDefault;
    this.servers = new ServerList(options.servers, options.random);
    this.tracker = new RequestTracker<T, L>({
      chroot: new Chroot(options.chroot ?? null),
      outputs: this.outputs,
      packetBytesMax: this.packetBytesMax,
      requestsOutstandingMax: options.requestsOutstandingMax ?? requestsOutstandingMaxDefault,
    });
    this.currentSessionId = options.sessionId ?? 0n;
    this.currentPasswd = options.passwd ?? Buffer.alloc(16);
    this.nextConnectAtMs = options.nowMs;
  }

  get state(): SessionState {
    return this.currentState;
  }

  get sessionId(): bigint {
    return this.currentSessionId;
  }

  get passwd(): Buffer {
    return Buffer.from(this.currentPasswd);
  }

  get negotiatedTimeoutMs(): number {
    return this.negotiatedMs;
  }

  get lastZxidSeen(): bigint {
    return this.tracker.lastZxidSeen;
  }

  /** The server of the open connection, or null. */
  get connectedServer(): ServerAddress | null {
    return this.connection?.phase === 'open' ? this.connection.server : null;
  }

  /** The connection the session talks to (handshake or open), or null. */
  get connectionId(): number | null {
    return this.connection?.id ?? null;
  }

  /** Servers in the order they are tried. */
  get serverOrder(): readonly ServerAddress[] {
    return this.servers.list();
  }

  /** xids of requests sent and not yet answered, oldest first. */
  get inFlightXids(): number[] {
    return this.tracker.inFlightXids;
  }

  get watchCount(): number {
    return this.tracker.watches.size;
  }

  get hasUnflushedBytes(): boolean {
    return this.writer.length > 0;
  }

  takeOutputs(): SessionOutput<T, L>[] {
    return this.outputs.splice(0, this.outputs.length);
  }

  /** Sends the call on the open connection (at the next flush) or holds it until one opens. */
  submit(call: SessionCall<T, L>): void {
    const error = this.refusal();
    if (error !== null) {
      this.tracker.fail(call.token, error);
      return;
    }
    this.tracker.submit(call, this.openWriter());
  }

  /** Adds a credential for this and every later connection. ZooKeeper: ZooKeeper.addAuthInfo. */
  addAuth(auth: { scheme: string; auth: Buffer; token: T }): void {
    const error = this.refusal();
    if (error !== null) {
      this.tracker.fail(auth.token, error);
      return;
    }
    this.tracker.addAuth(auth, this.openWriter());
  }

  /**
   * Closes the session: closeSession on an open connection (the server then deletes its
   * ephemerals at once), otherwise the session just ends locally. `token` completes when closed.
   */
  close(token: T, nowMs: number): void {
    if (isTerminalState(this.currentState)) {
      this.completeOk(token);
      return;
    }
    this.closeWaiters.push(token);
    if (this.currentState === 'closing') return;
    const writer = this.openWriter();
    if (writer === null) {
      this.end('closed', 'closed while not connected');
      return;
    }
    this.currentState = 'closing';
    this.tracker.sendCloseSession(writer);
    this.flush(nowMs);
  }

  /** Acts on the clock: connect when due, drop a silent connection, ping an idle one. */
  tick(nowMs: number): void {
    if (isTerminalState(this.currentState)) return;
    const connection = this.connection;
    if (connection === null) {
      if (nowMs >= this.nextConnectAtMs) this.startConnection(nowMs);
      return;
    }
    if (connection.phase === 'handshake') {
      if (nowMs >= connection.startedMs + this.timings.connectTimeoutMs) {
        this.drop(connection, 'connect timeout', nowMs);
      }
      return;
    }
    // ZooKeeper: ClientCnxn.SendThread.run — nothing received for the read timeout is a lost
    // connection; nothing sent for a third of the session timeout sends a ping. Each test is
    // the very sum nextDeadlineMs() returns, so a timer set for a deadline always finds it due
    // (with fractional clocks, now − last ≥ timeout can miss by a rounding error).
    if (nowMs >= connection.lastRecvMs + this.timings.readTimeoutMs) {
      this.drop(connection, 'read timeout', nowMs);
      return;
    }
    if (nowMs >= connection.lastSendMs + this.timings.pingIntervalMs) {
      if (this.writer.length === 0) encodeRequest(this.writer, Xid.ping, { type: 'ping' });
      this.flush(nowMs);
    }
  }

  /** Bytes from connection `connectionId`; bytes of a connection already dropped are ignored. */
  receive(connectionId: number, chunk: Buffer, nowMs: number): void {
    const connection = this.connection;
    if (connection === null || connection.id !== connectionId) return;
    connection.lastRecvMs = nowMs;
    connection.frames.push(chunk);
    try {
      while (this.connection === connection) {
        const payload = connection.frames.next();
        if (payload === null) break;
        if (connection.phase === 'handshake') {
          this.onConnectResponse(connection, payload, nowMs);
          continue;
        }
        const effect = this.tracker.handleFrame(payload);
        if (effect === 'authFailed') this.end('authFailed', 'authentication failed');
        if (effect === 'sessionClosed') this.end('closed', 'session closed');
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.drop(connection, `protocol error: ${error.message}`, nowMs);
    }
  }

  /** The transport of `connectionId` closed or failed. */
  transportClosed(connectionId: number, reason: string, nowMs: number): void {
    const connection = this.connection;
    if (connection === null || connection.id !== connectionId) return;
    this.drop(connection, reason, nowMs);
  }

  /** Hands everything encoded since the last flush to the transport as one write. */
  flush(nowMs: number): void {
    const connection = this.connection;
    if (connection === null || this.writer.length === 0) return;
    connection.lastSendMs = nowMs;
    this.outputs.push({ type: 'send', connectionId: connection.id, bytes: this.writer.take() });
  }

  /** When tick() next has something to do, or null once the session has ended. */
  nextDeadlineMs(): number | null {
    if (isTerminalState(this.currentState)) return null;
    const connection = this.connection;
    if (connection === null) return this.nextConnectAtMs;
    const timings = this.timings;
    if (connection.phase === 'handshake') return connection.startedMs + timings.connectTimeoutMs;
    return Math.min(
      connection.lastRecvMs + timings.readTimeoutMs,
      connection.lastSendMs + timings.pingIntervalMs,
    );
  }

  invariants(): void {
    const state = this.currentState;
    const connection = this.connection;
    if (isTerminalState(state)) {
      assert(connection === null, () => `${state} session still has connection #${connection?.id}`);
      assert(this.tracker.outstanding === 0, () => `${state} session has outstanding requests`);
      assert(this.tracker.watches.isEmpty, () => `${state} session still has watches`);
    }
    const isOpen = connection?.phase === 'open';
    if (state === 'connected' || state === 'connectedReadOnly' || state === 'closing') {
      assert(isOpen, () => `state ${state} without an open connection`);
    }
    if (state === 'connecting') assert(!isOpen, 'state connecting with an open connection');
    if (!isOpen) {
      assert(this.tracker.inFlightXids.length === 0, 'requests in flight without a connection');
      assert(this.writer.length === 0, 'unsent bytes without an open connection');
    }
    this.tracker.invariants();
  }

  /** Timings from the negotiated timeout once known, the requested one before. */
  private get timings(): SessionTimings {
    const timeoutMs = this.negotiatedMs > 0 ? this.negotiatedMs : this.options.sessionTimeoutMs;
    return sessionTimings(timeoutMs, this.servers.size);
  }

  /** Why a new call cannot be taken, or null. ZooKeeper: ClientCnxn.conLossPacket. */
  private refusal(): ZooError | null {
    switch (this.currentState) {
      case 'authFailed':
        return new ZooError(ErrorCode.AuthFailed);
      case 'closing':
      case 'closed':
      case 'expired':
        return new ZooError(ErrorCode.SessionExpired);
      default:
        return null;
    }
  }

  private openWriter(): JuteWriter | null {
    return this.connection?.phase === 'open' ? this.writer : null;
  }

  private startConnection(nowMs: number): void {
    const server = this.servers.next();
    const connection: Connection = {
      id: this.nextConnectionId++,
      server,
      phase: 'handshake',
      frames: new FrameReader({ packetBytesMax: this.packetBytesMax }),
      startedMs: nowMs,
      lastRecvMs: nowMs,
      lastSendMs: nowMs,
    };
    this.connection = connection;
    this.outputs.push({ type: 'connect', connectionId: connection.id, server });
    this.writer.reset();
    // ZooKeeper: ClientCnxn.SendThread.primeConnection — lastZxidSeen keeps a server that is
    // behind from serving this session, so zxids never go backwards.
    encodeConnectRequest(this.writer, {
      protocolVersion: 0,
      lastZxidSeen: this.tracker.lastZxidSeen,
      timeoutMs: this.options.sessionTimeoutMs,
      sessionId: this.currentSessionId,
      passwd: this.currentPasswd,
      readOnly: this.options.canBeReadOnly ?? false,
    });
    this.flush(nowMs);
  }

  private onConnectResponse(connection: Connection, payload: Buffer, nowMs: number): void {
    const response = decodeConnectResponse(payload);
    // ZooKeeper: ClientCnxn.onConnected — a timeout of 0 or less means the session has expired.
    if (response.timeoutMs <= 0) {
      this.end('expired', 'session expired');
      return;
    }
    this.negotiatedMs = response.timeoutMs;
    this.currentSessionId = response.sessionId;
    this.currentPasswd = response.passwd;
    connection.phase = 'open';
    this.failedAttempts = 0;
    const isReadOnly = response.readOnly === true;
    this.currentState = isReadOnly ? 'connectedReadOnly' : 'connected';
    this.outputs.push({ type: 'event', event: isReadOnly ? 'connectedReadOnly' : 'connected' });
    this.tracker.prime(this.writer);
    this.flush(nowMs);
  }

  /**
   * Loses the connection: requests in flight fail with ConnectionLoss, as ZooKeeper's
   * ClientCnxn.cleanup does; the session itself lives on and reconnects. Calls held for a
   * connection fail only once every server has failed an attempt (ZooKeeper fails them on any
   * failed attempt; waiting for the round lets a call ride over one server being down).
   */
  private drop(connection: Connection, reason: string, nowMs: number): void {
    assert(this.connection === connection, 'dropping a connection that is not current');
    if (this.currentState === 'closing') {
      this.end('closed', reason);
      return;
    }
    this.connection = null;
    this.writer.reset();
    this.outputs.push({ type: 'disconnect', connectionId: connection.id, reason });
    this.tracker.failInFlight(ErrorCode.ConnectionLoss);
    if (connection.phase === 'open') {
      // Fail over to the next server at once: the session survives only if a server hears
      // from it within the session timeout.
      this.currentState = 'connecting';
      this.outputs.push({ type: 'event', event: 'disconnected' });
      this.nextConnectAtMs = nowMs;
      return;
    }
    this.failedAttempts += 1;
    const isRoundFailed = this.failedAttempts % this.servers.size === 0;
    if (isRoundFailed) this.tracker.failHeld(ErrorCode.ConnectionLoss);
    // A random pause spreads reconnecting clients; after a whole round of failed attempts the
    // full pause applies. ZooKeeper: StaticHostProvider.next(spinDelay) and startConnect.
    const pauseMs = isRoundFailed
      ? this.reconnectDelayMaxMs
      : Math.floor(this.options.random() * this.reconnectDelayMaxMs);
    this.nextConnectAtMs = nowMs + pauseMs;
  }

  /** Ends the session for good: every call and watch is told, then the session event. */
  private end(reason: EndReason, detail: string): void {
    const connection = this.connection;
    if (connection !== null) {
      this.connection = null;
      this.writer.reset();
      this.outputs.push({ type: 'disconnect', connectionId: connection.id, reason: detail });
    }
    const ending = sessionEndings[reason];
    this.tracker.failAll(ending.code);
    for (const { listener, path } of this.tracker.watches.drain()) {
      const event = { type: EventType.none, state: ending.keeperState, path };
      this.outputs.push({ type: 'watch', listeners: [listener], event });
    }
    this.currentState = reason;
    this.outputs.push({ type: 'event', event: reason });
    for (const token of this.closeWaiters.splice(0, this.closeWaiters.length)) {
      this.completeOk(token);
    }
  }

  private completeOk(token: T): void {
    this.outputs.push({
      type: 'complete',
      token,
      outcome: { ok: true, response: { type: 'empty' }, zxid: this.tracker.lastZxidSeen },
    });
  }
}
