// Group membership and its partition on a 3-member Zoo ensemble (and on Apache ZooKeeper 3.8 when
// installed): every member's view converges to the same members and so to the same owner of
// every key, through a leader kill; a member that closes leaves everyone's view; an id held by a
// live session is refused.

import { describe, expect, test } from 'vitest';
import { createClient } from '../../adapters/create-client.js';
import type { ZooClient } from '../../api/zoo-client.js';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeperEnsemble,
  startZooEnsemble,
  type Ensemble,
} from '../testing/ensembles.js';
import { useEnsemble } from '../testing/fault-suites.js';
import { until } from '../testing/until.js';
import { GroupMember, MemberIdTakenError } from './group-member.js';
import { GroupView } from './group-view.js';
import { ownerOf } from './partitioner.js';

function groupSuite(ensemble: () => Ensemble): void {
  test('views converge, agree on every key, follow joins, leaves, a leader kill', async () => {
    const group = `/groups/g${Date.now()}`;
    const clients: ZooClient[] = [0, 1, 2].map(() =>
      createClient(ensemble().connectString, { sessionTimeoutMs: 6000 }),
    );
    const views = clients.map((client) => new GroupView(client, group));
    try {
      await Promise.all(views.map((view) => view.start()));
      await Promise.all(
        clients.map((client, i) => new GroupMember(client, { group, memberId: `m${i}` }).join()),
      );
      const all = ['m0', 'm1', 'm2'];
      await until('every view sees 3 members', () =>
        views.every((view) => view.members.join() === all.join()),
      );
      const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);
      const assignments = views.map((view) => keys.map((key) => ownerOf(key, view.members)));
      for (const assignment of assignments) expect(assignment).toEqual(assignments[0]);

      const killed = await ensemble().killLeader();
      await clients[2]?.close();
      await until('m2 gone from the other views', () =>
        views.slice(0, 2).every((view) => view.members.join() === 'm0,m1'),
      );
      await ensemble().restart(killed);
      const late = new GroupMember(clients[0] as ZooClient, { group, memberId: 'm3' });
      await late.join();
      await until('m3 seen', () => views[1]?.members.join() === 'm0,m1,m3');
    } finally {
      for (const view of views) view.close();
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    }
  }, 60_000);

  test('a member id held by another live session is refused', async () => {
    const group = `/groups/taken${Date.now()}`;
    const first = createClient(ensemble().connectString);
    const second = createClient(ensemble().connectString);
    try {
      await new GroupMember(first, { group, memberId: 'solo' }).join();
      await expect(new GroupMember(second, { group, memberId: 'solo' }).join()).rejects.toThrow(
        MemberIdTakenError,
      );
      // Joining twice from the owning session is fine (as after a lost reply).
      await new GroupMember(first, { group, memberId: 'solo' }).join();
      await new GroupMember(first, { group, memberId: 'solo' }).leave();
      expect(await first.exists(`${group}/solo`)).toBeNull();
    } finally {
      await first.close();
      await second.close();
    }
  });
}

describe('group membership on a 3-member Zoo ensemble', () => {
  groupSuite(useEnsemble(startZooEnsemble));
});

describe.skipIf(!isApacheZooKeeperInstalled())(
  'group membership on a 3-member Apache ZooKeeper 3.8 ensemble',
  () => {
    groupSuite(useEnsemble(startApacheZooKeeperEnsemble));
  },
);
