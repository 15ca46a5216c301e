// Test support: N Zabs on a fake network (etcd-raft's `network`, in spirit). Links are FIFO per
// ordered pair, as TCP is; cutting one drops what is in flight and tells both ends. Disks are
// fakes that apply PersistOps in order; a node can hold its writes (a slow disk) and crash,
// losing what was not yet written. Every apply anywhere is checked against one global sequence.

import { assert } from '@zoo/client/protocol';
import { SeededRandom } from '../../replication/random.js';
import type { Txn } from '../../tree/txn.js';
import { FakeDisk } from './fake-disk.js';
import { ZabChecks } from './zab-checks.js';
import { FakeHost, contentsOf } from './fake-host.js';
import { describeMessage, type OutgoingMessage, type PeerMessage } from '../messages.js';
import { snapMessages } from '../snap-messages.js';
import { Zab } from '../zab.js';
import type { PersistOp, ZabOptions, ZabTestingOptions } from '../zab-types.js';
import { carryOutReady, type ReadyTarget } from '../../peer/ready.js';
import { commitOnOwnAck, sendAcksBeforePersist, type PlantedBugs } from '../planted-bugs.js';

export interface ZabNetworkOptions {
  voters: readonly number[];
  observers?: readonly number[];
  seed?: number;
  tickMs?: number;
  initLimitTicks?: number;
  syncLimitTicks?: number;
  committedLogMax?: number;
  testing?: ZabTestingOptions;
  plantedBugs?: PlantedBugs;
}

/** A batch of durable writes a slow disk has not done yet, and what waits for it. */
export interface HeldWrite {
  ops: readonly PersistOp[];
  done: (lastTxnZxid: bigint | null) => void;
}

export interface ZabNode {
  readonly id: number;
  zab: Zab;
  host: FakeHost;
  readonly disk: FakeDisk;
  isAlive: boolean;
  /** A slow disk: batches wait here (their `send` already went) until flush or crash. */
  isHeld: boolean;
  held: HeldWrite[];
}

/** Deliveries in one deliverAll before the network is deemed to loop (a bug). */
export const deliveriesPerDrainMax = 200_000;

export class ZabNetwork {
  nowMs = 0;
  readonly tickMs: number;
  /** One line per delivery and fault, for failure messages. */
  readonly transcript: string[] = [];
  /** The safety checks every step feeds (Agreement, Integrity, Leadership). */
  readonly checks = new ZabChecks(() => this.transcript.slice(-40).join('\n'));
  readonly ids: readonly number[];
  private readonly nodes = new Map<number, ZabNode>();
  private readonly links = new Map<string, PeerMessage[]>();
  private readonly cutPairs = new Set<string>();
  /** Links that deliver nothing for now: a silent partition (TCP keeps the backlog). */
  private readonly blockedPairs = new Set<string>();
  private nextCxid = 1;

  constructor(private readonly options: ZabNetworkOptions) {
    this.tickMs = options.tickMs ?? 100;
    this.ids = [...options.voters, ...(options.observers ?? [])].sort((a, b) => a - b);
    for (const id of this.ids) {
      const disk = new FakeDisk();
      const host = new FakeHost([], this.checks.applyListener(id));
      const zab = this.createZab(id, host, disk);
      this.nodes.set(id, { id, disk, host, zab, isAlive: true, isHeld: false, held: [] });
    }
  }

  /** Every txn applied anywhere, by position: the sequence all replicas must agree on. */
  get committed(): readonly Txn[] {
    return this.checks.committed;
  }

  node(id: number): ZabNode {
    const node = this.nodes.get(id);
    assert(node !== undefined, `no node ${id}`);
    return node;
  }

  zab(id: number): Zab {
    return this.node(id).zab;
  }

  startAll(): void {
    for (const id of this.ids) {
      this.node(id).host.carryOut(this.zab(id).start(this.nowMs));
      this.carryOut(this.node(id));
    }
  }

  isLinkUp(a: number, b: number): boolean {
    return this.node(a).isAlive && this.node(b).isAlive && !this.cutPairs.has(pairKey(a, b));
  }

  inFlight(from: number, to: number): readonly PeerMessage[] {
    return this.links.get(`${from}>${to}`) ?? [];
  }

  /** Stops delivery both ways between a and b without breaking the link (no events). */
  block(a: number, b: number): void {
    this.blockedPairs.add(pairKey(a, b));
    this.transcript.push(`${this.nowMs} block ${a}-${b}`);
  }

  unblock(a: number, b: number): void {
    this.blockedPairs.delete(pairKey(a, b));
    this.transcript.push(`${this.nowMs} unblock ${a}-${b}`);
  }

  /** Delivers the oldest message on from→to (unless blocked); false if there is none. */
  deliver(from: number, to: number): boolean {
    if (this.blockedPairs.has(pairKey(from, to))) return false;
    const queue = this.links.get(`${from}>${to}`);
    const message = queue?.shift();
    if (message === undefined) return false;
    this.transcript.push(`${this.nowMs} ${from}→${to} ${describeMessage(message)}`);
    const node = this.node(to);
    node.host.carryOut(node.zab.step(from, message, this.nowMs));
    this.carryOut(node);
    return true;
  }

  /**
   * Loses the oldest message on from→to. TCP never loses one message and delivers the next, so
   * the link breaks there (both ends are told) and comes straight back as a new connection.
   */
  drop(from: number, to: number): void {
    const message = this.links.get(`${from}>${to}`)?.[0];
    if (message === undefined || from === to) return;
    this.transcript.push(`${this.nowMs} drop ${from}→${to} ${describeMessage(message)}`);
    this.cut(from, to);
    this.heal(from, to);
  }

  /** Delivers everything, one message per link in turn, until nothing is in flight. */
  deliverAll(filter: (from: number, to: number) => boolean = () => true): number {
    let delivered = 0;
    for (;;) {
      let progressed = false;
      for (const from of this.ids) {
        for (const to of this.ids) {
          if (filter(from, to) && this.deliver(from, to)) {
            progressed = true;
            delivered += 1;
          }
        }
      }
      assert(
        delivered <= deliveriesPerDrainMax,
        () => `the network never settles:\n${this.transcript.slice(-30).join('\n')}`,
      );
      if (!progressed) return delivered;
    }
  }

  tick(ms: number = this.tickMs): void {
    this.nowMs += ms;
    for (const node of this.liveNodes()) {
      node.host.carryOut(node.zab.tick(this.nowMs));
      this.carryOut(node);
    }
  }

  cut(a: number, b: number): void {
    if (a === b) return;
    const key = pairKey(a, b);
    if (this.cutPairs.has(key)) return;
    const wasUp = this.isLinkUp(a, b);
    this.cutPairs.add(key);
    this.transcript.push(`${this.nowMs} cut ${a}-${b}`);
    this.links.delete(`${a}>${b}`);
    this.links.delete(`${b}>${a}`);
    if (wasUp) this.notifyLink(a, b, false);
  }

  heal(a: number, b: number): void {
    if (a === b) return;
    const key = pairKey(a, b);
    if (!this.cutPairs.delete(key)) return;
    this.transcript.push(`${this.nowMs} heal ${a}-${b}`);
    if (this.isLinkUp(a, b)) this.notifyLink(a, b, true);
  }

  isolate(a: number): void {
    for (const b of this.ids) if (b !== a) this.cut(a, b);
  }

  healAll(): void {
    for (const a of this.ids) for (const b of this.ids) if (a < b) this.heal(a, b);
  }

  hold(id: number): void {
    this.node(id).isHeld = true;
  }

  /** The slow disk catches up: every held batch is written, then its ACKs leave. */
  flush(id: number): void {
    const node = this.node(id);
    node.isHeld = false;
    const held = node.held;
    node.held = [];
    for (const write of held) this.write(node, write);
    this.carryOut(node);
  }

  /** The node stops; of its held writes only the first `keptOps` reach the disk. */
  crash(id: number, keptOps = 0): void {
    const node = this.node(id);
    if (!node.isAlive) return;
    const ops = node.held.flatMap((write) => write.ops);
    for (const op of ops.slice(0, keptOps)) node.disk.write(op);
    node.held = [];
    node.isHeld = false;
    const peers = this.ids.filter((peer) => peer !== id && this.isLinkUp(id, peer));
    node.isAlive = false;
    this.transcript.push(`${this.nowMs} crash ${id} (kept ${keptOps}/${ops.length} ops)`);
    for (const peer of this.ids) {
      this.links.delete(`${id}>${peer}`);
      this.links.delete(`${peer}>${id}`);
    }
    for (const peer of peers) {
      this.node(peer).host.carryOut(this.node(peer).zab.peerDisconnected(id, this.nowMs));
      this.carryOut(this.node(peer));
    }
  }

  /** The node restarts from its disk: snapshot state, durable epochs and log. */
  restart(id: number): void {
    const node = this.node(id);
    if (node.isAlive) return;
    const disk = node.disk;
    const initial = disk.snapshot === null ? [] : contentsOf(disk.snapshot);
    node.host = new FakeHost(initial, this.checks.applyListener(id));
    this.checks.checkState(id, node.host.state);
    node.zab = this.createZab(id, node.host, disk);
    node.isAlive = true;
    this.transcript.push(`${this.nowMs} restart ${id}`);
    node.host.carryOut(node.zab.start(this.nowMs));
    this.carryOut(node);
    for (const peer of this.ids) {
      if (peer !== id && this.isLinkUp(id, peer)) this.notifyLink(id, peer, true);
    }
  }

  /** Proposes a fresh txn on `id` if it is a serving leader; returns it, or null. */
  propose(id: number): Txn | null {
    const node = this.node(id);
    const zab = node.zab;
    if (!node.isAlive || zab.role !== 'leading' || !zab.isServing) return null;
    const cxid = this.nextCxid;
    this.nextCxid += 1;
    const txn: Txn = {
      zxid: zab.nextZxid(),
      timeMs: this.nowMs,
      sessionId: 1n,
      cxid,
      body: { type: 'delete', path: `/n${cxid}` },
    };
    node.host.carryOut(zab.propose(txn));
    this.carryOut(node);
    return zab.log.lastZxid === txn.zxid ? txn : null;
  }

  liveNodes(): ZabNode[] {
    return this.ids.map((id) => this.node(id)).filter((node) => node.isAlive);
  }

  servingLeaders(): number[] {
    return this.liveNodes()
      .filter((node) => node.zab.role === 'leading' && node.zab.isServing)
      .map((node) => node.id);
  }

  /** One serving leader, every live node serving under it, equal states, nothing pending. */
  isConverged(): boolean {
    const leaders = this.servingLeaders();
    const leaderId = leaders[0];
    if (leaders.length !== 1 || leaderId === undefined) return false;
    const leaderZab = this.zab(leaderId);
    if (leaderZab.log.committedZxid !== leaderZab.log.lastZxid) return false;
    const length = this.node(leaderId).host.state.length;
    for (const node of this.liveNodes()) {
      if (!node.zab.isServing || node.zab.leader !== leaderId || node.held.length > 0) return false;
      if (node.host.state.length !== length) return false;
    }
    if (this.blockedPairs.size > 0) return false;
    return [...this.links.values()].every((queue) => queue.length === 0);
  }

  /** Delivers and ticks until converged; false if it does not within `maxMs`. */
  stabilize(maxMs = 120_000): boolean {
    const endMs = this.nowMs + maxMs;
    for (;;) {
      this.deliverAll();
      if (this.isConverged()) return true;
      if (this.nowMs >= endMs) return false;
      this.tick();
    }
  }

  describe(): string {
    return this.ids
      .map((id) => {
        const node = this.node(id);
        return node.isAlive ? node.zab.describe() : `zab ${id} crashed`;
      })
      .join('\n');
  }

  private createZab(id: number, host: FakeHost, disk: FakeDisk): Zab {
    const isPlanted = this.options.plantedBugs?.commitWithoutQuorum === true;
    const options: ZabOptions = {
      serverId: id,
      voters: this.options.voters,
      observers: this.options.observers ?? [],
      tickMs: this.tickMs,
      initLimitTicks: this.options.initLimitTicks ?? 10,
      syncLimitTicks: this.options.syncLimitTicks ?? 5,
      random: new SeededRandom((this.options.seed ?? 1) * 7919 + id),
      committedLogMax: this.options.committedLogMax ?? 500,
      testing: this.options.testing ?? {},
      ...(isPlanted ? { commitRule: commitOnOwnAck(id) } : {}),
    };
    const durable = {
      acceptedEpoch: disk.acceptedEpoch,
      currentEpoch: disk.currentEpoch,
      isRejoining: disk.isRejoining,
      log: [...disk.log],
    };
    return new Zab(options, host, durable);
  }

  /** Runs a node's output through its loop: send, write, send-after-write, persisted. */
  private carryOut(node: ZabNode): void {
    const target: ReadyTarget = {
      send: (envelope) => this.enqueue(node.id, envelope.to, envelope.message),
      persist: (ops, done) => {
        if (node.isHeld) node.held.push({ ops, done });
        else this.write(node, { ops, done });
      },
      persisted: (upTo) => node.host.carryOut(node.zab.persisted(upTo)),
      deliver: () => undefined,
    };
    const planted = this.options.plantedBugs?.ackBeforePersist === true;
    while (node.isAlive && node.zab.hasOutput()) {
      const output = node.zab.takeOutput();
      carryOutReady(planted ? sendAcksBeforePersist(output) : output, target);
    }
    if (!node.isAlive) return;
    node.zab.invariants();
    this.checks.checkState(node.id, node.host.state);
    if (node.zab.role === 'leading' && node.zab.isServing) {
      this.checks.checkLeadership(node.zab.epoch, node.id);
    }
  }

  private write(node: ZabNode, write: HeldWrite): void {
    for (const op of write.ops) {
      if (op.type === 'txns') for (const txn of op.txns) this.checks.checkIntegrity(txn);
      node.disk.write(op);
    }
    write.done(node.disk.log.at(-1)?.zxid ?? null);
  }

  private enqueue(from: number, to: number, message: OutgoingMessage): void {
    if (!this.isLinkUp(from, to)) return;
    const key = `${from}>${to}`;
    // A SNAP goes as its parts, read at once: there is nothing to pace here.
    const parts = message.type === 'snapSend' ? [...snapMessages(message.snapshot)] : [message];
    const queue = this.links.get(key);
    if (queue === undefined) this.links.set(key, parts);
    else queue.push(...parts);
  }

  private notifyLink(a: number, b: number, isUp: boolean): void {
    for (const [self, peer] of [
      [a, b],
      [b, a],
    ] as const) {
      const node = this.node(self);
      const effects = isUp
        ? node.zab.peerConnected(peer, this.nowMs)
        : node.zab.peerDisconnected(peer, this.nowMs);
      node.host.carryOut(effects);
      this.carryOut(node);
    }
  }
}

function pairKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}
