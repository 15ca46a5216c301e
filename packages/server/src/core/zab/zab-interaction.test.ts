// The whole exchange of a 3-voter ensemble, as a transcript (etcd-raft's interaction tests):
// discovery, synchronization, broadcast, then a follower cut off and back, caught up by DIFF.
// Votes, pings and pongs are left out (election timing is FastLeaderElection's business).

import { expect, test } from 'vitest';
import { ZabNetwork } from './testing/zab-network.js';

function exchange(network: ZabNetwork): string[] {
  return network.transcript
    .filter((line) => !/ (vote|ping|pong) /.test(line))
    .map((line) => line.replace(/^\d+ /, ''));
}

test('zab interaction: elect, sync, broadcast, and re-sync a returning follower', () => {
  const network = new ZabNetwork({ voters: [1, 2, 3] });
  network.startAll();
  expect(network.stabilize()).toBe(true);
  network.propose(3);
  network.propose(3);
  network.deliverAll();
  network.cut(1, 3);
  network.propose(3);
  network.deliverAll();
  network.heal(1, 3);
  expect(network.stabilize()).toBe(true);
  const lines = exchange(network);
  // Both followers register in whichever order the election let them; the rest is fixed.
  expect(lines.slice(0, 2).sort()).toEqual(['1→3 followerInfo e0 0x0', '2→3 followerInfo e0 0x0']);
  expect(lines.slice(2)).toEqual([
    '3→1 leaderInfo e1',
    '3→2 leaderInfo e1',
    '1→3 ackEpoch e1 current=e0 0x0',
    '2→3 ackEpoch e1 current=e0 0x0',
    '3→1 diff 0x0',
    '3→2 diff 0x0',
    '3→1 newLeader e1 0x0',
    '3→2 newLeader e1 0x0',
    '1→3 ackNewLeader 0x0',
    '2→3 ackNewLeader 0x0',
    '3→1 upToDate',
    '3→2 upToDate',
    '3→1 proposal 0x100000001 delete',
    '3→2 proposal 0x100000001 delete',
    '1→3 ack 0x100000001',
    '2→3 ack 0x100000001',
    '3→1 proposal 0x100000002 delete',
    '3→2 proposal 0x100000002 delete',
    '1→3 ack 0x100000002',
    '2→3 ack 0x100000002',
    '3→1 commit 0x100000001',
    '3→2 commit 0x100000001',
    '3→1 commit 0x100000002',
    '3→2 commit 0x100000002',
    'cut 1-3',
    '3→2 proposal 0x100000003 delete',
    '2→3 ack 0x100000003',
    '3→2 commit 0x100000003',
    'heal 1-3',
    '1→3 followerInfo e1 0x100000002',
    '3→1 leaderInfo e1',
    '1→3 ackEpoch e1 current=e1 0x100000002',
    '3→1 diff 0x100000003',
    '3→1 proposal 0x100000003 delete',
    '3→1 commit 0x100000003',
    '3→1 newLeader e1 0x100000003',
    '1→3 ackNewLeader 0x100000003',
    '3→1 upToDate',
  ]);
});
