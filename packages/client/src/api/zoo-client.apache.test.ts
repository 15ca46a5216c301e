// Integration: every ZooClient operation against the real Apache ZooKeeper 3.8 (Debian package),
// started on a free port for this file. Skipped, with a notice, where Java/ZooKeeper is absent.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
  type ApacheZooKeeper,
} from '../../../../test/support/apache-zookeeper.js';
import { createClient } from '../adapters/create-client.js';
import type { WatchEvent } from '../core/session-types.js';
import {
  AddWatchMode,
  CREATOR_ALL_ACL,
  CreateMode,
  ErrorCode,
  EventType,
  OPEN_ACL_UNSAFE,
  Perms,
  WatcherType,
  ZooError,
} from '../protocol/index.js';
import type { ClientOptions } from './create-client-with-env.js';
import { TransactionError } from './transaction.js';
import type { ZooClient } from './zoo-client.js';

const isInstalled = isApacheZooKeeperInstalled();
const title = 'ZooClient against Apache ZooKeeper 3.8';
if (!isInstalled) {
  console.warn(`${title}: SKIPPED — java or /usr/share/java/zookeeper.jar is missing`);
}

const codeOf = (promise: Promise<unknown>): Promise<number | null> =>
  promise.then(
    () => null,
    (e: unknown) => (e instanceof ZooError ? e.code : null),
  );

/** Resolves with the next event a one-shot listener receives. */
function nextEvent(): { listener: (e: WatchEvent) => void; event: Promise<WatchEvent> } {
  let listener: (e: WatchEvent) => void = () => undefined;
  const event = new Promise<WatchEvent>((resolve) => {
    listener = resolve;
  });
  return { listener, event };
}

describe.skipIf(!isInstalled)(isInstalled ? title : `${title} (SKIPPED: not installed)`, () => {
  let zk: ApacheZooKeeper | undefined;
  const clients: ZooClient[] = [];
  let counter = 0;
  const unique = (name: string): string => `/${name}-${counter++}`;

  beforeAll(async () => {
    zk = await startApacheZooKeeper({ tickMs: 500 });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await zk?.stop();
  });

  async function connect(chroot = '', options: ClientOptions = {}): Promise<ZooClient> {
    if (zk === undefined) throw new Error('ZooKeeper did not start');
    const client = createClient(`${zk.connectString}${chroot}`, {
      sessionTimeoutMs: 6_000,
      ...options,
    });
    clients.push(client);
    await client.ready();
    return client;
  }

  test('create, getData, setData, exists, delete and their errors', async () => {
    const client = await connect();
    const path = unique('crud');
    expect(await client.create(path, 'v0')).toBe(path);
    expect((await client.getData(path)).data?.toString()).toBe('v0');
    expect((await client.setData(path, 'v1', 0)).version).toBe(1);
    expect((await client.exists(path))?.dataLength).toBe(2);
    expect(await codeOf(client.create(path))).toBe(ErrorCode.NodeExists);
    expect(await codeOf(client.setData(path, 'x', 0))).toBe(ErrorCode.BadVersion);
    await client.create(`${path}/child`);
    expect(await codeOf(client.delete(path))).toBe(ErrorCode.NotEmpty);
    const noNode = await client.getData(`${path}/none`).catch((e: unknown) => e);
    expect(noNode).toEqual(new ZooError(ErrorCode.NoNode, `${path}/none`));
    await client.delete(`${path}/child`);
    await client.delete(path, 1);
    expect(await client.exists(path)).toBeNull();
  });

  test('the server clamps the requested session timeout to 2..20 ticks', async () => {
    expect((await connect('', { sessionTimeoutMs: 100 })).negotiatedTimeoutMs).toBe(1_000);
    expect((await connect('', { sessionTimeoutMs: 99_000 })).negotiatedTimeoutMs).toBe(10_000);
  });

  test('null and empty data stay distinct', async () => {
    const client = await connect();
    const path = unique('null');
    await client.create(path, null);
    await client.create(`${path}-empty`, Buffer.alloc(0));
    expect((await client.getData(path)).data).toBeNull();
    expect((await client.getData(`${path}-empty`)).data).toEqual(Buffer.alloc(0));
  });

  test('every create mode, with stats as ZooKeeper reports them', async () => {
    const client = await connect();
    const base = unique('modes');
    await client.create(base);
    const eph = await client.createWithStat(`${base}/e`, 'x', { mode: CreateMode.ephemeral });
    expect(eph.stat.ephemeralOwner).toBe(client.sessionId);
    const seq = await client.create(`${base}/s-`, null, { mode: CreateMode.persistentSequential });
    expect(seq).toBe(`${base}/s-0000000001`);
    const es = await client.create(`${base}/es-`, null, { mode: CreateMode.ephemeralSequential });
    expect(es).toMatch(/\/es-\d{10}$/);
    const containerMode = { mode: CreateMode.container };
    const container = await client.createWithStat(`${base}/c`, null, containerMode);
    expect(container.stat.ephemeralOwner).toBe(0n);
    expect(await client.create(`${base}/c2`, null, containerMode)).toBe(`${base}/c2`);
    const ttl = { mode: CreateMode.persistentWithTtl, ttlMs: 60_000 };
    const ttlNode = await client.createWithStat(`${base}/t`, 'x', ttl);
    expect(ttlNode.stat).toEqual(await client.exists(`${base}/t`));
    const seqTtl = { mode: CreateMode.persistentSequentialWithTtl, ttlMs: 60_000 };
    expect(await client.create(`${base}/st-`, null, seqTtl)).toMatch(/\/st-\d{10}$/);
    expect((await client.getEphemerals(base)).sort()).toEqual([`${base}/e`, es].sort());
    expect(await client.getAllChildrenNumber(base)).toBe(7);
  });

  test('children with and without stat, sync and whoAmI', async () => {
    const client = await connect();
    const base = unique('kids');
    await client.create(base);
    await client.create(`${base}/a`);
    await client.create(`${base}/b`);
    expect((await client.getChildren(base)).sort()).toEqual(['a', 'b']);
    const { children, stat } = await client.getChildrenWithStat(base);
    expect(children.sort()).toEqual(['a', 'b']);
    expect(stat.numChildren).toBe(2);
    expect(stat.cversion).toBe(2);
    await client.sync(base);
    expect(await client.whoAmI()).toEqual([{ authScheme: 'ip', user: '127.0.0.1' }]);
  });

  test('digest auth, CREATOR_ALL_ACL, setACL versions and NoAuth for strangers', async () => {
    const alice = await connect();
    await alice.addAuth('digest', 'alice:secret');
    const infos = await alice.whoAmI();
    expect(infos).toContainEqual({ authScheme: 'digest', user: 'alice' });
    const path = unique('acl');
    await alice.create(path, 'secret', { acl: CREATOR_ALL_ACL });
    const { acl } = await alice.getACL(path);
    expect(acl).toEqual([
      { perms: Perms.all, id: { scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' } },
    ]);
    const stranger = await connect();
    expect(await codeOf(stranger.getData(path))).toBe(ErrorCode.NoAuth);
    expect(await codeOf(alice.setACL(path, OPEN_ACL_UNSAFE, 5))).toBe(ErrorCode.BadVersion);
    expect((await alice.setACL(path, OPEN_ACL_UNSAFE, 0)).aversion).toBe(1);
    expect((await stranger.getData(path)).data?.toString()).toBe('secret');
    const emptyAcl = stranger.create(unique('x'), null, { acl: [] });
    expect(await codeOf(emptyAcl)).toBe(ErrorCode.InvalidAcl);
  });

  test('an unknown auth scheme ends the session with authFailed', async () => {
    const client = await connect();
    const events: string[] = [];
    client.on('authFailed', () => events.push('authFailed'));
    expect(await codeOf(client.addAuth('nosuchscheme', 'x'))).toBe(ErrorCode.AuthFailed);
    expect(client.state).toBe('authFailed');
    expect(events).toEqual(['authFailed']);
    expect(await codeOf(client.getData('/'))).toBe(ErrorCode.AuthFailed);
  });

  test('one-shot watches: data, exist on a missing node, and children', async () => {
    const watcher = await connect();
    const writer = await connect();
    const path = unique('watch');
    const exist = nextEvent();
    expect(await watcher.exists(path, { watch: exist.listener })).toBeNull();
    await writer.create(path, 'a');
    expect(await exist.event).toMatchObject({ type: EventType.nodeCreated, path });
    const data = nextEvent();
    const child = nextEvent();
    await watcher.getData(path, { watch: data.listener });
    await watcher.getChildren(path, { watch: child.listener });
    await writer.setData(path, 'b');
    expect(await data.event).toMatchObject({ type: EventType.nodeDataChanged, path });
    await writer.create(`${path}/k`);
    expect(await child.event).toMatchObject({ type: EventType.nodeChildrenChanged, path });
  });

  test('a watch event arrives before any later reply that shows the change', async () => {
    const watcher = await connect();
    const writer = await connect();
    const path = unique('order');
    await writer.create(path, 'old');
    const order: string[] = [];
    await watcher.getData(path, { watch: () => order.push('event') });
    await writer.setData(path, 'new');
    const { data } = await watcher.getData(path);
    order.push(`read ${data?.toString() ?? ''}`);
    expect(order).toEqual(['event', 'read new']);
  });

  test('persistent and recursive watches keep firing; removeWatches and checkWatches', async () => {
    const client = await connect();
    // ZooKeeper 3.8 keeps one watch mode per path and connection (the last one registered), so
    // the recursive and the plain persistent watch sit on different paths.
    const root = unique('persist');
    const base = `${root}/p`;
    await client.create(root);
    await client.create(base);
    const recursive: string[] = [];
    const persistent: string[] = [];
    await client.addWatch(root, AddWatchMode.persistentRecursive, (e) => {
      recursive.push(`${e.type} ${e.path}`);
    });
    const onBase = (e: WatchEvent): void => {
      persistent.push(`${e.type} ${e.path}`);
    };
    await client.addWatch(base, AddWatchMode.persistent, onBase);
    await client.create(`${base}/a`);
    await client.setData(`${base}/a`, 'x');
    await client.setData(base, 'y');
    await client.sync(base);
    expect(recursive).toEqual([`1 ${base}/a`, `3 ${base}/a`, `3 ${base}`]);
    await client.removeWatches(root, WatcherType.any);
    expect(recursive).toEqual([`1 ${base}/a`, `3 ${base}/a`, `3 ${base}`, `7 ${root}`]);
    expect(persistent).toEqual([`4 ${base}`, `3 ${base}`]);
    await client.checkWatches(base, WatcherType.any);
    await client.removeWatches(base, WatcherType.any, { listener: onBase });
    expect(persistent).toEqual([`4 ${base}`, `3 ${base}`, `7 ${base}`]);
    expect(await codeOf(client.checkWatches(unique('none'), WatcherType.data))).toBe(
      ErrorCode.NoWatcher,
    );
  });

  test('multi commits atomically or reports per-op results; multiRead reads each op', async () => {
    const client = await connect();
    const base = unique('multi');
    await client.create(base, 'v0');
    const results = await client
      .transaction()
      .check(base, 0)
      .create(`${base}/a`, 'x')
      .setData(base, 'v1')
      .commit();
    expect(results.map((r) => r.type)).toEqual(['check', 'create', 'setData']);
    const failure = await client
      .multi([
        { type: 'delete', path: `${base}/a` },
        { type: 'check', path: base, version: 0 },
        { type: 'create', path: `${base}/b` },
      ])
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransactionError);
    expect((failure as TransactionError).results).toEqual([
      { type: 'error', code: ErrorCode.Ok },
      { type: 'error', code: ErrorCode.BadVersion },
      { type: 'error', code: ErrorCode.RuntimeInconsistency },
    ]);
    const reads = await client.multiRead([
      { type: 'getData', path: base },
      { type: 'getChildren', path: base },
      { type: 'getData', path: `${base}/missing` },
    ]);
    expect(reads[0]).toMatchObject({ type: 'getData', data: Buffer.from('v1') });
    expect(reads[1]).toEqual({ type: 'getChildren', children: ['a'] });
    expect(reads[2]).toEqual({
      type: 'error',
      error: new ZooError(ErrorCode.NoNode, `${base}/missing`),
    });
  });

  test('a chroot prefixes every path and is stripped from results and events', async () => {
    const root = await connect();
    const chroot = unique('chroot');
    await root.create(chroot);
    const client = await connect(chroot);
    const child = nextEvent();
    await client.getChildren('/', { watch: child.listener });
    const seq = await client.create('/n-', null, { mode: CreateMode.ephemeralSequential });
    expect(seq).toBe('/n-0000000000');
    expect(await child.event).toMatchObject({ type: EventType.nodeChildrenChanged, path: '/' });
    expect(await client.getEphemerals()).toEqual([seq]);
    expect(await root.getChildren(chroot)).toEqual(['n-0000000000']);
  });

  test('1000 pipelined calls resolve in order with increasing zxids', async () => {
    const client = await connect();
    const base = unique('pipe');
    await client.create(base);
    const creates = Array.from({ length: 1000 }, (_, i) => client.create(`${base}/n${i}`));
    const paths = await Promise.all(creates);
    expect(paths[999]).toBe(`${base}/n999`);
    const stats = await Promise.all(paths.map((p) => client.exists(p)));
    const czxids = stats.map((s) => s?.czxid ?? -1n);
    expect(czxids).toEqual([...czxids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(client.lastZxidSeen).toBeGreaterThanOrEqual(czxids[999] ?? 0n);
  });

  test("close deletes the session's ephemerals at once and refuses later calls", async () => {
    const owner = await connect();
    const observer = await connect();
    const path = unique('eph');
    await owner.create(path, null, { mode: CreateMode.ephemeral });
    const deleted = nextEvent();
    await observer.exists(path, { watch: deleted.listener });
    await owner.close();
    expect(await deleted.event).toMatchObject({ type: EventType.nodeDeleted, path });
    expect(owner.state).toBe('closed');
    expect(await codeOf(owner.getData('/'))).toBe(ErrorCode.SessionExpired);
  });
});
