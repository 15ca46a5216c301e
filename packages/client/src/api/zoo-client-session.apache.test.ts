// Integration: session behaviour of ZooClient against the real Apache ZooKeeper 3.8 — pings,
// failover between two addresses keeping the session and its watches, expiry behind a
// partition, and resuming a session from another client. Skipped where ZooKeeper is absent.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
  type ApacheZooKeeper,
} from '../../../../test/support/apache-zookeeper.js';
import { TcpProxy } from '../../../../test/support/tcp-proxy.js';
import { createClient } from '../adapters/create-client.js';
import type { WatchEvent } from '../core/session-types.js';
import { CreateMode, ErrorCode, EventType, KeeperState, ZooError } from '../protocol/index.js';
import type { ClientOptions } from './create-client-with-env.js';
import type { ZooClient } from './zoo-client.js';

const isInstalled = isApacheZooKeeperInstalled();
const title = 'ZooClient sessions against Apache ZooKeeper 3.8';
if (!isInstalled) {
  console.warn(`${title}: SKIPPED — java or /usr/share/java/zookeeper.jar is missing`);
}

const codeOf = (promise: Promise<unknown>): Promise<number | null> =>
  promise.then(
    () => null,
    (e: unknown) => (e instanceof ZooError ? e.code : null),
  );
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function eventually(client: ZooClient, event: 'connected' | 'expired'): Promise<void> {
  return new Promise((resolve) => {
    const off = client.on(event, () => {
      off();
      resolve();
    });
  });
}

describe.skipIf(!isInstalled)(isInstalled ? title : `${title} (SKIPPED: not installed)`, () => {
  let zk: ApacheZooKeeper | undefined;
  const clients: ZooClient[] = [];
  const proxies: TcpProxy[] = [];
  let counter = 0;
  const unique = (name: string): string => `/${name}-${counter++}`;

  beforeAll(async () => {
    zk = await startApacheZooKeeper({ tickMs: 500 });
  }, 60_000);

  afterAll(async () => {
    for (const proxy of proxies) proxy.thaw();
    await Promise.all(clients.map((client) => client.close()));
    for (const proxy of proxies) await proxy.close();
    await zk?.stop();
  });

  async function proxy(): Promise<TcpProxy> {
    if (zk === undefined) throw new Error('ZooKeeper did not start');
    const started = await TcpProxy.start({ host: zk.host, port: zk.port });
    proxies.push(started);
    return started;
  }

  async function connect(connectString: string, options: ClientOptions = {}): Promise<ZooClient> {
    const client = createClient(connectString, { reconnectDelayMaxMs: 100, ...options });
    clients.push(client);
    await client.ready();
    return client;
  }

  test('pings keep an idle session alive well past its timeout', async () => {
    if (zk === undefined) throw new Error('ZooKeeper did not start');
    const client = await connect(zk.connectString, { sessionTimeoutMs: 3_000 });
    const events: string[] = [];
    client.on('disconnected', () => events.push('disconnected'));
    const path = unique('idle');
    await client.create(path, null, { mode: CreateMode.ephemeral });
    await sleep(7_000);
    expect((await client.exists(path))?.ephemeralOwner).toBe(client.sessionId);
    expect(events).toEqual([]);
  });

  test('failover: in-flight calls get ConnectionLoss; session and watches survive', async () => {
    if (zk === undefined) throw new Error('ZooKeeper did not start');
    const [first, second] = [await proxy(), await proxy()];
    const client = await connect(`127.0.0.1:${first.port},127.0.0.1:${second.port}`, {
      sessionTimeoutMs: 4_000,
    });
    const writer = await connect(zk.connectString);
    const sessionId = client.sessionId;
    const path = unique('failover');
    await client.create(`${path}-eph`, null, { mode: CreateMode.ephemeral });
    await writer.create(path, 'v0');
    const watched: WatchEvent[] = [];
    await client.getData(path, { watch: (e) => watched.push(e) });
    const [active, standby] = first.openConnections > 0 ? [first, second] : [second, first];
    const reconnected = eventually(client, 'connected');
    active.freeze();
    const inFlight = client.getData(path);
    await writer.setData(path, 'changed while partitioned');
    expect(await codeOf(inFlight)).toBe(ErrorCode.ConnectionLoss);
    await reconnected;
    expect(standby.openConnections).toBe(1);
    expect(client.sessionId).toBe(sessionId);
    await client.sync(path);
    // ZooKeeper: setWatches with lastZxidSeen makes the new server fire the missed change.
    expect(watched).toEqual([
      { type: EventType.nodeDataChanged, state: KeeperState.syncConnected, path },
    ]);
    expect((await writer.exists(`${path}-eph`))?.ephemeralOwner).toBe(sessionId);
    active.thaw();
  });

  test('expiry: a partition longer than the timeout ends the session for good', async () => {
    const only = await proxy();
    const client = await connect(`127.0.0.1:${only.port}`, { sessionTimeoutMs: 1_000 });
    const path = unique('expire');
    await client.create(path, null, { mode: CreateMode.ephemeral });
    const watched: WatchEvent[] = [];
    await client.exists(path, { watch: (e) => watched.push(e) });
    const expired = eventually(client, 'expired');
    only.freeze();
    await sleep(3_000);
    only.thaw();
    await expired;
    expect(client.state).toBe('expired');
    expect(watched).toEqual([{ type: EventType.none, state: KeeperState.expired, path }]);
    expect(await codeOf(client.getData('/'))).toBe(ErrorCode.SessionExpired);
    const observer = await connect(`127.0.0.1:${only.port}`);
    expect(await observer.exists(path)).toBeNull();
  });

  test('another client resumes a session from its id and password', async () => {
    if (zk === undefined) throw new Error('ZooKeeper did not start');
    const cut = await proxy();
    const original = await connect(`127.0.0.1:${cut.port}`, { sessionTimeoutMs: 6_000 });
    const path = unique('resume');
    await original.create(path, null, { mode: CreateMode.ephemeral });
    cut.freeze();
    const resumed = await connect(zk.connectString, {
      sessionTimeoutMs: 6_000,
      session: { id: original.sessionId, passwd: original.sessionPasswd },
    });
    expect(resumed.sessionId).toBe(original.sessionId);
    expect(await resumed.getEphemerals()).toEqual([path]);
    const wrongPassword = createClient(zk.connectString, {
      session: { id: original.sessionId, passwd: Buffer.alloc(16, 1) },
    });
    clients.push(wrongPassword);
    await expect(wrongPassword.ready()).rejects.toEqual(new ZooError(ErrorCode.SessionExpired));
    await resumed.close();
    cut.thaw();
  });
});
