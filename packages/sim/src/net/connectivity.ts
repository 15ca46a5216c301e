// Who can reach whom, and how slowly: the partition state the nemesis edits. Servers are cut
// from servers (directed pairs) and clients from servers (both ways); every link of a slowed
// endpoint carries its extra latency, client links included.

import type { SeededRandom } from '@zoo/server/internals';

export class Connectivity {
  /** Directed server pairs `from>to` whose packets are lost. */
  private readonly blocked = new Set<string>();
  private readonly extraLatencyMs = new Map<string, number>();
  /** `c3|s1`: client 3 and server 1 cannot reach each other. */
  private readonly clientCuts = new Set<string>();
  /** Extra latency of peer messages into a server (`s3`): a member that lags behind. */
  private readonly peerLagMs = new Map<string, number>();

  constructor(private readonly serverIds: readonly number[]) {}

  // The checks below run for every packet: while nothing is cut or slowed (most of a run) they
  // answer without building a key string.
  blocks(from: number, to: number): boolean {
    return this.blocked.size > 0 && this.blocked.has(`${from}>${to}`);
  }

  /** Whether a client (`c3`) and a server (`s1`) are cut from each other. */
  cutsClient(client: string, server: string): boolean {
    return this.clientCuts.size > 0 && this.clientCuts.has(`${client}|${server}`);
  }

  isPartitioned(server: number): boolean {
    return this.serverIds.some((other) => this.blocks(server, other) || this.blocks(other, server));
  }

  describe(): string {
    const cuts = [...this.blocked, ...this.clientCuts].sort();
    return cuts.length === 0 ? 'connected' : cuts.join(' ');
  }

  cutClients(clients: readonly number[], servers: readonly number[]): void {
    for (const client of clients) {
      for (const server of servers) this.clientCuts.add(`c${client}|s${server}`);
    }
  }

  /** Halves that meet only at the middle server, which both sides still reach. */
  bridge(): void {
    const ids = this.serverIds;
    const middle = Math.floor(ids.length / 2);
    const left = ids.slice(0, middle);
    const right = ids.slice(middle + 1);
    for (const a of left) {
      for (const b of right) {
        this.blocked.add(`${a}>${b}`);
        this.blocked.add(`${b}>${a}`);
      }
    }
  }

  /** Servers in different groups cannot talk; a server in no group is alone. */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Map<number, number>();
    groups.forEach((group, index) => group.forEach((id) => groupOf.set(id, index)));
    for (const a of this.serverIds) {
      for (const b of this.serverIds) {
        if (a === b) continue;
        const groupA = groupOf.get(a) ?? -a;
        const groupB = groupOf.get(b) ?? -b;
        if (groupA !== groupB) this.blocked.add(`${a}>${b}`);
      }
    }
  }

  isolate(server: number): void {
    this.partition([[server], this.serverIds.filter((id) => id !== server)]);
  }

  oneWay(from: number, to: number): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Each server reaches only its two neighbours on a ring: no majority group of friends. */
  ring(): void {
    const ids = this.serverIds;
    for (let i = 0; i < ids.length; i += 1) {
      for (let j = 0; j < ids.length; j += 1) {
        const distance = Math.min(Math.abs(i - j), ids.length - Math.abs(i - j));
        if (distance > 1) this.blocked.add(`${ids[i]}>${ids[j]}`);
      }
    }
  }

  heal(): void {
    this.blocked.clear();
    this.clientCuts.clear();
  }

  slow(endpoint: string, extraMs: number): void {
    if (extraMs <= 0) this.extraLatencyMs.delete(endpoint);
    else this.extraLatencyMs.set(endpoint, extraMs);
  }

  clearSlow(): void {
    this.extraLatencyMs.clear();
    this.peerLagMs.clear();
  }

  /** Peer messages to `server` (`s3`) take `extraMs` longer (0: no longer); clients' do not. */
  lagPeersTo(server: string, extraMs: number): void {
    if (extraMs <= 0) this.peerLagMs.delete(server);
    else this.peerLagMs.set(server, extraMs);
  }

  /**
   * One packet's one-way latency between two endpoints (`s1`, `c3`): mostly a fraction of a
   * millisecond, sometimes a few, rarely tens (a long tail, as on a busy LAN), plus slowness.
   */
  latencyMs(from: string, to: string, random: SeededRandom): number {
    const roll = random.nextFloat();
    let base: number;
    if (roll < 0.9) base = 0.1 + random.nextFloat() * 0.9;
    else if (roll < 0.99) base = 1 + random.nextFloat() * 9;
    else base = 10 + random.nextFloat() * 90;
    const lag = this.peerLagMs.size > 0 && from.startsWith('s') ? this.peerLagMs.get(to) : 0;
    const extra = this.extraLatencyMs;
    // Summed in this order, so that a slowed link's float latency is what it always was.
    if (extra.size > 0) base = base + (extra.get(from) ?? 0) + (extra.get(to) ?? 0);
    return base + (lag ?? 0);
  }
}
