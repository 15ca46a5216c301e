// Who dials whom, and when, for ws-peer-network.ts. Every link is dialled by the higher id and
// redialled with jittered exponential back-off. A lower id with no link knocks instead (on start,
// heal or a new address book): its peer refuses the knock and calls back at once, so a restarted
// member never waits out its peers' back-off. (ZooKeeper's QuorumCnxManager does the same: the
// smaller sid connects, the larger drops that connection and connects back.)

import type { Logger } from '../runtime/env.js';
import type { PeerLink } from './peer-link.js';
import type { PeerAddresses } from './peer-network.js';

/** What the dialling needs from the network that owns the links. */
export interface DialingHost {
  readonly serverId: number;
  readonly log: Logger;
  currentPeers(): PeerAddresses;
  isReachable(id: number): boolean;
  isLinked(id: number): boolean;
  /** Opens a connection to the peer's configured address (null: it has none). */
  connect(id: number): PeerLink | null;
}

export interface DialingTuning {
  reconnectDelayMinMs: number;
  reconnectDelayMaxMs: number;
}

/** Failed dials are logged at debug level; this many in a row earn one warning. */
const dialFailuresBeforeWarning = 10;

interface Dialer {
  attempt: number;
  timer: ReturnType<typeof setTimeout> | null;
  link: PeerLink | null;
}

export class PeerDialing {
  /** One per reachable lower-id peer, while we are its dialler. */
  private readonly dialers = new Map<number, Dialer>();
  /** Knocks in flight to higher-id peers, one per peer, until the peer refuses and calls back. */
  private readonly knocks = new Map<number, PeerLink>();

  constructor(
    private readonly host: DialingHost,
    private readonly tuning: DialingTuning,
  ) {}

  /** Dials every lower-id peer not yet dialled, knocks on every higher-id one without a link. */
  reconcile(): void {
    const peers = this.host.currentPeers();
    for (const id of [...this.dialers.keys()]) {
      if (!peers.has(id)) this.stop(id);
    }
    const ids = [...peers.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (!this.host.isReachable(id)) continue;
      if (id < this.host.serverId && !this.dialers.has(id)) {
        this.dialers.set(id, { attempt: 0, timer: null, link: null });
        this.dial(id);
      } else if (id > this.host.serverId && !this.host.isLinked(id) && !this.knocks.has(id)) {
        const knock = this.host.connect(id);
        if (knock !== null) this.knocks.set(id, knock);
      }
    }
  }

  /**
   * A lower-id peer knocked: it has (re)started and has no link to us. Dial it now instead of
   * when the back-off says. With a link already up the knock crossed our own dial: keep it.
   */
  callBack(id: number): void {
    const dialer = this.dialers.get(id);
    if (this.host.isLinked(id) || dialer === undefined) return;
    dialer.attempt = 0;
    if (dialer.link !== null) return;
    if (dialer.timer !== null) clearTimeout(dialer.timer);
    this.host.log.debug(`server ${this.host.serverId}: server ${id} knocked; calling back`);
    this.dial(id);
  }

  linkUp(id: number): void {
    const dialer = this.dialers.get(id);
    if (dialer !== undefined) dialer.attempt = 0;
  }

  /** A connection of ours is gone: a knock is over; a failed or lost dial is retried later. */
  linkDown(link: PeerLink, reason: string): void {
    const id = link.peerId;
    if (id === null) return;
    if (this.knocks.get(id) === link) this.knocks.delete(id);
    const dialer = this.dialers.get(id);
    if (dialer === undefined || dialer.link !== link) return;
    dialer.link = null;
    if (dialer.attempt === dialFailuresBeforeWarning) {
      const { log, serverId } = this.host;
      log.warn(`server ${serverId}: still cannot reach server ${id}: ${reason}`);
    }
    this.redialLater(id, dialer);
  }

  /** Stops dialling `id`: its timer, and the connection being dialled. */
  stop(id: number): void {
    const dialer = this.dialers.get(id);
    if (dialer === undefined) return;
    if (dialer.timer !== null) clearTimeout(dialer.timer);
    this.dialers.delete(id);
    dialer.link?.close('stopped dialling');
  }

  /** Stops all dialling; the network closes the knocks with the rest of its sockets. */
  stopAll(): void {
    for (const id of [...this.dialers.keys()]) this.stop(id);
    this.knocks.clear();
  }

  private dial(id: number): void {
    const dialer = this.dialers.get(id);
    if (dialer === undefined) return;
    dialer.timer = null;
    const link = this.host.isReachable(id) ? this.host.connect(id) : null;
    if (link === null) this.dialers.delete(id);
    else dialer.link = link;
  }

  /** Exponential back-off from reconnectDelayMinMs to reconnectDelayMaxMs, jittered ±50%. */
  private redialLater(id: number, dialer: Dialer): void {
    if (!this.host.isReachable(id) || !this.host.currentPeers().has(id)) {
      this.dialers.delete(id);
      return;
    }
    const { reconnectDelayMinMs: min, reconnectDelayMaxMs: max } = this.tuning;
    const base = Math.min(max, min * 2 ** Math.min(dialer.attempt, 30));
    const delayMs = Math.round(base * (0.5 + Math.random()));
    dialer.attempt++;
    dialer.timer = setTimeout(() => this.dial(id), Math.min(max, delayMs));
    dialer.timer.unref();
  }
}
