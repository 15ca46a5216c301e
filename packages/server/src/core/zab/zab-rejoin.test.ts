// A voter that lost its disk must not be counted until it has synced (rejoin.ts). The scenario
// the simulator found (seed 190546131): server 1 acked epoch 2 under leader 2, lost its data
// directory, and came back while leader 2 was away; with it, server 3 (still at epoch 1)
// founded epoch 2 a second time and gave its zxids to other txns.

import { describe, expect, test } from 'vitest';
import { ZabNetwork } from './testing/zab-network.js';
import type { ZabNetworkOptions } from './testing/zab-network.js';

/** Epoch 1 under leader 3, then epoch 2 under leader 2 (with 1) while 3 is down. */
function afterTwoEpochs(options: ZabNetworkOptions): ZabNetwork {
  const network = new ZabNetwork(options);
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

/** Server 1 loses its disk; 2 goes away; 3 and the empty 1 run for `ms`. */
function wipeOneWhileTwoIsAway(network: ZabNetwork, ms: number): void {
  network.crash(1);
  network.node(1).disk.wipe();
  network.crash(2);
  network.restart(3);
  network.restart(1);
  for (let t = 0; t < ms; t += network.tickMs) {
    network.deliverAll();
    network.tick();
  }
  network.deliverAll();
}

describe('zab: a voter that lost its disk rejoins before it votes', () => {
  test('it is not counted: no leader without the member that holds epoch 2', () => {
    const network = afterTwoEpochs({ voters: [1, 2, 3], rejoinsWhenEmpty: true });
    wipeOneWhileTwoIsAway(network, 30_000);
    expect(network.servingLeaders(), network.describe()).toEqual([]);
    expect(network.zab(3).epoch).toBe(1);
    expect(['looking', 'observing']).toContain(network.zab(1).role);
  });

  test('once the rest are back it syncs as an observer, then follows with a vote', () => {
    const network = afterTwoEpochs({ voters: [1, 2, 3], rejoinsWhenEmpty: true });
    wipeOneWhileTwoIsAway(network, 5_000);
    network.restart(2);
    expect(network.stabilize(), network.describe()).toBe(true);
    const [leader] = network.servingLeaders();
    expect(network.zab(leader ?? 0).epoch).toBeGreaterThan(2);
    expect(network.zab(1).role).toBe('following');
    const everyTxn = network.node(leader ?? 0).host.state.map((txn) => txn.zxid);
    expect(everyTxn.filter((zxid) => zxid >> 32n === 2n)).toHaveLength(2);
    expect(network.node(1).host.state.map((txn) => txn.zxid)).toEqual(everyTxn);
    expect(network.transcript.join('\n')).toMatch(/1→\d followerInfo.*observer/);
  });

  test('without it (a member in memory), the wiped voter lets 3 found epoch 2 again', () => {
    // The hazard itself, so the tests above are known to test something: 3 leads epoch 2
    // although 2 established it before (members in memory accept this risk).
    // The network's own checks catch it as it happens.
    const network = afterTwoEpochs({ voters: [1, 2, 3] });
    expect(() => wipeOneWhileTwoIsAway(network, 30_000)).toThrow(/epoch 2 established by 2 and 3/);
  });

  test('an empty voter of a new ensemble (no history anywhere) votes at once', () => {
    const network = new ZabNetwork({ voters: [1, 2, 3], rejoinsWhenEmpty: true });
    network.startAll();
    expect(network.stabilize(), network.describe()).toBe(true);
    expect(network.servingLeaders()).toEqual([3]);
    expect(network.transcript.join('\n')).not.toMatch(/observer/);
  });
});
