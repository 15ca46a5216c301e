// A test network of FastLeaderElection instances (etcd-raft's `network`, in spirit): a FIFO link
// per ordered pair, as FLE's TCP connections are, a fake clock, chosen or seeded delivery order,
// drops, cut-off peers and crashes. Every step checks every member's invariants.

import { assert } from '@zoo/client/protocol';
import { SeededRandom } from '../../replication/random.js';
import type { Random } from '../../replication/random.js';
import { describeMessage } from '../../zab/messages.js';
import type { PeerMessage } from '../../zab/messages.js';
import { FastLeaderElection, electionDefaults } from '../fast-leader-election.js';
import type { ElectionOptions, ElectionResult } from '../fast-leader-election.js';

export interface ElectionMemberSpec {
  id: number;
  zxid?: bigint;
  epoch?: number;
  isObserver?: boolean;
  /** A misconfigured member's own view of the voters (a planted bug); defaults to the real one. */
  voters?: readonly number[];
}

export interface ElectionNetworkOptions {
  members: readonly ElectionMemberSpec[];
  /** Jitter source for every member; defaults to a seeded PRNG. */
  random?: Random;
  timing?: Partial<Pick<ElectionOptions, keyof typeof electionDefaults>>;
}

/** Whether to drop one message as it is delivered. */
export type DropRule = (from: number, to: number, message: PeerMessage) => boolean;

/** Which links to deliver on now; the others keep their messages in flight. */
export type LinkFilter = (from: number, to: number) => boolean;

/** Deliveries in one deliverAll before the network is deemed to loop (a bug). */
export const deliveriesPerSettleMax = 100_000;

export class ElectionNetwork {
  nowMs = 0;
  /** One line per delivery, drop and decision, for failure messages and transcripts. */
  readonly transcript: string[] = [];
  readonly voters: readonly number[];
  private readonly specs = new Map<number, ElectionMemberSpec>();
  private readonly members = new Map<number, FastLeaderElection>();
  private readonly links = new Map<string, PeerMessage[]>();
  private readonly cutOff = new Set<number>();
  private readonly down = new Set<number>();
  private readonly decided = new Set<number>();
  private readonly random: Random;
  private readonly timing: Pick<ElectionOptions, keyof typeof electionDefaults>;

  constructor(options: ElectionNetworkOptions) {
    this.random = options.random ?? new SeededRandom(1);
    this.timing = { ...electionDefaults, ...options.timing };
    const ids = options.members.map((spec) => spec.id).sort((a, b) => a - b);
    this.voters = options.members
      .filter((spec) => spec.isObserver !== true)
      .map((spec) => spec.id)
      .sort((a, b) => a - b);
    for (const id of ids) {
      const spec = options.members.find((candidate) => candidate.id === id);
      assert(spec !== undefined, `network: member ${id}`);
      this.specs.set(id, spec);
      this.members.set(id, this.create(id));
    }
  }

  member(id: number): FastLeaderElection {
    const member = this.members.get(id);
    assert(member !== undefined, `network: no member ${id}`);
    return member;
  }

  result(id: number): ElectionResult | null {
    return this.member(id).result;
  }

  /** Starts (or restarts) looking on the given members (all by default). */
  start(ids: readonly number[] = [...this.members.keys()]): void {
    for (const id of ids) {
      const spec = this.specs.get(id);
      assert(spec !== undefined && !this.down.has(id), `network: cannot start ${id}`);
      this.member(id).start({ zxid: spec.zxid ?? 0n, epoch: spec.epoch ?? 0 }, this.nowMs);
      this.transcript.push(`${this.nowMs}ms start ${id} r${this.member(id).round}`);
    }
    this.afterStep();
  }

  /** Messages to or from a cut-off member are dropped when delivered, until heal(). */
  cut(id: number): void {
    this.cutOff.add(id);
  }

  heal(): void {
    this.cutOff.clear();
  }

  /** The member stops: its state and every message to or from it are lost. */
  crash(id: number): void {
    this.down.add(id);
    this.decided.delete(id);
    this.member(id).takeMessages();
    for (const key of [...this.links.keys()]) {
      const [from, to] = key.split('>').map(Number);
      if (from === id || to === id) this.links.delete(key);
    }
    this.transcript.push(`${this.nowMs}ms crash ${id}`);
  }

  /** The member comes back as a fresh instance (logical clock 0) and starts looking. */
  revive(id: number, self?: { zxid: bigint; epoch: number }): void {
    const spec = this.specs.get(id);
    assert(spec !== undefined && this.down.has(id), `network: cannot revive ${id}`);
    if (self !== undefined) this.specs.set(id, { ...spec, ...self });
    this.down.delete(id);
    this.members.set(id, this.create(id));
    this.start([id]);
  }

  /** Links with messages in flight, as [from, to], in a fixed order. */
  pendingLinks(): [number, number][] {
    const out: [number, number][] = [];
    for (const [key, queue] of this.links) {
      const [from, to] = key.split('>').map(Number);
      if (queue.length > 0 && from !== undefined && to !== undefined) out.push([from, to]);
    }
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  get inFlight(): number {
    let count = 0;
    for (const queue of this.links.values()) count += queue.length;
    return count;
  }

  /** Delivers (or drops) the oldest message on one link. */
  deliverNext(from: number, to: number, drop?: DropRule): void {
    const queue = this.links.get(`${from}>${to}`);
    const message = queue?.shift();
    assert(message !== undefined && message.type === 'vote', `network: nothing on ${from}>${to}`);
    const line = `${this.nowMs}ms ${from}>${to} ${describeMessage(message)}`;
    const isCut = this.cutOff.has(from) || this.cutOff.has(to) || this.down.has(to);
    if (isCut || drop?.(from, to, message) === true) {
      this.transcript.push(`${line} DROPPED`);
      return;
    }
    this.transcript.push(line);
    const { round, vote, state } = message;
    this.member(to).receive(from, { round, vote, state }, this.nowMs);
    this.afterStep();
  }

  /**
   * Delivers until nothing deliverable is in flight. `order` picks the next link (else the
   * first); `only` holds back the links it rejects; `drop` loses messages as they arrive.
   */
  deliverAll(options: { order?: Random; drop?: DropRule; only?: LinkFilter } = {}): void {
    const { order, drop, only } = options;
    for (let count = 0; ; count += 1) {
      assert(count < deliveriesPerSettleMax, 'network: deliveries do not settle');
      const links = this.pendingLinks().filter(([from, to]) => only?.(from, to) ?? true);
      if (links.length === 0) return;
      const index = order === undefined ? 0 : order.nextInt(0, links.length - 1);
      const link = links[index];
      assert(link !== undefined, `network: link ${index}`);
      this.deliverNext(link[0], link[1], drop);
    }
  }

  /** Moves the clock forward and ticks every running member. */
  advance(ms: number): void {
    assert(ms >= 0, `network: advance ${ms}`);
    this.nowMs += ms;
    for (const [id, member] of this.members) {
      if (!this.down.has(id)) member.tick(this.nowMs);
    }
    this.afterStep();
  }

  /**
   * Delivers everything, then advances time in steps, until `isDone` holds (by default: every
   * running member has decided) or `maxMs` have passed. Returns whether it is done.
   */
  stabilize(options: { stepMs?: number; maxMs?: number; isDone?: () => boolean } = {}): boolean {
    const { stepMs = 50, maxMs = 60_000 } = options;
    const isDone =
      options.isDone ?? ((): boolean => this.running().every((id) => !this.isLooking(id)));
    const endMs = this.nowMs + maxMs;
    for (;;) {
      this.deliverAll();
      if (isDone()) return true;
      if (this.nowMs >= endMs) return false;
      this.advance(stepMs);
    }
  }

  isLooking(id: number): boolean {
    return this.member(id).isLooking;
  }

  /** Running (not crashed) member ids, ascending. */
  running(): number[] {
    return [...this.members.keys()].filter((id) => !this.down.has(id));
  }

  /** Leaders decided by running members, by member id. */
  decisions(): Map<number, number | null> {
    return new Map(this.running().map((id) => [id, this.result(id)?.leader ?? null]));
  }

  private create(id: number): FastLeaderElection {
    return new FastLeaderElection({
      serverId: id,
      voters: this.specs.get(id)?.voters ?? this.voters,
      random: this.random,
      ...this.timing,
    });
  }

  private afterStep(): void {
    for (const [id, member] of this.members) {
      if (this.down.has(id)) continue;
      member.invariants();
      const wasDecided = this.decided.has(id);
      const result = member.result;
      if (result !== null && !wasDecided) {
        this.transcript.push(
          `${this.nowMs}ms decide ${id}: ${member.state} leader ${result.leader} r${result.round}`,
        );
      }
      if (result === null) this.decided.delete(id);
      else this.decided.add(id);
      for (const { to, message } of member.takeMessages()) {
        if (!this.members.has(to)) continue;
        const key = `${id}>${to}`;
        const queue = this.links.get(key) ?? [];
        queue.push(message);
        this.links.set(key, queue);
      }
    }
  }
}
