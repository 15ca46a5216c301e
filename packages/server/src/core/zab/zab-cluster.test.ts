// Ensemble scenarios over ZabNetwork (etcd-raft interaction tests, in spirit): elections,
// quorum commits, a minority that must not commit, TRUNC, DIFF and SNAP synchronization,
// leader loss, observers, sessions and syncs. The network checks at every apply that all
// replicas agree on one txn sequence; each test checks its own outcome on top.

import { describe, expect, test } from 'vitest';
import type { Txn } from '../tree/txn.js';
import { ZabNetwork } from './testing/zab-network.js';
import { epochOf } from './zxid.js';

function converged(options: ConstructorParameters<typeof ZabNetwork>[0]): ZabNetwork {
  const network = new ZabNetwork(options);
  network.startAll();
  expect(network.stabilize(), network.describe()).toBe(true);
  return network;
}

function leaderOf(network: ZabNetwork): number {
  const leaders = network.servingLeaders();
  expect(leaders).toHaveLength(1);
  const leader = leaders[0];
  if (leader === undefined) throw new Error('no leader');
  return leader;
}

function proposeMany(network: ZabNetwork, leader: number, count: number): Txn[] {
  const txns: Txn[] = [];
  for (let i = 0; i < count; i += 1) {
    const txn = network.propose(leader);
    if (txn === null) throw new Error(`node ${leader} cannot propose`);
    txns.push(txn);
  }
  return txns;
}

function zxidsOf(network: ZabNetwork, id: number): bigint[] {
  return network.node(id).host.state.map((txn) => txn.zxid);
}

function hex(txn: Txn | undefined): string {
  return `0x${txn?.zxid.toString(16) ?? '?'}`;
}

function sent(network: ZabNetwork, from: number, to: number, type: string): string[] {
  return network.transcript.filter((line) => line.includes(` ${from}→${to} ${type}`));
}

describe('zab cluster: election and broadcast', () => {
  test('three voters elect the highest id, then every replica applies proposals in order', () => {
    const network = converged({ voters: [1, 2, 3] });
    expect(leaderOf(network)).toBe(3);
    for (const id of [1, 2, 3]) expect(network.zab(id).epoch).toBe(1);
    const txns = proposeMany(network, 3, 5);
    expect(network.stabilize()).toBe(true);
    for (const id of [1, 2, 3]) expect(zxidsOf(network, id)).toEqual(txns.map((t) => t.zxid));
    expect(txns.map((txn) => txn.zxid)).toEqual(
      [1, 2, 3, 4, 5].map((c) => (1n << 32n) | BigInt(c)),
    );
  });

  test('a proposal commits only once a quorum has made it durable', () => {
    const network = converged({ voters: [1, 2, 3] });
    network.hold(1);
    network.hold(2);
    const [txn] = proposeMany(network, 3, 1);
    network.deliverAll();
    // The leader's own write is durable, but neither follower's is: no quorum, no commit.
    expect(network.zab(3).log.lastZxid).toBe(txn?.zxid);
    expect(network.zab(3).log.committedZxid).toBe(0n);
    expect(network.committed).toHaveLength(0);
    network.flush(1);
    network.deliverAll();
    expect(network.zab(3).log.committedZxid).toBe(txn?.zxid);
    expect(zxidsOf(network, 1)).toEqual([txn?.zxid]);
    expect(zxidsOf(network, 2)).toEqual([txn?.zxid]);
  });

  test('five voters commit with two members down and stop committing with three down', () => {
    const network = converged({ voters: [1, 2, 3, 4, 5] });
    expect(leaderOf(network)).toBe(5);
    network.crash(1);
    network.crash(2);
    proposeMany(network, 5, 2);
    network.deliverAll();
    expect(network.zab(5).log.committedZxid).toBe(network.zab(5).log.lastZxid);
    network.crash(3);
    const before = network.committed.length;
    network.propose(5);
    network.deliverAll();
    expect(network.committed).toHaveLength(before);
    network.tick(600);
    expect(network.zab(5).role).toBe('looking');
  });

  test('learners and observers drop a leader that steps down at once, not after syncLimit', () => {
    // ZooKeeper learners see the leader's socket close; over lasting peer links the leader's
    // LOOKING vote (to followers) and its notice (to observers) carry the same news.
    const network = converged({ voters: [1, 2, 3, 4, 5], observers: [6] });
    expect(leaderOf(network)).toBe(5);
    network.crash(1);
    network.crash(2);
    network.crash(3);
    // One tick, far short of syncLimit (5 ticks): only the leader's news can move the learners.
    network.tick();
    network.deliverAll();
    expect(network.zab(5).role).toBe('looking');
    expect(network.zab(4).role).toBe('looking');
    expect(network.zab(6).role).toBe('looking');
  });

  test('a single voter leads at once and commits on its own write', () => {
    const network = new ZabNetwork({ voters: [7] });
    network.startAll();
    expect(network.zab(7).role).toBe('leading');
    expect(network.zab(7).isServing).toBe(true);
    const txns = proposeMany(network, 7, 3);
    expect(zxidsOf(network, 7)).toEqual(txns.map((txn) => txn.zxid));
    expect(network.node(7).disk.currentEpoch).toBe(1);
  });
});

describe('zab cluster: a minority leader', () => {
  test('cannot commit; the majority moves to a new epoch; on heal its tail is truncated', () => {
    const network = converged({ voters: [1, 2, 3] });
    const committedBefore = proposeMany(network, 3, 3);
    expect(network.stabilize()).toBe(true);
    // A silent partition: the links stay up, nothing gets through (TCP keeps the backlog).
    network.block(3, 1);
    network.block(3, 2);
    const stale = proposeMany(network, 3, 2);
    network.deliverAll();
    expect(network.zab(3).log.committedZxid).toBe(committedBefore.at(-1)?.zxid);
    for (let i = 0; i < 40 && network.zab(3).isServing; i += 1) {
      network.deliverAll();
      network.tick();
    }
    // The old leader steps down after syncLimit; the other two elect a leader of epoch 2.
    expect(network.stabilize()).toBe(false);
    expect(network.servingLeaders()).toEqual([2]);
    expect(network.zab(2).epoch).toBe(2);
    expect(network.zab(3).log.committedZxid).toBe(committedBefore.at(-1)?.zxid);
    const fresh = proposeMany(network, 2, 2);
    network.deliverAll();
    // Healing delivers the old backlog first: proposals and pings of a leadership that ended.
    network.unblock(3, 1);
    network.unblock(3, 2);
    expect(network.stabilize(), network.describe()).toBe(true);
    expect(sent(network, 2, 3, 'trunc')).toEqual([expect.stringContaining('trunc 0x100000003')]);
    const expected = [...committedBefore, ...fresh].map((txn) => txn.zxid);
    for (const id of [1, 2, 3]) expect(zxidsOf(network, id)).toEqual(expected);
    for (const txn of stale) expect(network.zab(3).log.has(txn.zxid)).toBe(false);
  });
});

describe('zab cluster: synchronization paths', () => {
  test('a follower briefly behind gets a DIFF with just the txns it lacks', () => {
    const network = converged({ voters: [1, 2, 3] });
    proposeMany(network, 3, 2);
    expect(network.stabilize()).toBe(true);
    network.cut(1, 3);
    network.cut(1, 2);
    const missed = proposeMany(network, 3, 3);
    network.deliverAll();
    network.healAll();
    expect(network.stabilize()).toBe(true);
    expect(sent(network, 3, 1, 'diff')).toHaveLength(2);
    expect(sent(network, 3, 1, 'snap ')).toHaveLength(0);
    const resent = sent(network, 3, 1, 'proposal').slice(2);
    expect(resent).toHaveLength(3);
    expect(resent.map((line) => line.includes(missed[0]?.zxid.toString(16) ?? '?'))[0]).toBe(true);
    expect(zxidsOf(network, 1)).toEqual(zxidsOf(network, 3));
  });

  test('a follower older than the committed log window gets a SNAP', () => {
    const network = converged({ voters: [1, 2, 3], committedLogMax: 5 });
    proposeMany(network, 3, 2);
    expect(network.stabilize()).toBe(true);
    network.crash(1);
    proposeMany(network, 3, 20);
    network.deliverAll();
    network.restart(1);
    expect(network.stabilize(), network.describe()).toBe(true);
    // One SNAP, its nodes in parts (a root and a fake node per txn, 1,024 to a part).
    expect(sent(network, 3, 1, 'snap ')).toHaveLength(1);
    expect(sent(network, 3, 1, 'snapNodes')).toHaveLength(1);
    expect(network.node(3).host.snapshotsStreamed).toBe(1);
    expect(network.node(1).host.restores).toBe(1);
    expect(zxidsOf(network, 1)).toEqual(zxidsOf(network, 3));
    expect(zxidsOf(network, 1)).toHaveLength(22);
    expect(network.node(1).disk.snapshot?.zxid).toBe(network.zab(3).log.committedZxid);
  });

  test('a restarted follower commits its own logged txns from the DIFF commit point', () => {
    const network = converged({ voters: [1, 2, 3] });
    const txns = proposeMany(network, 3, 4);
    expect(network.stabilize()).toBe(true);
    network.crash(2);
    network.restart(2);
    // The fake host restarts empty (no snapshot): every logged txn is of unknown fate.
    expect(network.zab(2).log.appliedZxid).toBe(0n);
    expect(network.stabilize()).toBe(true);
    expect(sent(network, 3, 2, 'diff').at(-1)).toContain(`diff 0x${txns[3]?.zxid.toString(16)}`);
    expect(zxidsOf(network, 2)).toEqual(txns.map((txn) => txn.zxid));
  });
});

describe('zab cluster: joining mid-broadcast', () => {
  test('a learner joining with proposals in flight gets them, and its NEWLEADER ack counts', () => {
    const network = converged({ voters: [1, 2, 3] });
    network.crash(1);
    network.block(2, 3);
    const [txn] = proposeMany(network, 3, 1);
    network.deliverAll();
    expect(network.committed).toHaveLength(0);
    network.restart(1);
    network.deliverAll();
    // 1 was synchronized with the uncommitted proposal; its durable NEWLEADER ack commits it.
    expect(sent(network, 3, 1, 'newLeader').at(-1)).toContain(`newLeader e1 ${hex(txn)}`);
    expect(network.committed.map((t) => t.zxid)).toEqual([txn?.zxid]);
    expect(zxidsOf(network, 1)).toEqual([txn?.zxid]);
    network.unblock(2, 3);
    expect(network.stabilize()).toBe(true);
  });

  test('a lost message breaks the link; the learner rejoins and catches up', () => {
    const network = converged({ voters: [1, 2, 3] });
    proposeMany(network, 3, 2);
    network.drop(3, 1);
    proposeMany(network, 3, 2);
    expect(network.stabilize()).toBe(true);
    expect(zxidsOf(network, 1)).toEqual(zxidsOf(network, 3));
    expect(zxidsOf(network, 1)).toHaveLength(4);
  });
});

describe('zab cluster: leader loss', () => {
  test('a new leader holds every committed txn and the old one catches up on return', () => {
    const network = converged({ voters: [1, 2, 3] });
    const first = proposeMany(network, 3, 5);
    expect(network.stabilize()).toBe(true);
    network.crash(3);
    expect(network.stabilize()).toBe(true);
    const leader = leaderOf(network);
    expect(leader).not.toBe(3);
    expect(zxidsOf(network, leader)).toEqual(first.map((txn) => txn.zxid));
    const second = proposeMany(network, leader, 3);
    expect(second.every((txn) => epochOf(txn.zxid) === 2)).toBe(true);
    network.restart(3);
    expect(network.stabilize()).toBe(true);
    const expected = [...first, ...second].map((txn) => txn.zxid);
    for (const id of [1, 2, 3]) expect(zxidsOf(network, id)).toEqual(expected);
  });

  test('an acked proposal survives the leader crashing before it committed', () => {
    const network = converged({ voters: [1, 2, 3] });
    const [txn] = proposeMany(network, 3, 1);
    network.deliver(3, 1);
    network.deliver(3, 2);
    // Both followers logged and acked it; the leader dies before hearing the acks.
    network.crash(3);
    expect(network.committed).toHaveLength(0);
    expect(network.stabilize()).toBe(true);
    expect(zxidsOf(network, leaderOf(network))).toEqual([txn?.zxid]);
  });

  test('the zxid counter rolling over makes the leader step down into a new epoch', () => {
    const network = converged({ voters: [1, 2, 3], testing: { zxidCounterMax: 4 } });
    const txns = proposeMany(network, 3, 3);
    expect(network.propose(3)).toBeNull();
    expect(network.zab(3).role).toBe('looking');
    expect(network.stabilize()).toBe(true);
    const leader = leaderOf(network);
    expect(network.zab(leader).epoch).toBe(2);
    expect(zxidsOf(network, leader)).toEqual(txns.map((txn) => txn.zxid));
    expect(network.propose(leader)?.zxid).toBe((2n << 32n) | 1n);
  });
});

describe('zab cluster: observers, sessions, forwarding', () => {
  test('an observer learns every committed txn by INFORM and never counts for a quorum', () => {
    const network = converged({ voters: [1, 2, 3], observers: [9] });
    expect(network.zab(9).role).toBe('observing');
    const txns = proposeMany(network, 3, 3);
    expect(network.stabilize()).toBe(true);
    expect(zxidsOf(network, 9)).toEqual(txns.map((txn) => txn.zxid));
    expect(sent(network, 3, 9, 'inform')).toHaveLength(3);
    network.crash(1);
    network.crash(2);
    network.propose(3);
    network.deliverAll();
    expect(network.zab(3).log.committedZxid).toBe(txns[2]?.zxid);
  });

  test('sessions touched on a follower reach the leader host with the next pong', () => {
    const network = converged({ voters: [1, 2, 3] });
    network.zab(1).noteTouched(0x11n);
    network.zab(1).noteTouched(0x12n);
    network.tick();
    network.deliverAll();
    expect(network.node(3).host.sessionsReported).toEqual([0x11n, 0x12n]);
    // Reported once: the pong after the next ping carries nothing.
    network.tick();
    network.deliverAll();
    expect(network.node(3).host.sessionsReported).toEqual([0x11n, 0x12n]);
  });

  test('a follower forwards requests to the leader host and its sync waits for commits', () => {
    const network = converged({ voters: [1, 2, 3] });
    const origin = { sessionId: 0x21n, cxid: 4 };
    network
      .zab(1)
      .forward({ type: 'request', origin, request: { type: 'closeSession' }, identities: [] });
    const txn = network.propose(3);
    network.deliver(3, 1);
    network.zab(1).sync(origin, '/a');
    network.deliverAll();
    expect(network.node(3).host.forwarded.map((f) => f.from)).toEqual([1]);
    expect(network.node(1).host.syncsDone).toEqual([{ origin, path: '/a' }]);
    // The commit of the proposal sent before the sync was applied before the sync answer.
    expect(zxidsOf(network, 1)).toEqual([txn?.zxid]);
  });
});
