// The ensemble's peer mesh over ws: one link per pair of servers, dialled by the higher id (as
// ZooKeeper's QuorumCnxManager keeps the connection initiated by the larger sid); who dials when,
// and the lower id's knock that gets it called back, is peer-dialing.ts. Messages to a peer whose
// link is down are dropped: ZAB learns of it from onPeerDisconnected and resyncs. cut/heal/isolate
// simulate partitions in tests.

import { WebSocket, WebSocketServer } from 'ws';
import type { OutgoingMessage, PeerMessage } from '../core/zab/messages.js';
import type { Logger } from '../runtime/env.js';
import type { PeerHello } from './peer-codec.js';
import { PeerBroadcastEncoder } from './peer-broadcast-encoder.js';
import { PeerSendQueue } from './snap-stream.js';
import { PeerDialing } from './peer-dialing.js';
import type { PeerAddresses, PeerNetwork, PeerNetworkEvents } from './peer-network.js';
import {
  PeerLink,
  closeCodes,
  type PeerLinkLimits,
  type PeerLinkRole,
  type Refusal,
} from './peer-link.js';

export type { PeerAddress, PeerAddresses, PeerNetwork, PeerNetworkEvents } from './peer-network.js';

/** The URL path peers dial; anything else reaching the peer port is turned away. */
const peerPath = '/zoo-peer';

export interface WsPeerNetworkOptions {
  serverId: number;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Known now, or later through setPeers; a function is read at each dial and each hello. */
  peers?: PeerAddresses | (() => PeerAddresses);
  log: Logger;
  events: PeerNetworkEvents;
  tuning?: Partial<PeerNetworkTuning>;
}

export interface PeerNetworkTuning extends PeerLinkLimits {
  reconnectDelayMinMs: number;
  reconnectDelayMaxMs: number;
  /** Largest frame accepted (ws maxPayload): a batch, or one SNAP part (snap-stream.ts). */
  frameBytesMax: number;
  /** Every interval each up link is pinged; one silent for linkSilenceMaxMs is closed. */
  heartbeatIntervalMs: number;
  linkSilenceMaxMs: number;
}

export const peerNetworkTuningDefault: PeerNetworkTuning = {
  reconnectDelayMinMs: 50,
  reconnectDelayMaxMs: 2000,
  frameBytesMax: 64 * 1024 * 1024,
  heartbeatIntervalMs: 1000,
  linkSilenceMaxMs: 10_000,
  batchBytesMax: 1024 * 1024,
  batchMessagesMax: 1024,
  sendBufferBytesMax: 1024 * 1024 * 1024,
  helloTimeoutMs: 5000,
};

/**
 * A ws client masks every frame it sends (RFC 6455 §5.3) so that a browser's traffic cannot
 * poison the caches of proxies on its way. Peer links run between servers: an all-zero mask,
 * which ws skips on both ends, saves an XOR and a copy of every frame the dialling side sends.
 */
function zeroMask(mask: Buffer): void {
  mask.fill(0);
}

export async function startWsPeerNetwork(options: WsPeerNetworkOptions): Promise<PeerNetwork> {
  const tuning = { ...peerNetworkTuningDefault, ...options.tuning };
  const server = new WebSocketServer({
    host: options.host,
    port: options.port,
    maxPayload: tuning.frameBytesMax,
    perMessageDeflate: false,
    clientTracking: false,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error(`peer listener has no TCP address: ${String(address)}`);
  }
  const network = new WsPeerNetwork({ options, tuning, server, port: address.port });
  network.start();
  return network;
}

class WsPeerNetwork implements PeerNetwork {
  /** A broadcast is encoded once for all learners. */
  private readonly encoder = new PeerBroadcastEncoder();
  /** Each link's outgoing messages, paced while a SNAP streams (snap-stream.ts). */
  private readonly sendQueues = new WeakMap<PeerLink, PeerSendQueue>();
  readonly serverId: number;
  readonly port: number;
  /** Up links by peer id: at most one per peer. */
  private readonly links = new Map<number, PeerLink>();
  /** Every socket we hold, up or still saying hello, to close them all. */
  private readonly sockets = new Set<PeerLink>();
  private readonly dialing: PeerDialing;
  private readonly cutIds = new Set<number>();
  private isIsolated = false;
  private isClosed = false;
  private peers: PeerAddresses | (() => PeerAddresses);
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  readonly log: Logger;

  private readonly options: WsPeerNetworkOptions;
  private readonly tuning: PeerNetworkTuning;
  private readonly server: WebSocketServer;

  constructor(init: {
    options: WsPeerNetworkOptions;
    tuning: PeerNetworkTuning;
    server: WebSocketServer;
    port: number;
  }) {
    this.options = init.options;
    this.tuning = init.tuning;
    this.server = init.server;
    this.serverId = init.options.serverId;
    this.port = init.port;
    this.peers = init.options.peers ?? new Map();
    this.log = init.options.log;
    this.dialing = new PeerDialing(this, this.tuning);
  }

  start(): void {
    this.server.on('connection', (socket, request) => this.accept(socket, request.url));
    this.server.on('error', (error) => this.log.error(`peer listener: ${error.message}`));
    this.heartbeat = setInterval(() => this.checkLiveness(), this.tuning.heartbeatIntervalMs);
    this.heartbeat.unref();
    this.log.info(`server ${this.serverId}: peer listener on ${this.options.host}:${this.port}`);
    this.reconcile();
  }

  send(to: number, message: OutgoingMessage): void {
    const link = this.links.get(to);
    if (link === undefined || this.isClosed) {
      // Nothing will read this SNAP: the tree must stop keeping copies for it.
      if (message.type === 'snapSend') message.snapshot.abandon();
      return;
    }
    let queue = this.sendQueues.get(link);
    if (queue === undefined) {
      queue = new PeerSendQueue(link, this.tuning.sendBufferBytesMax);
      this.sendQueues.set(link, queue);
    }
    // Never one message of the whole tree: bounded parts, read as the socket drains.
    if (message.type === 'snapSend') return queue.sendSnap(message.snapshot);
    queue.sendBytes(this.encoder.encode(message));
  }

  setPeers(peers: PeerAddresses): void {
    this.peers = peers;
    this.reconcile();
  }

  connectedPeers(): number[] {
    return [...this.links.keys()].sort((a, b) => a - b);
  }

  cut(id: number): void {
    this.cutIds.add(id);
    this.log.info(`server ${this.serverId}: link to ${id} cut`);
    this.dialing.stop(id);
    this.closeLinksTo(id, 'link cut');
  }

  heal(id: number): void {
    if (!this.cutIds.delete(id)) return;
    this.log.info(`server ${this.serverId}: link to ${id} healed`);
    this.reconcile();
  }

  isolate(): void {
    this.isIsolated = true;
    this.log.info(`server ${this.serverId}: isolated from every peer`);
    this.dialing.stopAll();
    for (const link of [...this.sockets]) link.close('server isolated');
  }

  healAll(): void {
    this.isIsolated = false;
    this.cutIds.clear();
    this.log.info(`server ${this.serverId}: every link healed`);
    this.reconcile();
  }

  dropLink(id: number): void {
    this.closeLinksTo(id, 'link dropped (test)');
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.dialing.stopAll();
    for (const link of [...this.sockets]) link.close('server closing');
    this.links.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.log.info(`server ${this.serverId}: peer network closed`);
  }

  currentPeers(): PeerAddresses {
    return typeof this.peers === 'function' ? this.peers() : this.peers;
  }

  isReachable(id: number): boolean {
    return !this.isClosed && !this.isIsolated && !this.cutIds.has(id);
  }

  isLinked(id: number): boolean {
    return this.links.has(id);
  }

  /** A ws connection to the peer's configured address, as its dialler (null: it has none). */
  connect(id: number): PeerLink | null {
    const address = this.currentPeers().get(id);
    if (address === undefined) return null;
    const host = address.host.includes(':') ? `[${address.host}]` : address.host;
    const socket = new WebSocket(`ws://${host}:${address.port}${peerPath}`, {
      maxPayload: this.tuning.frameBytesMax,
      perMessageDeflate: false,
      handshakeTimeout: this.tuning.helloTimeoutMs,
      generateMask: zeroMask,
    });
    return this.track(socket, { kind: 'dialer', peerId: id });
  }

  /** Drops peers no longer configured, then dials or knocks on the rest. */
  private reconcile(): void {
    const peers = this.currentPeers();
    for (const id of [...this.links.keys()]) {
      if (!peers.has(id)) this.closeLinksTo(id, 'no longer a configured peer');
    }
    this.dialing.reconcile();
  }

  private accept(socket: WebSocket, url: string | undefined): void {
    if (this.isClosed) {
      socket.terminate();
      return;
    }
    if (url !== peerPath) {
      this.log.warn(`server ${this.serverId}: refused a connection to ${url} on the peer port`);
      socket.close(closeCodes.refused, 'not a peer endpoint');
      return;
    }
    this.track(socket, { kind: 'acceptor', accept: (hello) => this.refusalOf(hello) });
  }

  private track(socket: WebSocket, role: PeerLinkRole): PeerLink {
    const link = new PeerLink({
      socket,
      serverId: this.serverId,
      role,
      limits: this.tuning,
      nowMs: () => Date.now(),
      handlers: {
        onUp: (up) => this.linkUp(up),
        onMessages: (from, messages) => this.deliver(from, messages),
        onDown: (down, reason) => this.linkDown(down, reason),
      },
    });
    this.sockets.add(link);
    return link;
  }

  /**
   * The dialler must be configured and not cut off from us. A higher id gets its link; a lower id
   * is knocking, and is refused and called back, so every link stays dialled by the higher id.
   */
  private refusalOf(hello: PeerHello): Refusal {
    const id = hello.serverId;
    if (id === this.serverId || !this.currentPeers().has(id)) {
      return { code: closeCodes.refused, reason: `server ${id} is not a configured peer` };
    }
    if (!this.isReachable(id)) return { code: closeCodes.cut, reason: 'link cut' };
    if (id < this.serverId) {
      this.dialing.callBack(id);
      return { code: closeCodes.callBack, reason: `server ${this.serverId} calls back` };
    }
    return null;
  }

  private linkUp(link: PeerLink): void {
    const id = link.peerId;
    if (id === null || this.isClosed) return;
    const previous = this.links.get(id);
    if (previous !== undefined) {
      // The peer redialled before we saw its old connection die: the new one wins, and the
      // core hears of a disconnect first, since messages on the old one may be lost.
      this.links.delete(id);
      previous.close('replaced by a new connection');
      this.log.info(`server ${this.serverId}: link to ${id} down: replaced by a new connection`);
      this.options.events.onPeerDisconnected(id);
    }
    this.dialing.linkUp(id);
    this.links.set(id, link);
    this.log.info(`server ${this.serverId}: link to ${id} up`);
    this.options.events.onPeerConnected(id);
  }

  private deliver(link: PeerLink, messages: PeerMessage[]): void {
    const id = link.peerId;
    if (id === null) return;
    for (const message of messages) {
      // A link closed while delivering (the core cut it) delivers nothing more.
      if (this.links.get(id) !== link || !link.isUp) return;
      this.options.events.onMessage(id, message);
    }
  }

  private linkDown(link: PeerLink, reason: string): void {
    this.sendQueues.get(link)?.abandon();
    this.sockets.delete(link);
    this.dialing.linkDown(link, reason);
    const id = link.peerId;
    if (id === null) {
      this.log.debug(`server ${this.serverId}: unnamed peer connection gone: ${reason}`);
      return;
    }
    if (this.links.get(id) === link) {
      this.links.delete(id);
      if (!this.isClosed) {
        this.log.info(`server ${this.serverId}: link to ${id} down: ${reason}`);
        this.options.events.onPeerDisconnected(id);
      }
    } else if (!this.isClosed) {
      this.log.debug(`server ${this.serverId}: connection with ${id} gone: ${reason}`);
    }
  }

  private closeLinksTo(id: number, reason: string): void {
    for (const link of [...this.sockets]) {
      if (link.peerId === id) link.close(reason);
    }
  }

  private checkLiveness(): void {
    const now = Date.now();
    for (const link of this.links.values()) {
      const silentMs = now - link.lastHeardMs;
      if (silentMs > this.tuning.linkSilenceMaxMs) link.close(`peer silent for ${silentMs} ms`);
      else link.ping();
    }
  }
}
