// The request side of a session: xid allocation, the in-flight FIFO that replies must match,
// calls held while no connection is open, auth credentials, and the watch table that replies
// and notifications update. ZooKeeper: ClientCnxn (queuePacket, readResponse, finishPacket).

import {
  AddWatchMode,
  AssertionError,
  DecodeError,
  ErrorCode,
  EventType,
  JuteReader,
  KeeperState,
  Xid,
  ZooError,
  assert,
  replyError,
  decodeNotification,
  decodeReplyHeader,
  decodeResponseBody,
  encodeRequest,
} from '../protocol/index.js';
import type {
  AuthRequest,
  EventTypeValue,
  JuteWriter,
  Request,
  Response,
} from '../protocol/index.js';
import type { Chroot } from './chroot.js';
import { FifoQueue } from './fifo-queue.js';
import { invalidPathOf, pathOfRequest } from './request-paths.js';
import type { SessionCall, SessionOutput } from './session-types.js';
import { buildSetWatches } from './set-watches.js';
import { WatchTable } from './watch-table.js';

interface InFlight<T, L> {
  xid: number;
  /** The request as sent, with server paths: its reply body is decoded against it. */
  sent: Request;
  /** null for the session's own setWatches packets. */
  call: SessionCall<T, L> | null;
}

interface Credential<T> {
  scheme: string;
  auth: Buffer;
  /** A caller waiting for this credential's first reply, until its packet is sent. */
  waiter: T | null;
}

/** What a reply frame means for the session beyond completing its request. */
export type ReplyEffect = 'none' | 'authFailed' | 'sessionClosed';

export interface RequestTrackerOptions<T, L> {
  chroot: Chroot;
  outputs: SessionOutput<T, L>[];
  packetBytesMax: number;
  requestsOutstandingMax: number;
}

/** Credentials are re-sent on every reconnect, so their number is bounded. */
export const authCredentialsMax = 64;

export class RequestTracker<T, L> {
  readonly watches = new WatchTable<L>();
  /** Highest zxid seen in an ordinary reply; sent on reconnect so zxids never go backwards. */
  lastZxidSeen = 0n;
  private readonly chroot: Chroot;
  private readonly outputs: SessionOutput<T, L>[];
  private readonly packetBytesMax: number;
  private readonly requestsOutstandingMax: number;
  private readonly inFlight = new FifoQueue<InFlight<T, L>>();
  private readonly held = new FifoQueue<SessionCall<T, L>>();
  private readonly authWaiters = new FifoQueue<T | null>();
  private readonly credentials: Credential<T>[] = [];
  private lastXid = 0;

  constructor(options: RequestTrackerOptions<T, L>) {
    this.chroot = options.chroot;
    this.outputs = options.outputs;
    this.packetBytesMax = options.packetBytesMax;
    this.requestsOutstandingMax = options.requestsOutstandingMax;
  }

  /** Requests sent and not yet answered, plus calls held for the next connection. */
  get outstanding(): number {
    return this.inFlight.length + this.held.length;
  }

  get inFlightXids(): number[] {
    return [...this.inFlight].map((entry) => entry.xid);
  }

  /**
   * Takes a call: fails it at once if invalid or over the bound, handles a local watch removal,
   * and otherwise encodes it into `writer` (connection open) or holds it (no connection yet).
   */
  submit(call: SessionCall<T, L>, writer: JuteWriter | null): void {
    const invalid = invalidPathOf(call.request);
    if (invalid !== null) {
      this.fail(call.token, new ZooError(ErrorCode.BadArguments, invalid.path));
      return;
    }
    if (this.outstanding >= this.requestsOutstandingMax) {
      // Named bound: a client that outruns its server gets a typed error, not unbounded memory.
      this.fail(call.token, new ZooError(ErrorCode.ThrottledOp, pathOfRequest(call.request)));
      return;
    }
    if (!this.acceptWatchRemoval(call)) return;
    if (writer === null) {
      this.held.push(call);
      return;
    }
    this.send(call, writer);
  }

  /** Saves a credential (re-sent on every reconnect) and sends it now if a writer is given. */
  addAuth(auth: { scheme: string; auth: Buffer; token: T }, writer: JuteWriter | null): void {
    if (this.credentials.length >= authCredentialsMax) {
      this.fail(auth.token, new ZooError(ErrorCode.ThrottledOp));
      return;
    }
    const credential: Credential<T> = { scheme: auth.scheme, auth: auth.auth, waiter: auth.token };
    this.credentials.push(credential);
    if (writer !== null) this.sendAuth(credential, writer);
  }

  /**
   * Everything a fresh connection sends after the handshake, in ZooKeeper's order: the auth
   * packets, then setWatches with lastZxidSeen, then the calls held while disconnected.
   */
  prime(writer: JuteWriter): void {
    for (const credential of this.credentials) this.sendAuth(credential, writer);
    for (const request of buildSetWatches(this.watches, this.lastZxidSeen)) {
      const sent = this.chroot.requestToServer(request);
      this.sendRaw({ xid: this.nextXid(), sent, call: null }, writer);
    }
    for (const call of this.held.drain()) this.send(call, writer);
  }

  /** Handles one reply frame of an open connection. Throws DecodeError on a protocol error. */
  handleFrame(payload: Buffer): ReplyEffect {
    const reader = new JuteReader(payload, { bufferBytesMax: this.packetBytesMax });
    const header = decodeReplyHeader(reader);
    if (header.xid === Xid.notification) {
      this.deliverNotification(reader);
      return 'none';
    }
    if (header.xid === Xid.ping) return 'none';
    if (header.xid === Xid.auth) return this.completeAuth(header.err);
    const entry = this.inFlight.peek();
    if (entry === undefined || entry.xid !== header.xid) {
      // ZooKeeper: ClientCnxn.readResponse — "Xid out of order" is a connection loss.
      const oldest = entry?.xid ?? 'none';
      throw new DecodeError(`reply xid ${header.xid} does not match oldest in flight ${oldest}`);
    }
    // Decode before dequeuing, so that a bad body leaves the entry to fail with ConnectionLoss.
    const body = header.err === ErrorCode.Ok ? decodeResponseBody(entry.sent, reader) : null;
    this.inFlight.shift();
    if (header.zxid > this.lastZxidSeen) this.lastZxidSeen = header.zxid;
    if (entry.sent.type === 'closeSession') return 'sessionClosed';
    if (entry.call !== null) this.finish(entry.call, header.err, body);
    return 'none';
  }

  /** Fails every sent and unanswered call and auth with `code` (their connection is gone). */
  failInFlight(code: number): void {
    for (const entry of this.inFlight.drain()) {
      if (entry.call !== null) {
        this.fail(entry.call.token, new ZooError(code, pathOfRequest(entry.call.request)));
      }
    }
    for (const waiter of this.authWaiters.drain()) {
      if (waiter !== null) this.fail(waiter, new ZooError(code));
    }
  }

  /** Fails the calls and auths held for a connection that has not opened yet. */
  failHeld(code: number): void {
    for (const call of this.held.drain()) {
      this.fail(call.token, new ZooError(code, pathOfRequest(call.request)));
    }
    for (const credential of this.credentials) {
      if (credential.waiter !== null) this.fail(credential.waiter, new ZooError(code));
      credential.waiter = null;
    }
  }

  /** Fails everything with `code` and forgets the credentials: the session has ended. */
  failAll(code: number): void {
    this.failInFlight(code);
    this.failHeld(code);
    this.credentials.length = 0;
  }

  /**
   * Sends closeSession as the session's own packet: its reply ends the session, whoever waits.
   * ZooKeeper: ClientCnxn.close — requests sent before it are answered first.
   */
  sendCloseSession(writer: JuteWriter): void {
    this.sendRaw({ xid: this.nextXid(), sent: { type: 'closeSession' }, call: null }, writer);
  }

  /** Fails one call that never reached the tracker's queues (e.g. the session has ended). */
  fail(token: T, error: ZooError): void {
    this.outputs.push({ type: 'complete', token, outcome: { ok: false, error } });
  }

  invariants(): void {
    let previous: number | null = null;
    for (const entry of this.inFlight) {
      assert(entry.xid > 0, () => `in-flight xid ${entry.xid} is not positive`);
      // xids only wrap after 2^31 requests; within a window they ascend.
      if (previous !== null && entry.xid < previous) {
        assert(previous - entry.xid > 0x40000000, () => `xids ${previous} then ${entry.xid}`);
      }
      previous = entry.xid;
    }
    assert(this.lastZxidSeen >= 0n, () => `lastZxidSeen ${this.lastZxidSeen} is negative`);
    this.watches.invariants();
  }

  /** ZooKeeper: ClientCnxn.getXid — positive, wrapping to 1, never a reserved negative xid. */
  private nextXid(): number {
    this.lastXid = this.lastXid >= 0x7fffffff ? 1 : this.lastXid + 1;
    return this.lastXid;
  }

  private send(call: SessionCall<T, L>, writer: JuteWriter): void {
    const sent = this.chroot.requestToServer(call.request);
    this.sendRaw({ xid: this.nextXid(), sent, call }, writer);
  }

  private sendRaw(entry: InFlight<T, L>, writer: JuteWriter): void {
    const before = writer.length;
    try {
      encodeRequest(writer, entry.xid, entry.sent);
    } catch (error) {
      writer.truncate(before);
      if (error instanceof AssertionError) throw error;
      const cause = { cause: error };
      this.failCall(entry, new ZooError(ErrorCode.BadArguments, this.pathOf(entry), cause));
      return;
    }
    if (writer.length - before - 4 > this.packetBytesMax) {
      // The server would close the connection on this frame and lose every other request.
      writer.truncate(before);
      this.failCall(entry, new ZooError(ErrorCode.MarshallingError, this.pathOf(entry)));
      return;
    }
    this.inFlight.push(entry);
  }

  private failCall(entry: InFlight<T, L>, error: ZooError): void {
    if (entry.call !== null) this.fail(entry.call.token, error);
  }

  private pathOf(entry: InFlight<T, L>): string | undefined {
    return entry.call === null ? undefined : pathOfRequest(entry.call.request);
  }

  private sendAuth(credential: Credential<T>, writer: JuteWriter): void {
    const request: AuthRequest = {
      type: 'auth',
      authType: 0,
      scheme: credential.scheme,
      auth: credential.auth,
    };
    encodeRequest(writer, Xid.auth, request);
    this.authWaiters.push(credential.waiter);
    credential.waiter = null;
  }

  /**
   * Auth replies bypass the in-flight FIFO (the server answers them out of band). AuthFailed
   * ends the session. ZooKeeper: ClientCnxn.readResponse, AUTHPACKET_XID.
   */
  private completeAuth(err: number): ReplyEffect {
    const waiter = this.authWaiters.shift() ?? null;
    if (err === ErrorCode.AuthFailed) {
      if (waiter !== null) this.fail(waiter, new ZooError(err));
      return 'authFailed';
    }
    if (waiter !== null) {
      const outcome =
        err === ErrorCode.Ok
          ? { ok: true as const, response: { type: 'empty' as const }, zxid: 0n }
          : { ok: false as const, error: new ZooError(err) };
      this.outputs.push({ type: 'complete', token: waiter, outcome });
    }
    return 'none';
  }

  private deliverNotification(reader: JuteReader): void {
    const event = decodeNotification(reader);
    if (!this.chroot.contains(event.path)) return;
    const type = toEventType(event.type);
    if (type === null) return;
    const path = this.chroot.toClient(event.path);
    const listeners = this.watches.trigger(type, path);
    if (listeners.length === 0) return;
    this.outputs.push({ type: 'watch', listeners, event: { type, state: event.state, path } });
  }

  /** Registers or removes watches as the reply allows, then completes the call. */
  private finish(call: SessionCall<T, L>, err: number, body: Response | null): void {
    this.updateWatches(call, err);
    if (err !== ErrorCode.Ok || body === null) {
      this.fail(call.token, replyError(err, pathOfRequest(call.request)));
      return;
    }
    const response = this.chroot.responseToClient(body);
    const outcome = { ok: true as const, response, zxid: this.lastZxidSeen };
    this.outputs.push({ type: 'complete', token: call.token, outcome });
  }

  /**
   * ZooKeeper: ZooKeeper.ExistsWatchRegistration and friends — exists arms a data watch on
   * success and an exist watch on NoNode; getData and getChildren arm only on success.
   */
  private updateWatches(call: SessionCall<T, L>, err: number): void {
    const { request, watcher } = call;
    // Only path requests arm or remove watches; calls are sent only with valid paths.
    const path = pathOfRequest(request);
    if (path === undefined) return;
    if (request.type === 'removeWatches' && err === ErrorCode.Ok) {
      this.removeLocally(path, request.watcherType, undefined);
      return;
    }
    if (watcher === undefined) return;
    if (request.type === 'exists') {
      if (err === ErrorCode.Ok) this.watches.add('data', path, watcher);
      if (err === ErrorCode.NoNode) this.watches.add('exist', path, watcher);
    } else if (err !== ErrorCode.Ok) {
      return;
    } else if (request.type === 'getData') {
      this.watches.add('data', path, watcher);
    } else if (request.type === 'getChildren') {
      this.watches.add('child', path, watcher);
    } else if (request.type === 'addWatch') {
      const isRecursive = request.mode === AddWatchMode.persistentRecursive;
      this.watches.add(isRecursive ? 'persistentRecursive' : 'persistent', path, watcher);
    } else if (request.type === 'checkWatches') {
      this.removeLocally(path, request.watcherType, watcher);
    }
  }

  /**
   * removeWatches (all listeners of a type) and checkWatches-with-a-listener (one listener) need
   * a matching local watch, else NoWatcher at once; `local` removes without asking the server.
   * Returns true when the call should still go to the server.
   */
  private acceptWatchRemoval(call: SessionCall<T, L>): boolean {
    const { request } = call;
    const isRemoval =
      request.type === 'removeWatches' ||
      (request.type === 'checkWatches' && call.watcher !== undefined);
    if (!isRemoval || request.path === null) return true;
    if (!this.watches.contains(request.path, request.watcherType, call.watcher)) {
      this.fail(call.token, new ZooError(ErrorCode.NoWatcher, request.path));
      return false;
    }
    if (call.local !== true) return true;
    this.removeLocally(request.path, request.watcherType, call.watcher);
    this.outputs.push({
      type: 'complete',
      token: call.token,
      outcome: { ok: true, response: { type: 'empty' }, zxid: this.lastZxidSeen },
    });
    return false;
  }

  private removeLocally(path: string, watcherType: number, listener: L | undefined): void {
    for (const removed of this.watches.remove(path, watcherType, listener)) {
      this.outputs.push({
        type: 'watch',
        listeners: [removed.listener],
        event: { type: removed.eventType, state: KeeperState.syncConnected, path: removed.path },
      });
    }
  }
}

const eventTypes = new Set<number>(Object.values(EventType));

function toEventType(type: number): EventTypeValue | null {
  return eventTypes.has(type) ? (type as EventTypeValue) : null;
}
