// A Zoo ensemble of 3 voters and 1 observer: the observer serves reads and forwards writes, never
// leads, does not count towards the quorum (losing it changes nothing; losing 2 of 3 voters
// stops every write even though the observer still runs).

import { afterEach, describe, expect, test } from 'vitest';
import { startCluster } from '@zoo/server';
import type { ClusterMember, ZooCluster } from '@zoo/server';
import { createClient, ErrorCode, ZooError } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import { within } from './support/promise-client.js';

let cluster: ZooCluster | null = null;
const clients: ZooClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  await cluster?.close();
  cluster = null;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

async function startWithObserver(tickMs = 2000): Promise<{
  c: ZooCluster;
  leaderId: number;
  observer: ClusterMember;
  voters: ClusterMember[];
}> {
  const c = await startCluster({ size: 3, observers: 1, tickMs });
  cluster = c;
  const leaderId = await c.waitForLeader();
  const observer = c.members.find((m) => m.isObserver);
  if (observer === undefined) throw new Error('no observer');
  return { c, leaderId, observer, voters: c.members.filter((m) => !m.isObserver) };
}

async function open(connectString: string): Promise<ZooClient> {
  const client = createClient(connectString, {
    sessionTimeoutMs: 20_000,
    reconnectDelayMaxMs: 200,
  });
  clients.push(client);
  await within(client.ready(), 15_000, `a session on ${connectString}`);
  return client;
}

/** Every running member has applied the same zxid and holds the same tree. */
async function converged(c: ZooCluster): Promise<void> {
  await eventually(() => {
    const states = c.members.filter((m) => m.isRunning).map((m) => c.stateOf(m.id));
    const first = states[0];
    return states.every((s) => s !== null && s.zxid === first?.zxid && s.digest === first.digest);
  }, 'running members to converge');
}

/** The error code a call rejects with (it must reject). */
async function codeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ZooError) return error.code;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('cluster observer', () => {
  test('observer: observes, serves reads, and forwards writes to the leader', async () => {
    const { c, leaderId, observer } = await startWithObserver();
    expect(c.roleOf(observer.id)).toBe('observing');
    expect(observer.id).not.toBe(leaderId);
    const viaObserver = await open(observer.connectString);
    const viaLeader = await open(c.members[leaderId - 1]?.connectString ?? '');

    await viaObserver.create('/from-observer', Buffer.from('o1'));
    const stat = await viaObserver.setData('/from-observer', Buffer.from('o2'));
    expect(stat.version).toBe(1);
    expect((await viaLeader.getData('/from-observer')).data?.toString()).toBe('o2');

    await viaLeader.create('/from-leader', Buffer.from('l1'));
    await viaObserver.sync('/from-leader');
    expect((await viaObserver.getData('/from-leader')).data?.toString()).toBe('l1');
    expect(await viaObserver.getChildren('/')).toEqual(
      expect.arrayContaining(['from-observer', 'from-leader']),
    );
    await converged(c);
    expect(c.roleOf(observer.id)).toBe('observing');
  }, 60_000);

  test('observer: never becomes leader, however often the leader dies', async () => {
    const { c, observer } = await startWithObserver();
    const leaders: number[] = [];
    let isSampling = true;
    const sampler = (async () => {
      while (isSampling) {
        const id = c.leader();
        if (id !== null && leaders.at(-1) !== id) leaders.push(id);
        expect(['observing', 'looking']).toContain(c.roleOf(observer.id));
        await sleep(5);
      }
    })();
    try {
      for (let round = 0; round < 3; round += 1) {
        const leaderId = await c.waitForLeader();
        await c.kill(leaderId);
        const next = await c.waitForLeader();
        expect(next).not.toBe(leaderId);
        await c.restart(leaderId);
        await c.waitForLeader();
      }
    } finally {
      isSampling = false;
      await sampler;
    }
    expect(leaders.length).toBeGreaterThanOrEqual(4);
    expect(leaders).not.toContain(observer.id);
    const client = await open(observer.connectString);
    await client.create('/still-served', null);
    expect(c.roleOf(observer.id)).toBe('observing');
  }, 120_000);

  test('observer: killing the observer leaves the quorum and the leader untouched', async () => {
    const { c, leaderId, observer, voters } = await startWithObserver();
    const client = await open(voters.map((m) => m.connectString).join(','));
    await client.create('/before', null);
    await c.kill(observer.id);
    for (let i = 0; i < 10; i += 1) await client.create(`/while-down-${i}`, null);
    expect(c.leader()).toBe(leaderId);
    for (const voter of voters) expect(c.roleOf(voter.id)).not.toBe('looking');

    await c.restart(observer.id);
    await c.waitForLeader();
    expect(c.leader()).toBe(leaderId);
    await converged(c);
    const viaObserver = await open(observer.connectString);
    expect(await viaObserver.exists('/while-down-9')).not.toBeNull();
  }, 60_000);

  test('observer: with 2 of 3 voters dead no write succeeds, observer or not', async () => {
    // A short tick: the observer notices the leader's step-down only after syncLimit ticks.
    const { c, leaderId, observer, voters } = await startWithObserver(500);
    const survivor = voters.find((m) => m.id === leaderId);
    const followers = voters.filter((m) => m.id !== leaderId);
    if (survivor === undefined) throw new Error('no leader');
    const client = await open(`${observer.connectString},${survivor.connectString}`);
    await client.create('/before', null);

    for (const follower of followers) await c.kill(follower.id);
    // The leader keeps no quorum (observers do not vote or ack), so it steps down.
    await eventually(() => c.leader() === null, 'the leader to step down', 20_000);
    expect(observer.isRunning).toBe(true);
    const code = await within(codeOf(client.create('/lost', null)), 30_000, 'the write to fail');
    expect([ErrorCode.ConnectionLoss, ErrorCode.SessionExpired]).toContain(code);

    const [revived] = followers;
    if (revived === undefined) throw new Error('no follower');
    await c.restart(revived.id);
    await c.waitForLeader();
    const after = await open(`${observer.connectString},${survivor.connectString}`);
    await after.create('/after', null);
    expect(await after.exists('/lost')).toBeNull();
    expect(await after.exists('/before')).not.toBeNull();
  }, 90_000);
});
