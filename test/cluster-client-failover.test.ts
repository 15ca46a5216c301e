// Our client against a 3-member Zoo ensemble: when its member dies it resumes the same session on
// another member, setWatches re-arms its watches (missed changes fire at once), lastZxidSeen
// never goes back, and a member that is behind the client never gives it a session.

import { afterEach, describe, expect, test } from 'vitest';
import { startCluster } from '@zoo/server';
import type { ZooCluster } from '@zoo/server';
import { AddWatchMode, createClient, EventType } from '@zoo/client';
import type { ClientEventName, WatchEvent, ZooClient } from '@zoo/client';
import { within } from './support/promise-client.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { WireClient } from './support/wire-client.js';

interface Rig {
  cluster: ZooCluster;
  /** proxies[id − 1] forwards to member `id`; the watched client connects only through them. */
  proxies: TcpProxy[];
}

let rig: Rig | null = null;
const clients: ZooClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  for (const proxy of rig?.proxies ?? []) await proxy.close();
  await rig?.cluster.close();
  rig = null;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

async function startRig(): Promise<Rig & { leaderId: number }> {
  const cluster = await startCluster({ size: 3 });
  const proxies: TcpProxy[] = [];
  rig = { cluster, proxies };
  const leaderId = await cluster.waitForLeader();
  for (const member of cluster.members) {
    proxies.push(await TcpProxy.start({ host: '127.0.0.1', port: member.port }));
  }
  return { cluster, proxies, leaderId };
}

function proxyOf(r: Rig, id: number): TcpProxy {
  const proxy = r.proxies[id - 1];
  if (proxy === undefined) throw new Error(`no proxy for member ${id}`);
  return proxy;
}

/** The member the watched client is connected to (through its proxy), or null. */
function memberOfClient(r: Rig): number | null {
  const index = r.proxies.findIndex((proxy) => proxy.openConnections > 0);
  return index < 0 ? null : index + 1;
}

function followersOf(cluster: ZooCluster, leaderId: number): number[] {
  return cluster.members.filter((m) => m.id !== leaderId && !m.isObserver).map((m) => m.id);
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

/** A client that knows every member (through the proxies) but first lands on `firstId`. */
async function openThrough(r: Rig, firstId: number): Promise<ZooClient> {
  for (const proxy of r.proxies) if (proxy !== proxyOf(r, firstId)) proxy.freeze();
  const client = await open(r.proxies.map((proxy) => proxy.connectString).join(','));
  for (const proxy of r.proxies) proxy.thaw();
  expect(memberOfClient(r)).toBe(firstId);
  return client;
}

function nextEvent(client: ZooClient, name: ClientEventName): Promise<void> {
  return new Promise((resolve) => {
    const off = client.on(name, () => {
      off();
      resolve();
    });
  });
}

/** Moves the client's connection to member `id` (the others refuse it meanwhile). */
async function steer(r: Rig, client: ZooClient, id: number): Promise<void> {
  if (memberOfClient(r) === id) return;
  const others = r.proxies.filter((proxy) => proxy !== proxyOf(r, id));
  for (const proxy of others) proxy.freeze();
  const reconnected = nextEvent(client, 'connected');
  for (const proxy of others) proxy.dropAll();
  await within(reconnected, 15_000, `the client to move to member ${id}`);
  for (const proxy of others) proxy.thaw();
  expect(memberOfClient(r)).toBe(id);
}

/** Every running member has applied the same zxid. */
async function converged(cluster: ZooCluster): Promise<void> {
  await eventually(() => {
    const zxids = cluster.members
      .filter((m) => m.isRunning)
      .map((m) => cluster.stateOf(m.id)?.zxid);
    return zxids.every((zxid) => zxid !== undefined && zxid === zxids[0]);
  }, 'running members to apply the same zxid');
}

/** Records watch events as `<label> <type> <path>`. */
function eventLog(): { lines: string[]; listener: (label: string) => (e: WatchEvent) => void } {
  const lines: string[] = [];
  return { lines, listener: (label) => (e) => lines.push(`${label} ${e.type} ${e.path}`) };
}

// A one-shot child watch and a persistent recursive watch of one session on the SAME path
// interfere in ZooKeeper 3.8 (one watch mode per session and path on the server; the recursive
// mode wins and never fires NodeChildrenChanged — ZOOKEEPER-4466, fixed in 3.9), and Apache
// 3.8 behaves so too; so the recursive watches here sit on the parent `/f`.
describe('cluster failover: watches move with the session', () => {
  test("failover: a killed member's client resumes its session and its watches", async () => {
    const r = await startRig();
    const [followerId] = followersOf(r.cluster, r.leaderId);
    if (followerId === undefined) throw new Error('no follower');
    const client = await openThrough(r, followerId);
    const writer = await open(r.cluster.members[r.leaderId - 1]?.connectString ?? '');
    await writer.create('/f', null);
    await writer.create('/f/w', Buffer.from('v0'));
    const log = eventLog();
    await client.getData('/f/w', { watch: log.listener('data') });
    await client.getChildren('/f/w', { watch: log.listener('child') });
    await client.addWatch('/f', AddWatchMode.persistentRecursive, log.listener('recursive'));
    const sessionId = client.sessionId;

    const reconnected = nextEvent(client, 'connected');
    await r.cluster.kill(followerId);
    await within(reconnected, 15_000, 'the reconnect to another member');
    expect(client.sessionId).toBe(sessionId);
    expect([null, followerId]).not.toContain(memberOfClient(r));

    await writer.setData('/f/w', Buffer.from('v1'));
    await writer.create('/f/w/c', null);
    await eventually(() => log.lines.length >= 4, 'four watch events');
    expect([...log.lines].sort()).toEqual([
      `child ${EventType.nodeChildrenChanged} /f/w`,
      `data ${EventType.nodeDataChanged} /f/w`,
      `recursive ${EventType.nodeCreated} /f/w/c`,
      `recursive ${EventType.nodeDataChanged} /f/w`,
    ]);
    // One-shot watches are spent; the recursive one keeps firing.
    await writer.setData('/f/w', Buffer.from('v2'));
    await writer.delete('/f/w/c');
    await eventually(() => log.lines.length >= 6, 'the recursive watch again');
    expect(log.lines.slice(4)).toEqual([
      `recursive ${EventType.nodeDataChanged} /f/w`,
      `recursive ${EventType.nodeDeleted} /f/w/c`,
    ]);
  }, 60_000);

  test('failover: changes made while away fire at once after setWatches', async () => {
    const r = await startRig();
    const [followerId] = followersOf(r.cluster, r.leaderId);
    if (followerId === undefined) throw new Error('no follower');
    const client = await openThrough(r, followerId);
    const writer = await open(r.cluster.members[r.leaderId - 1]?.connectString ?? '');
    await writer.create('/f', null);
    await writer.create('/f/m', Buffer.from('v0'));
    const log = eventLog();
    await client.getData('/f/m', { watch: log.listener('data') });
    expect(await client.exists('/f/m-later', { watch: log.listener('exist') })).toBeNull();
    await client.getChildren('/f/m', { watch: log.listener('child') });
    await client.addWatch('/f', AddWatchMode.persistentRecursive, log.listener('recursive'));

    // Nobody answers the client until the changes are made and every member has them.
    for (const proxy of r.proxies) proxy.freeze();
    const disconnected = nextEvent(client, 'disconnected');
    await r.cluster.kill(followerId);
    await within(disconnected, 10_000, 'the disconnect');
    await writer.setData('/f/m', Buffer.from('v1'));
    await writer.create('/f/m-later', null);
    await writer.create('/f/m/child', null);
    await writer.create('/f/unwatched', null);
    await converged(r.cluster);
    expect(log.lines).toEqual([]);

    const reconnected = nextEvent(client, 'connected');
    for (const proxy of r.proxies) proxy.thaw();
    await within(reconnected, 15_000, 'the reconnect');
    // The catch-up events precede the setWatches reply, so they precede this reply too.
    await client.exists('/f');
    expect([...log.lines].sort()).toEqual([
      `child ${EventType.nodeChildrenChanged} /f/m`,
      `data ${EventType.nodeDataChanged} /f/m`,
      `exist ${EventType.nodeCreated} /f/m-later`,
      // The client hands each catch-up event to the recursive listener on an ancestor too
      // (ZooKeeper: ZKWatchManager.materialize); NodeChildrenChanged is not for it.
      `recursive ${EventType.nodeCreated} /f/m-later`,
      `recursive ${EventType.nodeDataChanged} /f/m`,
    ]);
    // ZooKeeper: DataTree.setWatches re-adds persistent watches without catch-up events, so
    // /f/unwatched, created while away, was never announced; later changes are.
    await writer.setData('/f/m/child', Buffer.from('x'));
    await eventually(() => log.lines.length >= 6, 'the recursive watch after failover');
    expect(log.lines.slice(5)).toEqual([`recursive ${EventType.nodeDataChanged} /f/m/child`]);
  }, 60_000);
});

describe('cluster failover: a single system image', () => {
  test('failover: lastZxidSeen never goes back across kills and restarts', async () => {
    const r = await startRig();
    const client = await open(r.proxies.map((proxy) => proxy.connectString).join(','));
    const seen: bigint[] = [client.lastZxidSeen];
    const record = <T>(value: T): T => {
      seen.push(client.lastZxidSeen);
      return value;
    };
    const admissions: { clientZxid: bigint; memberZxid: bigint }[] = [];
    client.on('connected', () => {
      const id = memberOfClient(r);
      const memberZxid = id === null ? -1n : (r.cluster.stateOf(id)?.zxid ?? -1n);
      admissions.push({ clientZxid: client.lastZxidSeen, memberZxid });
    });
    const sessionId = client.sessionId;
    record(await client.create('/counter', Buffer.from('0')));
    let last = { version: 0, mzxid: 0n };
    const [first] = followersOf(r.cluster, r.leaderId);
    // A follower, then the leader, then the first victim again (restarted empty, resynced).
    for (const pick of [() => first, () => r.cluster.leader(), () => first]) {
      const victim = pick();
      if (victim === undefined || victim === null) throw new Error('no member to kill');
      await steer(r, client, victim);
      for (let i = 0; i < 5; i += 1) {
        const stat = record(await client.setData('/counter', Buffer.from(`${victim}.${i}`)));
        last = { version: stat.version, mzxid: stat.mzxid };
        record(await client.getChildren('/'));
      }
      const reconnected = nextEvent(client, 'connected');
      await r.cluster.kill(victim);
      await within(reconnected, 30_000, `the reconnect after killing member ${victim}`);
      const { stat } = record(await client.getData('/counter'));
      expect(stat.version).toBeGreaterThanOrEqual(last.version);
      expect(stat.mzxid).toBeGreaterThanOrEqual(last.mzxid);
      await r.cluster.restart(victim);
      await r.cluster.waitForLeader();
    }
    expect(client.sessionId).toBe(sessionId);
    expect(seen.length).toBeGreaterThan(30);
    for (let i = 1; i < seen.length; i += 1) {
      expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] ?? 0n);
    }
    expect(admissions.length).toBeGreaterThanOrEqual(3);
    for (const { clientZxid, memberZxid } of admissions) {
      expect(memberZxid).toBeGreaterThanOrEqual(clientZxid);
    }
  }, 120_000);

  test('failover: a member behind the client gives it no session until it catches up', async () => {
    const r = await startRig();
    const [laggingId, otherId] = followersOf(r.cluster, r.leaderId);
    if (laggingId === undefined || otherId === undefined) throw new Error('two followers expected');
    const client = await openThrough(r, otherId);
    const sessionId = client.sessionId;
    await client.create('/ssi', Buffer.from('before'));
    r.cluster.isolate(laggingId);
    await client.setData('/ssi', Buffer.from('after'));
    const zxidSeen = client.lastZxidSeen;
    expect(r.cluster.stateOf(laggingId)?.zxid).toBeLessThan(zxidSeen);

    // Only the lagging member is reachable now.
    const admittedAt: bigint[] = [];
    client.on('connected', () => admittedAt.push(r.cluster.stateOf(laggingId)?.zxid ?? -1n));
    for (const proxy of r.proxies) if (proxy !== proxyOf(r, laggingId)) proxy.freeze();
    const disconnected = nextEvent(client, 'disconnected');
    proxyOf(r, otherId).dropAll();
    await within(disconnected, 10_000, 'the disconnect');
    await sleep(1_500);
    expect(admittedAt).toEqual([]);
    expect(client.state).toBe('connecting');

    const reconnected = nextEvent(client, 'connected');
    r.cluster.heal(laggingId);
    await within(reconnected, 30_000, 'a session on the healed member');
    expect(memberOfClient(r)).toBe(laggingId);
    expect(admittedAt[0]).toBeGreaterThanOrEqual(zxidSeen);
    expect(client.sessionId).toBe(sessionId);
    expect((await client.getData('/ssi')).data?.toString()).toBe('after');
  }, 60_000);

  test('failover: a follower refuses a client ahead of it until it applies that zxid', async () => {
    const r = await startRig();
    const [followerId] = followersOf(r.cluster, r.leaderId);
    const follower = r.cluster.members[(followerId ?? 0) - 1];
    if (followerId === undefined || follower === undefined) throw new Error('no follower');
    const writer = await open(r.cluster.members[r.leaderId - 1]?.connectString ?? '');
    await converged(r.cluster);
    const next = (r.cluster.stateOf(followerId)?.zxid ?? 0n) + 1n;
    const endpoint = { host: '127.0.0.1', port: follower.port, timeoutMs: 10_000 };
    // ZooKeeper: ZooKeeperServer.processConnectRequest — "Refusing session request for client
    // as it has seen zxid … our last zxid is …": the socket closes without an answer.
    await expect(WireClient.connect({ ...endpoint, lastZxidSeen: next })).rejects.toThrow(/closed/);
    await writer.create('/next', null);
    await eventually(
      () => (r.cluster.stateOf(followerId)?.zxid ?? 0n) >= next,
      'the follower to apply the next txn',
    );
    const wire = await WireClient.connect({ ...endpoint, lastZxidSeen: next });
    expect(wire.sessionId).not.toBe(0n);
    expect(wire.session.timeoutMs).toBe(10_000);
    await wire.close();
  }, 60_000);
});
