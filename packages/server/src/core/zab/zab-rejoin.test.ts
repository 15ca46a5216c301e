// A voter that lost its data rejoins before it votes (rejoin.ts). The scenario the simulator
// found (seed 190546131): server 1 acked epoch 2 under leader 2, lost its data directory, and
// came back while leader 2 was away; with it, server 3 (still at epoch 1) founded epoch 2 a
// second time and gave its zxids to other txns.

import { describe, expect, test } from 'vitest';
import { ZabNetwork } from './testing/zab-network.js';

/** Epoch 1 under leader 3, then epoch 2 under leader 2 (with 1) while 3 is down. */
function afterTwoEpochs(): ZabNetwork {
  const network = new ZabNetwork({ voters: [1, 2, 3] });
  network.startAll();
  expect(network.stabilize(), network.describe()).toBe(true);
  expect(network.servingLeaders()).toEqual([3]);
  for (let i = 0; i < 3; i += 1) expect(network.propose(3)).not.toBeNull();
  expect(network.stabilize()).toBe(true);
  network.crash(3);
  expect(network.stabilize(), network.describe()).toBe(true);
  expect(network.servingLeaders()).toEqual([2]);
  expect(network.zab(2).epoch).toBe(2);
  for (let i = 0; i < 2; i += 1) expect(network.propose(2)).not.toBeNull();
  expect(network.stabilize()).toBe(true);
  return network;
}

/** Server 1 loses its data (`mark`: `zoo-data reset`); 2 goes away; 3 and 1 run for `ms`. */
function wipeOneWhileTwoIsAway(network: ZabNetwork, options: { mark: boolean; ms: number }) {
  network.crash(1);
  network.node(1).disk.wipe({ mark: options.mark });
  network.crash(2);
  network.restart(3);
  network.restart(1);
  for (let t = 0; t < options.ms; t += network.tickMs) {
    network.deliverAll();
    network.tick();
  }
  network.deliverAll();
}

describe('zab: a voter that lost its data rejoins before it votes', () => {
  test('marked, it is not counted: no leader without the member that holds epoch 2', () => {
    const network = afterTwoEpochs();
    wipeOneWhileTwoIsAway(network, { mark: true, ms: 30_000 });
    expect(network.servingLeaders(), network.describe()).toEqual([]);
    expect(network.zab(3).epoch).toBe(1);
    expect(['looking', 'observing']).toContain(network.zab(1).role);
    expect(network.node(1).disk.isRejoining).toBe(true);
  });

  test('once the rest are back it syncs as an observer, clears the mark, then follows', () => {
    const network = afterTwoEpochs();
    wipeOneWhileTwoIsAway(network, { mark: true, ms: 5_000 });
    network.restart(2);
    expect(network.stabilize(), network.describe()).toBe(true);
    const [leader] = network.servingLeaders();
    expect(network.zab(leader ?? 0).epoch).toBeGreaterThan(2);
    expect(network.zab(1).role).toBe('following');
    expect(network.node(1).disk.isRejoining).toBe(false);
    const everyTxn = network.node(leader ?? 0).host.state.map((txn) => txn.zxid);
    expect(everyTxn.filter((zxid) => zxid >> 32n === 2n)).toHaveLength(2);
    expect(network.node(1).host.state.map((txn) => txn.zxid)).toEqual(everyTxn);
    expect(network.transcript.join('\n')).toMatch(/1→\d followerInfo.*observer/);
  });

  test('a crash while rejoining keeps the mark: it rejoins again', () => {
    const network = afterTwoEpochs();
    wipeOneWhileTwoIsAway(network, { mark: true, ms: 5_000 });
    network.restart(2);
    // Message by message, until 1 has durably accepted the new leader's epoch but is not
    // serving yet: every epochs write it makes until then keeps the mark.
    const isMidRejoin = (): boolean =>
      network.node(1).disk.acceptedEpoch > 2 && !network.zab(1).isServing;
    for (let turn = 0; turn < 1_000 && !isMidRejoin(); turn += 1) {
      let delivered = false;
      for (const [from, to] of [
        [2, 1],
        [3, 1],
        [1, 2],
        [1, 3],
        [2, 3],
        [3, 2],
      ] as const) {
        if (!isMidRejoin() && network.deliver(from, to)) delivered = true;
      }
      if (!delivered) network.tick();
    }
    expect(isMidRejoin(), network.describe()).toBe(true);
    expect(network.node(1).disk.isRejoining).toBe(true);
    network.crash(1);
    network.restart(1);
    expect(network.node(1).disk.isRejoining).toBe(true);
    expect(network.stabilize(), network.describe()).toBe(true);
    expect(network.zab(1).role).toBe('following');
    expect(network.node(1).disk.isRejoining).toBe(false);
  });

  test('unmarked (ZooKeeper has no mark), the emptied voter lets 3 found epoch 2 again', () => {
    // The hazard itself, so the tests above are known to test something: 3 leads epoch 2
    // although 2 established it before. The network's own checks catch it as it happens.
    const network = afterTwoEpochs();
    expect(() => wipeOneWhileTwoIsAway(network, { mark: false, ms: 30_000 })).toThrow(
      /epoch 2 established by 2 and 3/,
    );
  });

  test('an empty, unmarked voter (a new member) votes at once', () => {
    const network = new ZabNetwork({ voters: [1, 2, 3] });
    network.startAll();
    expect(network.stabilize(), network.describe()).toBe(true);
    expect(network.servingLeaders()).toEqual([3]);
    expect(network.transcript.join('\n')).not.toMatch(/observer/);
  });
});
