// Several real Peers, each with its Zab, joined by a hand-driven network: every link is FIFO, a
// link can be held (its messages wait until it is released), and time moves only when a test
// says. For tests of what spans members, such as a session created through one member and
// resumed on another. The disks are instant, as in PeerHarness.

import { assert } from '@zoo/client/protocol';
import type { ConnectRequest, ConnectResponse, Request } from '@zoo/client/protocol';
import { Peer } from '../peer/peer.js';
import { carryOutReady } from '../peer/ready.js';
import type { ConnectionMessage, ReadyTarget } from '../peer/ready.js';
import { SeededRandom } from '../replication/random.js';
import type { PeerMessage } from '../zab/messages.js';
import { snapMessages } from '../zab/snap-messages.js';
import { Zab } from '../zab/zab.js';
import {
  connectRequest,
  describeMessage,
  fakeDigest,
  forEachConnectionMessage,
} from './peer-harness.js';
const deliveriesMax = 100_000;

export class EnsembleHarness {
  nowMs = 1_000_000;
  readonly tickMs = 100;
  readonly peers = new Map<number, Peer>();
  /** What each member sent its clients, in order. */
  readonly messages = new Map<number, ConnectionMessage[]>();
  private readonly links = new Map<string, PeerMessage[]>();
  private readonly held = new Set<string>();
  private nextConnectionId = 1;

  readonly ids: readonly number[];

  constructor(voters: readonly number[] = [1, 2, 3], observers: readonly number[] = []) {
    const ids = [...voters, ...observers];
    this.ids = ids;
    for (const id of ids) {
      const options = { digestOf: fakeDigest, startMs: this.nowMs, serverId: id };
      const replication = (state: ConstructorParameters<typeof Zab>[1]): Zab => {
        const zabOptions = {
          serverId: id,
          voters,
          observers,
          tickMs: this.tickMs,
          initLimitTicks: 10,
          syncLimitTicks: 5,
          random: new SeededRandom(7919 + id),
          committedLogMax: 500,
        };
        return new Zab(zabOptions, state, { acceptedEpoch: 0, currentEpoch: 0, log: [] });
      };
      this.peers.set(id, new Peer({ ...options, tickMs: this.tickMs }, replication));
      this.messages.set(id, []);
    }
    for (const peer of this.peers.values()) peer.start();
  }

  peer(id: number): Peer {
    const peer = this.peers.get(id);
    assert(peer !== undefined, `no member ${id}`);
    return peer;
  }

  /** Elects a leader and lets every member sync with it; returns the leader's id. */
  elect(maxMs = 20_000): number {
    const endMs = this.nowMs + maxMs;
    for (;;) {
      this.settle();
      const leader = [...this.peers].find(([, peer]) => peer.isLeading && peer.isServing);
      const allServing = [...this.peers.values()].every((peer) => peer.isServing);
      if (leader !== undefined && allServing) return leader[0];
      assert(this.nowMs < endMs, 'no leader elected in time');
      this.advance(this.tickMs / 2);
    }
  }

  /** Moves time on every member, then delivers what is not held. */
  advance(ms: number): void {
    this.nowMs += ms;
    for (const peer of this.peers.values()) peer.tick(this.nowMs);
    this.settle();
  }

  /** Messages from `from` to `to` wait until released. */
  hold(from: number, to: number): void {
    this.held.add(`${from}>${to}`);
  }

  release(from: number, to: number): void {
    this.held.delete(`${from}>${to}`);
    this.settle();
  }

  /** Carries out every member's output and delivers every message on a link not held. */
  settle(): void {
    for (let deliveries = 0; ; deliveries += 1) {
      assert(deliveries < deliveriesMax, 'the ensemble never settles');
      for (const id of this.ids) this.carryOut(id);
      const next = [...this.links].find(([key, queue]) => !this.held.has(key) && queue.length > 0);
      if (next === undefined) return;
      const [key, queue] = next;
      const message = queue.shift();
      assert(message !== undefined, 'a queued message');
      const [from, to] = key.split('>').map(Number);
      assert(from !== undefined && to !== undefined, 'a link key');
      this.peer(to).step({ type: 'peerMessage', from, message });
    }
  }

  open(memberId: number): number {
    const connectionId = this.nextConnectionId;
    this.nextConnectionId += 1;
    this.peer(memberId).step({
      type: 'connectionOpened',
      connectionId,
      remoteAddress: '127.0.0.1',
      remotePort: 40_000 + connectionId,
    });
    return connectionId;
  }

  /** Sends a ConnectRequest and settles; returns the response, if one came yet. */
  connect(
    memberId: number,
    connectionId: number,
    request: Partial<ConnectRequest> = {},
  ): ConnectResponse | null {
    this.peer(memberId).step({ type: 'connect', connectionId, request: connectRequest(request) });
    this.settle();
    return this.connectResponse(memberId, connectionId);
  }

  connectResponse(memberId: number, connectionId: number): ConnectResponse | null {
    const found = this.clientMessages(memberId).find(
      (m) => m.kind === 'connectResponse' && m.connectionId === connectionId,
    );
    return found?.kind === 'connectResponse' ? found.response : null;
  }

  send(memberId: number, connectionId: number, xid: number, request: Request): void {
    this.peer(memberId).step({ type: 'request', connectionId, xid, opCode: 0, request });
    this.settle();
  }

  /** The client closed its connection. */
  disconnect(memberId: number, connectionId: number): void {
    this.peer(memberId).step({ type: 'connectionClosed', connectionId });
    this.settle();
  }

  /** What connection `connectionId` of member `memberId` received, as short strings. */
  transcript(memberId: number, connectionId: number): string[] {
    return this.clientMessages(memberId)
      .filter((m) => m.connectionId === connectionId)
      .map(describeMessage);
  }

  private clientMessages(memberId: number): ConnectionMessage[] {
    const messages = this.messages.get(memberId);
    assert(messages !== undefined, `no member ${memberId}`);
    return messages;
  }

  private carryOut(id: number): void {
    const peer = this.peer(id);
    const target: ReadyTarget = {
      send: (envelope) => {
        const key = `${id}>${envelope.to}`;
        const message = envelope.message;
        const parts = message.type === 'snapSend' ? [...snapMessages(message.snapshot)] : [message];
        const queue = this.links.get(key);
        if (queue === undefined) this.links.set(key, parts);
        else queue.push(...parts);
      },
      persist: (ops, done) => {
        for (const op of ops) {
          if (op.type === 'snapshot' || op.type === 'checkpoint') op.snapshot.abandon();
        }
        const txns = ops.flatMap((op) => (op.type === 'txns' ? op.txns : []));
        done(txns.at(-1)?.zxid ?? null);
      },
      persisted: (upTo) => peer.step({ type: 'persisted', upTo }),
      deliver: (message) =>
        forEachConnectionMessage(peer, message, (one) => this.clientMessages(id).push(one)),
    };
    while (peer.hasReady()) {
      carryOutReady(peer.ready(), target);
      peer.invariants();
    }
  }
}

/** An elected three-member ensemble: the leader, and its two followers. */
export function electedTrio(): { net: EnsembleHarness; leader: number; a: number; b: number } {
  const net = new EnsembleHarness();
  const leader = net.elect();
  const [a, b] = net.ids.filter((id) => id !== leader);
  assert(a !== undefined && b !== undefined, 'two followers');
  return { net, leader, a, b };
}
