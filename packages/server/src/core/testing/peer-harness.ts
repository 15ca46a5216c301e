// A hand-driven Peer for tests: steps inputs, ticks a fake clock, carries out each Ready the way
// the loop does (an in-memory log that is durable at once) and collects the client messages.

import { assert } from '@zoo/client/protocol';
import type {
  ConnectRequest,
  ConnectResponse,
  Reply,
  Request,
  WatcherEvent,
} from '@zoo/client/protocol';
import { Peer } from '../peer/peer.js';
import type { PeerOptionsInput } from '../peer/peer-options.js';
import { carryOutReady } from '../peer/ready.js';
import type { PersistOp } from '../replication/replication.js';
import { drainSnapshot, streamOfSnapshot, type SnapshotStream } from '../tree/tree-snapshot.js';
import type { ReplicationFactory } from '../peer/peer.js';
import type { ClientMessage, ConnectionMessage, ReadyTarget } from '../peer/ready.js';
import { watchersOf } from '../watches/watch-registry.js';

/** Digest auth without crypto: good enough to tell identities apart in tests. */
export const fakeDigest = (text: string): string => `${text.split(':')[0] ?? ''}:hash(${text})`;

export class PeerHarness {
  readonly peer: Peer;
  nowMs: number;
  /** What each connection was sent, a fired watch set fanned out at once as the runtime does. */
  readonly messages: ConnectionMessage[] = [];
  /** Every durable write the peer asked for, in order. */
  readonly persistOps: PersistOp[] = [];
  private nextConnectionId = 1;

  constructor(options: Partial<PeerOptionsInput> = {}, createReplication?: ReplicationFactory) {
    this.nowMs = options.startMs ?? 1_000_000;
    const input = { digestOf: fakeDigest, startMs: this.nowMs, ...options };
    this.peer = new Peer(input, createReplication);
    this.peer.start();
    this.settle();
  }

  private collect(message: ClientMessage): void {
    forEachConnectionMessage(this.peer, message, (one) => this.messages.push(one));
  }

  /** Carries out Readys until none is left, as PeerLoop.drain does, with a disk that is instant. */
  settle(): void {
    const peer = this.peer;
    const target: ReadyTarget = {
      send: () => undefined,
      persist: (ops, done) => {
        // A checkpoint's snapshot is read at once, as a log would read it (and may then be
        // looked at whole); an unread one would hold the tree's next checkpoint back.
        for (const op of ops) {
          this.persistOps.push(
            op.type === 'checkpoint' ? { ...op, snapshot: drained(op.snapshot) } : op,
          );
        }
        const txns = ops.flatMap((op) => (op.type === 'txns' ? op.txns : []));
        done(txns.at(-1)?.zxid ?? null);
      },
      persisted: (upTo) => peer.step({ type: 'persisted', upTo }),
      deliver: (message) => this.collect(message),
    };
    while (peer.hasReady()) {
      carryOutReady(peer.ready(), target);
      peer.invariants();
    }
  }

  advance(ms: number): void {
    this.nowMs += ms;
    this.peer.tick(this.nowMs);
    this.settle();
  }

  open(remoteAddress = '127.0.0.1'): number {
    const connectionId = this.nextConnectionId;
    this.nextConnectionId += 1;
    this.peer.step({
      type: 'connectionOpened',
      connectionId,
      remoteAddress,
      remotePort: 40_000 + connectionId,
    });
    return connectionId;
  }

  connect(connectionId: number, request: Partial<ConnectRequest> = {}): ConnectResponse | null {
    const before = this.messages.length;
    this.peer.step({ type: 'connect', connectionId, request: connectRequest(request) });
    this.settle();
    const response = this.messages
      .slice(before)
      .find((m) => m.kind === 'connectResponse' && m.connectionId === connectionId);
    return response?.kind === 'connectResponse' ? response.response : null;
  }

  /** Opens a connection with a new session; returns the connection id and session. */
  session(timeoutMs = 10_000): { connectionId: number; sessionId: bigint; passwd: Buffer } {
    const connectionId = this.open();
    const response = this.connect(connectionId, { timeoutMs });
    assert(response !== null && response.timeoutMs > 0, 'session created');
    return { connectionId, sessionId: response.sessionId, passwd: response.passwd };
  }

  send(connectionId: number, xid: number, request: Request): void {
    this.peer.step({ type: 'request', connectionId, xid, opCode: 0, request });
  }

  /** Sends one request, settles, and returns the reply to it. */
  call(connectionId: number, xid: number, request: Request): Reply {
    const before = this.messages.length;
    this.send(connectionId, xid, request);
    this.settle();
    const found = this.messages
      .slice(before)
      .find(
        (m) =>
          m.kind === 'reply' &&
          m.connectionId === connectionId &&
          (m.reply.header.xid === xid || request.type === 'ping'),
      );
    assert(found?.kind === 'reply', `no reply to xid ${xid}`);
    return found.reply;
  }

  /** What connection `connectionId` has received, in order, as short strings. */
  transcript(connectionId: number): string[] {
    return this.messages.filter((m) => m.connectionId === connectionId).map(describeMessage);
  }

  notifications(connectionId: number): WatcherEvent[] {
    return this.messages.flatMap((m) =>
      m.kind === 'notification' && m.connectionId === connectionId ? [m.notification.event] : [],
    );
  }
}

/** A fired watch set becomes one notification per watching connection, as the runtime does. */
export function forEachConnectionMessage(
  peer: Peer,
  message: ClientMessage,
  take: (message: ConnectionMessage) => void,
): void {
  if (message.kind !== 'notifications') {
    take(message);
    return;
  }
  const { notification } = message;
  for (const connectionId of watchersOf(message)) {
    peer.packetSent(connectionId);
    take({ kind: 'notification', connectionId, notification });
  }
}

export function describeMessage(message: ConnectionMessage): string {
  switch (message.kind) {
    case 'connectResponse':
      return `connected timeout=${message.response.timeoutMs}`;
    case 'reply':
      return `reply xid=${message.reply.header.xid} err=${message.reply.header.err}`;
    case 'notification':
      return `event type=${message.notification.event.type} ${message.notification.event.path}`;
    case 'close':
      return 'close';
  }
}

/** A new session's ConnectRequest (10 s, nothing seen), with `fields` changed. */
export function connectRequest(fields: Partial<ConnectRequest> = {}): ConnectRequest {
  return {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeoutMs: 10_000,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
    ...fields,
  };
}

/** A stream read to its end, as a stream again (over the list it gave). */
function drained(stream: SnapshotStream): SnapshotStream {
  return streamOfSnapshot(drainSnapshot(stream));
}
