// What a peer has to say to its client connections until the next Ready takes it: replies,
// notifications, connect responses and closes, in the order they must arrive, counted as
// ZooKeeper counts them (packets sent, and each reply's latency per connection and server-wide).

import type { Response } from '@zoo/client/protocol';
import type { ConnectionState } from '../requests/connection-state.js';
import type { ClientMessage } from './ready.js';
import type { PeerStats } from './peer-stats.js';

/** What a reply is for: the request's xid and op code, and when it arrived (its latency). */
export interface AnsweredEntry {
  readonly xid: number;
  readonly opCode: number;
  readonly receivedMs: number;
}

export class ClientOutput {
  /** Collected since the last Ready; handed over whole. */
  private messages: ClientMessage[] = [];

  constructor(
    private readonly connections: ReadonlyMap<number, ConnectionState>,
    private readonly stats: PeerStats,
  ) {}

  get isEmpty(): boolean {
    return this.messages.length === 0;
  }

  /** The messages so far, in order: read by a Ready, which then calls handedOver. */
  get pending(): ClientMessage[] {
    return this.messages;
  }

  /**
   * A Ready took `pending` (even empty: it is read while later steps emit more): start a new
   * list. An idle Ready takes none, and the (empty) list goes on collecting.
   */
  handedOver(): void {
    this.messages = [];
  }

  emit(message: ClientMessage): void {
    // The runtime counts a fired watch set per connection as it fans it out (packetSent).
    const isCounted = message.kind !== 'close' && message.kind !== 'notifications';
    if (isCounted) this.packetSent(message.connectionId);
    this.messages.push(message);
  }

  /** ZooKeeper counts a packet on its send path. */
  packetSent(connectionId: number): void {
    const connection = this.connections.get(connectionId);
    if (connection !== undefined) connection.stats.packetsSent += 1;
    this.stats.packetsSent += 1;
  }

  /**
   * The reply to `entry` on `connection`, at `nowMs`. Its parts come as arguments (no outcome
   * object per reply) and the connection is counted as it is (no lookup by id): every request
   * goes through here.
   */
  reply(
    connection: ConnectionState,
    entry: AnsweredEntry,
    err: number,
    body: Response | null,
    zxid: bigint,
    nowMs: number,
  ): void {
    const latencyMs = Math.max(0, nowMs - entry.receivedMs);
    const stats = connection.stats;
    stats.lastCxid = entry.xid;
    stats.lastZxid = zxid;
    stats.lastResponseMs = nowMs;
    stats.lastLatencyMs = latencyMs;
    stats.minLatencyMs = Math.min(stats.minLatencyMs, latencyMs);
    stats.maxLatencyMs = Math.max(stats.maxLatencyMs, latencyMs);
    stats.totalLatencyMs += latencyMs;
    stats.latencyCount += 1;
    stats.packetsSent += 1;
    this.stats.recordLatency(latencyMs, entry.opCode);
    this.stats.packetsSent += 1;
    const reply = { header: { xid: entry.xid, zxid, err }, body };
    this.messages.push({ kind: 'reply', connectionId: connection.id, reply });
  }
}
