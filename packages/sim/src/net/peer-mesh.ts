// The ensemble's peer links in the simulated network: one TCP-like link per pair of servers,
// FIFO each way, every message through the real peer codec. A packet lost to a partition breaks
// the link (both ends see peerDisconnected) instead of vanishing; links redial with back-off
// while the pair cannot reach each other, as the ws mesh does.

import {
  PeerBroadcastEncoder,
  decodePeerMessage,
  encodePeerMessage,
  snapMessages,
} from '@zoo/server/internals';
import type { OutgoingMessage, PeerInput, PeerMessage, PeerSender } from '@zoo/server/internals';
import type { SeededRandom } from '@zoo/server/internals';
import type { World } from '../world/world.js';
import type { SimProcess } from '../node/sim-process.js';
import type { Connectivity } from './connectivity.js';
import type { PeerSendRewrite } from './planted-peer-bugs.js';

export interface PeerEndpoint {
  readonly process: SimProcess;
  submit(input: PeerInput): void;
}

/** Called as a message reaches a live server, before the server steps it. */
export type PeerDeliveryObserver = (from: number, to: number, message: PeerMessage) => void;

interface LinkState {
  isUp: boolean;
  /** Bumped at every break: messages of an older generation died with their connection. */
  generation: number;
  /** Each end's incarnation when the link came up. */
  incarnations: Map<number, number>;
  lastAtMs: Map<number, number>;
  /**
   * By sender: the generation in which a packet it sent was lost. Everything it sends after
   * that on the same connection is lost too, even once the cut heals: TCP never delivers a
   * later byte without the earlier ones, it breaks the connection first.
   */
  lostAtGeneration: Map<number, number>;
  backoffMs: number;
  isDialScheduled: boolean;
}

const reconnectDelayMinMs = 50;
const reconnectDelayMaxMs = 2000;
/** Above every server id (at most 9), so that a pair's number is unique. */
const linkKeyBase = 1024;

export class PeerMesh {
  private readonly endpoints = new Map<number, PeerEndpoint>();
  /** By the pair's number (`linkKey`): a lookup per message builds no string. */
  private readonly links = new Map<number, LinkState>();
  /** A broadcast is encoded once for all learners, as the ws mesh does. */
  private readonly encoder = new PeerBroadcastEncoder();
  observer: PeerDeliveryObserver | null = null;
  /** Delivers something else for some messages sent (a planted bug; null in honest runs). */
  rewriteSend: PeerSendRewrite | null = null;

  constructor(
    private readonly world: World,
    private readonly connectivity: Connectivity,
    private readonly random: SeededRandom,
  ) {}

  addServer(id: number, endpoint: PeerEndpoint): void {
    this.endpoints.set(id, endpoint);
  }

  sender(from: number): PeerSender {
    return { send: (to, message) => this.send(from, to, message) };
  }

  /** A server (re)started: dial every peer. */
  serverStarted(id: number): void {
    for (const other of this.endpoints.keys()) {
      if (other === id) continue;
      const link = this.link(id, other);
      link.backoffMs = reconnectDelayMinMs;
      this.scheduleDial(id, other, 0);
    }
  }

  /** A server crashed: every link it had is gone. */
  serverStopped(id: number): void {
    for (const other of this.endpoints.keys()) {
      if (other !== id) this.breakLink(id, other, 'peer crashed');
    }
  }

  /** Breaks every link of a server now (a reset fault), mid-message or not. */
  resetServer(id: number): void {
    for (const other of this.endpoints.keys()) {
      if (other !== id) this.breakLink(id, other, 'connection reset');
    }
  }

  private send(from: number, to: number, message: OutgoingMessage): void {
    const link = this.link(from, to);
    if (message.type === 'snapSend') {
      // A SNAP goes as its head and parts, read from the leader's walk at once (the ws links
      // pace it by the socket); on a link that is down nothing reads it.
      if (!link.isUp) message.snapshot.abandon();
      else for (const part of snapMessages(message.snapshot)) this.send(from, to, part);
      return;
    }
    if (!link.isUp) return;
    const planted = this.rewriteSend?.(from, to, message) ?? null;
    if (planted !== null) {
      // At once, through the codec, ahead of whatever the link still carries that way.
      const plantedLink = this.link(planted.from, planted.to);
      const bytes = encodePeerMessage(planted.message);
      this.deliver(plantedLink, planted.from, planted.to, bytes, this.world.nowMs);
      return;
    }
    if (link.lostAtGeneration.get(from) === link.generation) return; // its break is on the way
    if (this.connectivity.blocks(from, to)) {
      // The packet is lost: TCP gives up on the connection rather than skipping a message.
      const generation = link.generation;
      link.lostAtGeneration.set(from, generation);
      this.world.after(this.latency(from, to), () => {
        if (link.generation === generation) this.breakLink(from, to, 'packet lost');
      });
      return;
    }
    const bytes = this.encoder.encode(message);
    const atMs = Math.max(this.world.nowMs + this.latency(from, to), link.lastAtMs.get(to) ?? 0);
    link.lastAtMs.set(to, atMs);
    this.deliver(link, from, to, bytes, atMs);
  }

  /** `bytes` reach `to` at `atMs`, unless the link breaks or `to` restarts meanwhile. */
  private deliver(link: LinkState, from: number, to: number, bytes: Buffer, atMs: number): void {
    const generation = link.generation;
    const target = this.endpoints.get(to);
    const incarnation = link.incarnations.get(to) ?? -1;
    if (target === undefined) return;
    this.world.at(atMs, () =>
      target.process.run(incarnation, () => {
        if (link.generation !== generation) return;
        const decoded = decodePeerMessage(bytes);
        this.observer?.(from, to, decoded);
        target.submit({ type: 'peerMessage', from, message: decoded });
      }),
    );
  }

  private breakLink(a: number, b: number, reason: string): void {
    const link = this.link(a, b);
    if (!link.isUp) return;
    link.isUp = false;
    link.generation += 1;
    link.lastAtMs.clear();
    this.world.record(`link ${Math.min(a, b)}-${Math.max(a, b)} down (${reason})`);
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const endpoint = this.endpoints.get(self);
      const incarnation = link.incarnations.get(self) ?? -1;
      endpoint?.process.run(incarnation, () =>
        endpoint.submit({ type: 'peerDisconnected', peerId: other }),
      );
    }
    link.backoffMs = reconnectDelayMinMs;
    this.scheduleDial(a, b, link.backoffMs);
  }

  private scheduleDial(a: number, b: number, delayMs: number): void {
    const link = this.link(a, b);
    if (link.isDialScheduled || link.isUp) return;
    link.isDialScheduled = true;
    const jitter = this.random.nextFloat() * delayMs * 0.5;
    this.world.after(delayMs + jitter, () => {
      link.isDialScheduled = false;
      this.dial(a, b);
    });
  }

  private dial(a: number, b: number): void {
    const link = this.link(a, b);
    if (link.isUp) return;
    const endA = this.endpoints.get(a);
    const endB = this.endpoints.get(b);
    if (endA === undefined || endB === undefined || !endA.process.isUp || !endB.process.isUp) {
      return; // The one that restarts dials again.
    }
    if (this.connectivity.blocks(a, b) || this.connectivity.blocks(b, a)) {
      link.backoffMs = Math.min(reconnectDelayMaxMs, link.backoffMs * 2);
      this.scheduleDial(a, b, link.backoffMs);
      return;
    }
    // The handshake (connect + hello both ways) takes a round trip.
    const handshakeMs = this.latency(a, b) + this.latency(b, a);
    const incarnations = new Map([
      [a, endA.process.incarnation],
      [b, endB.process.incarnation],
    ]);
    this.world.after(handshakeMs, () => {
      const stillThere = [...incarnations].every(([id, incarnation]) => {
        const process = this.endpoints.get(id)?.process;
        return process !== undefined && process.isUp && process.incarnation === incarnation;
      });
      if (link.isUp || !stillThere) return;
      link.isUp = true;
      link.generation += 1;
      link.incarnations = incarnations;
      this.world.record(`link ${Math.min(a, b)}-${Math.max(a, b)} up`);
      for (const [self, other, endpoint] of [
        [a, b, endA],
        [b, a, endB],
      ] as const) {
        endpoint.process.run(incarnations.get(self) ?? -1, () =>
          endpoint.submit({ type: 'peerConnected', peerId: other }),
        );
      }
    });
  }

  private link(a: number, b: number): LinkState {
    const key = a < b ? a * linkKeyBase + b : b * linkKeyBase + a;
    let link = this.links.get(key);
    if (link === undefined) {
      link = {
        isUp: false,
        generation: 0,
        incarnations: new Map(),
        lastAtMs: new Map(),
        lostAtGeneration: new Map(),
        backoffMs: reconnectDelayMinMs,
        isDialScheduled: false,
      };
      this.links.set(key, link);
    }
    return link;
  }

  private latency(from: number, to: number): number {
    return this.connectivity.latencyMs(serverName(from), serverName(to), this.random);
  }
}

/** `s<id>`, built once per id: a latency is drawn for every message sent (two names each). */
const serverNames: string[] = [];
function serverName(id: number): string {
  return (serverNames[id] ??= `s${id}`);
}
