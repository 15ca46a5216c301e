// Self-checks of the harness: with a bug planted from outside Zab (planted-bugs.ts), a scenario
// that the correct protocol survives must end in a detected loss of agreement. If these tests
// ever pass without the harness throwing, the checks in ZabNetwork have gone blind.

import { describe, expect, test } from 'vitest';
import { ZabNetwork } from './testing/zab-network.js';
import type { PlantedBugs } from './planted-bugs.js';

/**
 * Leader 3 gets proposal P acked by follower 1 while 1's disk is slow, follower 2 cut off.
 * Then 3 and 1 crash (1 loses its unwritten log), 2 and 1 elect a new leader and commit Q.
 */
function leaderAndSlowFollowerCrash(plantedBugs: PlantedBugs): ZabNetwork {
  const network = new ZabNetwork({ voters: [1, 2, 3], plantedBugs });
  network.startAll();
  expect(network.stabilize()).toBe(true);
  network.hold(1);
  network.block(3, 2);
  expect(network.propose(3)).not.toBeNull();
  network.deliverAll();
  network.crash(3);
  network.crash(1, 0);
  network.unblock(3, 2);
  network.restart(1);
  expect(network.stabilize()).toBe(true);
  network.propose(network.servingLeaders()[0] ?? 0);
  network.stabilize();
  return network;
}

/** Leader 3 is silently cut off, proposes P; 1 and 2 elect 2, which commits Q. */
function minorityLeaderProposes(plantedBugs: PlantedBugs): ZabNetwork {
  const network = new ZabNetwork({ voters: [1, 2, 3], plantedBugs });
  network.startAll();
  expect(network.stabilize()).toBe(true);
  network.block(3, 1);
  network.block(3, 2);
  expect(network.propose(3)).not.toBeNull();
  for (let i = 0; i < 40 && network.servingLeaders().join() !== '2'; i += 1) {
    network.deliverAll();
    network.tick();
  }
  network.propose(2);
  network.deliverAll();
  return network;
}

describe('zab planted bugs', () => {
  test('without the bug, a slow follower and a leader crashing together lose nothing', () => {
    const network = leaderAndSlowFollowerCrash({});
    // P was never committed (1's ACK waited for its disk), so only Q is agreed.
    expect(network.committed).toHaveLength(1);
    expect(network.isConverged()).toBe(true);
  });

  test('learners acking before their write is durable lose a committed txn', () => {
    expect(() => leaderAndSlowFollowerCrash({ ackBeforePersist: true })).toThrow(
      /agreement violated/,
    );
  });

  test('without the bug, a minority leader commits nothing', () => {
    const network = minorityLeaderProposes({});
    expect(network.committed).toHaveLength(1);
    expect(network.committed[0]?.zxid).toBe((2n << 32n) | 1n);
  });

  test('a leader committing without a quorum is caught disagreeing with the majority', () => {
    expect(() => minorityLeaderProposes({ commitWithoutQuorum: true })).toThrow(
      /agreement violated/,
    );
  });
});
