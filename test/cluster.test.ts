// A 3-member Zoo ensemble over real sockets (loopback client ports, ws peer links): writes
// replicate to every member; killing the leader under write load loses no acknowledged write;
// a cut-off minority cannot commit and catches up once healed; sessions and their ephemerals
// survive the leader's death.

import { afterEach, describe, expect, test } from 'vitest';
import { startCluster } from '@zoo/server';
import type { ZooCluster } from '@zoo/server';
import { ZooError, createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';

let cluster: ZooCluster | null = null;
const clients: ZooClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  await cluster?.close();
  cluster = null;
});

async function open(connectString: string, sessionTimeoutMs = 20_000): Promise<ZooClient> {
  const client = createClient(connectString, { sessionTimeoutMs });
  clients.push(client);
  await client.ready();
  return client;
}

/** Waits until every running member has applied the same zxid and holds the same tree. */
async function converged(
  c: ZooCluster,
  timeoutMs = 15_000,
): Promise<{ zxid: bigint; digest: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = c.members.filter((m) => m.isRunning).map((m) => c.stateOf(m.id));
    const first = states[0];
    if (first && states.every((s) => s?.zxid === first.zxid && s.digest === first.digest))
      return first;
    if (Date.now() > deadline)
      throw new Error(
        `members did not converge: ${JSON.stringify(states, (_key, value: unknown) =>
          typeof value === 'bigint' ? value.toString(16) : value,
        )}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('cluster: replication over real sockets', () => {
  test('cluster: elects one leader and replicates writes to every member', async () => {
    cluster = await startCluster({ size: 3 });
    const leaderId = await cluster.waitForLeader();
    expect(
      cluster.members.filter((m) => cluster?.roleOf(m.id) === 'leading').map((m) => m.id),
    ).toEqual([leaderId]);
    const followerId = cluster.members.find((m) => m.id !== leaderId)?.id ?? 0;
    const viaFollower = await open(cluster.members[followerId - 1]?.connectString ?? '');
    await viaFollower.create('/replicated', Buffer.from('v1'));
    await viaFollower.setData('/replicated', Buffer.from('v2'));
    const { data } = await viaFollower.getData('/replicated');
    expect(data?.toString()).toBe('v2');
    await converged(cluster);
    for (const member of cluster.members) {
      const direct = await open(member.connectString);
      expect((await direct.getData('/replicated')).data?.toString()).toBe('v2');
    }
  });

  test('cluster: failover: every acked write survives killing the leader under load', async () => {
    cluster = await startCluster({ size: 3 });
    const leaderId = await cluster.waitForLeader();
    const client = await open(cluster.connectString);
    await client.create('/load', null);
    const acknowledged: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i += 1) {
        try {
          const path = await client.create(`/load/n-${i}`, Buffer.from(String(i)));
          acknowledged.push(path);
        } catch (error) {
          if (!(error instanceof ZooError)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cluster.kill(leaderId);
    const newLeader = await cluster.waitForLeader();
    expect(newLeader).not.toBe(leaderId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await writer;
    expect(acknowledged.length).toBeGreaterThan(10);
    await converged(cluster);
    for (const member of cluster.members.filter((m) => m.isRunning)) {
      const reader = await open(member.connectString);
      const children = new Set(await reader.getChildren('/load'));
      const missing = acknowledged.filter((path) => !children.has(path.slice('/load/'.length)));
      expect(missing).toEqual([]);
    }
  });

  test('cluster: a cut-off minority cannot commit, and catches up once healed', async () => {
    cluster = await startCluster({ size: 3 });
    const leaderId = await cluster.waitForLeader();
    const minority = cluster.members.find((m) => m.id !== leaderId);
    if (minority === undefined) throw new Error('no follower');
    const majorityClient = await open(
      cluster.members
        .filter((m) => m.id !== minority.id)
        .map((m) => m.connectString)
        .join(','),
    );
    cluster.isolate(minority.id);
    await majorityClient.create('/during-partition', Buffer.from('x'));
    const before = cluster.stateOf(minority.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cluster.stateOf(minority.id)?.zxid).toBe(before?.zxid);
    expect(cluster.roleOf(minority.id)).toBe('looking');
    cluster.heal(minority.id);
    await cluster.waitForLeader();
    const state = await converged(cluster);
    expect(cluster.stateOf(minority.id)).toEqual(state);
    const reader = await open(minority.connectString);
    expect((await reader.getData('/during-partition')).data?.toString()).toBe('x');
  });

  test('cluster: a leader cut off from its followers steps down; others elect', async () => {
    cluster = await startCluster({ size: 3 });
    const oldLeader = await cluster.waitForLeader();
    const client = await open(
      cluster.members
        .filter((m) => m.id !== oldLeader)
        .map((m) => m.connectString)
        .join(','),
    );
    await client.create('/before', null);
    cluster.isolate(oldLeader);
    const deadline = Date.now() + 20_000;
    while (cluster.leader() === oldLeader || cluster.leader() === null) {
      if (Date.now() > deadline) throw new Error('no new leader');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(cluster.leader()).not.toBe(oldLeader);
    await client.create('/after', null);
    cluster.heal(oldLeader);
    await cluster.waitForLeader();
    await converged(cluster);
    const reader = await open(cluster.members[oldLeader - 1]?.connectString ?? '');
    expect(await reader.exists('/after')).not.toBeNull();
  });

  test("cluster: a session and its ephemeral survive the leader's death", async () => {
    cluster = await startCluster({ size: 3 });
    const leaderId = await cluster.waitForLeader();
    const others = cluster.members
      .filter((m) => m.id !== leaderId)
      .map((m) => m.connectString)
      .join(',');
    const owner = await open(others, 20_000);
    const sessionId = owner.sessionId;
    await owner.create('/owned', null, { mode: 1 });
    await cluster.kill(leaderId);
    await cluster.waitForLeader();
    // The owner's server closed its connections when it lost the leader; the client reconnects.
    await owner.ready();
    expect(owner.sessionId).toBe(sessionId);
    expect(await owner.exists('/owned')).not.toBeNull();
    const observer = await open(others);
    const stat = await observer.exists('/owned');
    expect(stat?.ephemeralOwner).toBe(sessionId);
  });

  test('cluster: 5 members keep committing with 2 down, and stop at 3 down', async () => {
    cluster = await startCluster({ size: 5, tickMs: 500 });
    const firstLeader = await cluster.waitForLeader();
    const survivors = cluster.members.filter((m) => m.id !== firstLeader);
    const client = await open(survivors.map((m) => m.connectString).join(','));
    await client.create('/five', null);
    await cluster.kill(firstLeader);
    await cluster.kill(survivors[0]?.id ?? 0);
    await cluster.waitForLeader();
    await client.create('/five/with-two-down', null);
    await converged(cluster);
    await cluster.kill(survivors[1]?.id ?? 0);
    const deadline = Date.now() + 10_000;
    while (cluster.leader() !== null) {
      if (Date.now() > deadline) throw new Error('a minority of 2 kept a serving leader');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const remaining = cluster.members.filter((m) => m.isRunning).map((m) => m.id);
    expect(remaining).toHaveLength(2);
    // Followers notice within syncLimit (5 ticks) that their leader is gone, then look.
    while (remaining.some((id) => cluster?.roleOf(id) !== 'looking')) {
      if (Date.now() > deadline) throw new Error('the remaining members kept following');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await expect(client.create('/five/with-three-down', null)).rejects.toThrow();
  });
});
