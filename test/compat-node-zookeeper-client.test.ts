// Compatibility: npm node-zookeeper-client 1.1.3, a client nobody here wrote, against Apache
// ZooKeeper 3.8 (proving each expectation) and against Zoo once `@zoo/server` exists.
// Covers CRUD, sequential and ephemeral nodes, watches and multi; ACLs and sessions live in
// compat-node-zookeeper-client-sessions.test.ts.

import { describe, expect, test } from 'vitest';
import zookeeper from 'node-zookeeper-client';
import { errorCode, watchOnce, within, type Stat, type ZkEvent } from './support/promise-client.js';
import { useTargetServer, type SuiteContext } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';

const { CreateMode, Event, Exception } = zookeeper;
const targets = await resolveTargets({ ensemble: true });
warnUnavailable('compat-node-zookeeper-client', targets);

const long = (value: Buffer): bigint => value.readBigInt64BE(0);
const text = (value: string): Buffer => Buffer.from(value, 'utf8');

function statOf(stat: Stat | null | undefined): Stat {
  expect(stat).toBeTruthy();
  return stat as Stat;
}

/** Create, read, update and delete with versions. */
function crudTests(suite: SuiteContext): void {
  test('crud: create returns the path; getData returns the bytes, fresh stat', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('crud');
    expect(await client.create(path, text('hello'))).toBe(path);
    const { data, stat } = await client.getData(path);
    const s = statOf(stat);
    expect(data?.toString()).toBe('hello');
    const counters = [s.version, s.cversion, s.aversion, s.dataLength, s.numChildren];
    expect(counters).toEqual([0, 0, 0, 5, 0]);
    expect(long(s.ephemeralOwner)).toBe(0n);
    expect(long(s.mzxid)).toBe(long(s.czxid));
    expect(long(s.pzxid)).toBe(long(s.czxid));
    expect(long(s.mtime)).toBe(long(s.ctime));
  });

  test('crud: setData bumps version and mzxid only; stale version is BadVersion', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('crud');
    await client.create(path, text('a'));
    const created = statOf((await client.getData(path)).stat);
    const updated = statOf(await client.setData(path, text('bb'), 0));
    expect(updated.version).toBe(1);
    expect(updated.dataLength).toBe(2);
    expect(long(updated.mzxid)).toBeGreaterThan(long(created.mzxid));
    expect(long(updated.czxid)).toBe(long(created.czxid));
    expect(long(updated.ctime)).toBe(long(created.ctime));
    expect(long(updated.mtime)).toBeGreaterThanOrEqual(long(created.mtime));
    expect(await errorCode(client.setData(path, text('c'), 0))).toBe(Exception.BAD_VERSION);
    // ZooKeeper: DataTree.setData — identical bytes still count as a change.
    expect(statOf(await client.setData(path, text('bb'), -1)).version).toBe(2);
  });

  test('crud: delete checks version before emptiness, then NoNode', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('crud');
    await client.create(path);
    await client.create(`${path}/child`);
    expect(await errorCode(client.remove(path, -1))).toBe(Exception.NOT_EMPTY);
    // ZooKeeper: PrepRequestProcessor — BadVersion is tested before NotEmpty.
    expect(await errorCode(client.remove(path, 5))).toBe(Exception.BAD_VERSION);
    await client.remove(`${path}/child`);
    await client.remove(path, 0);
    expect(await errorCode(client.getData(path))).toBe(Exception.NO_NODE);
    expect(await client.exists(path)).toBeNull();
    expect(await errorCode(client.remove(path))).toBe(Exception.NO_NODE);
  });
}

/** Error codes of create, null versus empty data, and the child list with its parent stat. */
function dataTests(suite: SuiteContext): void {
  test('crud: create gives NodeExists for a duplicate, NoNode without parent', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('crud');
    await client.create(path);
    expect(await errorCode(client.create(path))).toBe(Exception.NODE_EXISTS);
    expect(await errorCode(client.create(`${path}/missing/child`))).toBe(Exception.NO_NODE);
  });

  test('crud: null data and empty data are stored and returned differently', async () => {
    const client = await suite.connect();
    const nullPath = suite.uniquePath('crud');
    const emptyPath = suite.uniquePath('crud');
    await client.create(nullPath, null);
    await client.create(emptyPath, Buffer.alloc(0));
    const nullRead = await client.getData(nullPath);
    const emptyRead = await client.getData(emptyPath);
    expect(nullRead.data ?? null).toBeNull();
    expect(emptyRead.data).toEqual(Buffer.alloc(0));
    expect(statOf(nullRead.stat).dataLength).toBe(0);
    expect(statOf(emptyRead.stat).dataLength).toBe(0);
  });

  test('children: names listed; parent cversion, numChildren, pzxid tracked', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('kids');
    await client.create(path);
    await client.create(`${path}/b`);
    await client.create(`${path}/a`);
    const before = await client.getChildren(path);
    expect([...before.children].sort()).toEqual(['a', 'b']);
    const s1 = statOf(before.stat);
    expect([s1.cversion, s1.numChildren, s1.version]).toEqual([2, 2, 0]);
    await client.remove(`${path}/a`);
    const s2 = statOf((await client.getChildren(path)).stat);
    // ZooKeeper: cversion = 2 × childCreates − numChildren, so a delete also adds one.
    expect([s2.cversion, s2.numChildren]).toEqual([3, 1]);
    expect(long(s2.pzxid)).toBeGreaterThan(long(s1.pzxid));
    expect(long(s2.mzxid)).toBe(long(s1.mzxid));
  });
}

/** Sequential names and the life of an ephemeral node. */
function sequentialAndEphemeralTests(suite: SuiteContext): void {
  test('sequential: suffix is the parent create counter as %010d, gaps included', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('seq');
    await client.create(path);
    await client.create(`${path}/plain`);
    const sequential = { mode: CreateMode.PERSISTENT_SEQUENTIAL };
    const first = await client.create(`${path}/n-`, null, sequential);
    const second = await client.create(`${path}/n-`, null, {
      mode: CreateMode.EPHEMERAL_SEQUENTIAL,
    });
    await client.remove(`${path}/plain`);
    const third = await client.create(`${path}/q-`, null, sequential);
    expect([first, second, third]).toEqual([
      `${path}/n-0000000001`,
      `${path}/n-0000000002`,
      `${path}/q-0000000003`,
    ]);
  });

  test('ephemeral: owned by its session, childless, gone when the session closes', async () => {
    const owner = await suite.connect();
    const observer = await suite.connect();
    const path = suite.uniquePath('eph');
    await owner.create(path, null, { mode: CreateMode.EPHEMERAL });
    const stat = statOf(await observer.exists(path));
    expect(long(stat.ephemeralOwner)).toBe(owner.sessionId);
    expect(await errorCode(owner.create(`${path}/child`))).toBe(-108);
    const watch = watchOnce();
    await observer.exists(path, watch.watcher);
    await owner.close();
    const event = await within(watch.event, 5_000, 'NodeDeleted');
    expect([event.type, event.path]).toEqual([Event.NODE_DELETED, path]);
    expect(await observer.exists(path)).toBeNull();
  });
}

/** Standard watches set by exists and getData. */
function watchTests(suite: SuiteContext): void {
  test('watch: exists on a missing node fires NodeCreated on create', async () => {
    const watcher = await suite.connect();
    const writer = await suite.connect();
    const path = suite.uniquePath('watch');
    const watch = watchOnce();
    expect(await watcher.exists(path, watch.watcher)).toBeNull();
    await writer.create(path);
    const event = await within(watch.event, 5_000, 'NodeCreated');
    expect([event.type, event.path]).toEqual([Event.NODE_CREATED, path]);
  });

  test('watch: a getData watch fires NodeDataChanged once and is then consumed', async () => {
    const watcher = await suite.connect();
    const writer = await suite.connect();
    const path = suite.uniquePath('watch');
    await writer.create(path);
    const events: ZkEvent[] = [];
    await watcher.getData(path, (event) => events.push(event));
    await writer.setData(path, text('1'));
    await writer.setData(path, text('2'));
    // Replies follow the notifications queued before them on a connection, so one round trip
    // on the watcher's connection proves every event for those writes has arrived.
    await watcher.getData(path);
    expect(events.map((e) => [e.type, e.path])).toEqual([[Event.NODE_DATA_CHANGED, path]]);
  });

  test('watch: a getData watch fires NodeDeleted when the node is deleted', async () => {
    const watcher = await suite.connect();
    const writer = await suite.connect();
    const path = suite.uniquePath('watch');
    await writer.create(path);
    const watch = watchOnce();
    await watcher.getData(path, watch.watcher);
    await writer.remove(path);
    const event = await within(watch.event, 5_000, 'NodeDeleted');
    expect([event.type, event.path]).toEqual([Event.NODE_DELETED, path]);
  });
}

/** Child watches, and notifications ordered before replies. */
function watchOrderTests(suite: SuiteContext): void {
  test('watch: child watch fires on child create/delete, not on data changes', async () => {
    const watcher = await suite.connect();
    const writer = await suite.connect();
    const path = suite.uniquePath('watch');
    await writer.create(path);
    await writer.create(`${path}/x`);
    const events: ZkEvent[] = [];
    await watcher.getChildren(path, (event) => events.push(event));
    await writer.setData(`${path}/x`, text('data'));
    await writer.setData(path, text('parent data'));
    await watcher.getData(path);
    expect(events).toEqual([]);
    await writer.create(`${path}/y`);
    await watcher.getChildren(path, (event) => events.push(event));
    await writer.remove(`${path}/x`);
    await watcher.getData(path);
    expect(events.map((e) => [e.type, e.path])).toEqual([
      [Event.NODE_CHILDREN_CHANGED, path],
      [Event.NODE_CHILDREN_CHANGED, path],
    ]);
  });

  test('watch: the writer gets its own notification before its write reply', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('watch');
    await client.create(path);
    const order: string[] = [];
    await client.getData(path, () => order.push('notification'));
    await client.setData(path, text('x')).then(() => order.push('reply'));
    expect(order).toEqual(['notification', 'reply']);
  });
}

/** Transactions: all or nothing. */
function multiTests(suite: SuiteContext): void {
  test('multi: a successful transaction applies every op under one zxid', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('tx');
    const { err, results } = await client.commit((t) =>
      t.create(path).create(`${path}/a`, text('x')).setData(path, text('v'), 0).check(path, 1),
    );
    expect(err).toBe(0);
    expect(results.map((r) => r.type)).toEqual([1, 1, 5, 13]);
    expect(results.map((r) => r.path)).toEqual([path, `${path}/a`, undefined, undefined]);
    const parent = statOf((await client.getData(path)).stat);
    const child = statOf((await client.getData(`${path}/a`)).stat);
    expect(long(child.czxid)).toBe(long(parent.czxid));
    expect(long(parent.mzxid)).toBe(long(parent.czxid));
    expect(parent.version).toBe(1);
  });

  test('multi: a failing op aborts all; earlier report 0, later -2', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('tx');
    const { err, results } = await client.commit((t) =>
      t
        .create(path)
        .setData(path, text('v'), 0)
        .check(`${path}-missing`, 0)
        .create(`${path}-later`),
    );
    expect(err).toBe(Exception.NO_NODE);
    expect(results.map((r) => [r.type, r.err])).toEqual([
      [-1, 0],
      [-1, 0],
      [-1, Exception.NO_NODE],
      [-1, Exception.RUNTIME_INCONSISTENCY],
    ]);
    expect(await client.exists(path)).toBeNull();
    expect(await client.exists(`${path}-later`)).toBeNull();
  });

  test('multi: a stale version gives BadVersion and changes nothing', async () => {
    const client = await suite.connect();
    const path = suite.uniquePath('tx');
    await client.create(path, text('orig'));
    // node-zookeeper-client sends version 0 as −1 inside transactions (`version || -1`), so the
    // stale version here is 5.
    const { err } = await client.commit((t) => t.setData(path, text('new'), -1).check(path, 5));
    expect(err).toBe(Exception.BAD_VERSION);
    const { data, stat } = await client.getData(path);
    expect([data?.toString(), statOf(stat).version]).toEqual(['orig', 0]);
  });
}

for (const { target, isAvailable, reason } of targets) {
  const title = `node-zookeeper-client against ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });
    crudTests(suite);
    dataTests(suite);
    sequentialAndEphemeralTests(suite);
    watchTests(suite);
    watchOrderTests(suite);
    multiTests(suite);
  });
}
