// Compatibility, part 2: ACLs with digest auth and the super user, session timeout negotiation,
// resume with a bad password, and real session expiry behind a partitioning TCP proxy — with npm
// node-zookeeper-client against Apache ZooKeeper 3.8 and, once it exists, Zoo.

import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import zookeeper from 'node-zookeeper-client';
import { errorCode, PromiseClient, watchOnce, within } from './support/promise-client.js';
import { useTargetServer, type SuiteContext } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';
import { TcpProxy } from './support/tcp-proxy.js';

const { ACL, CreateMode, Event, Exception, Id, Permission } = zookeeper;
const targets = await resolveTargets({ ensemble: true });
warnUnavailable('compat-node-zookeeper-client-sessions', targets);

/** ZooKeeper: DigestAuthenticationProvider — `user:base64(sha1("user:password"))`. */
function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}
const superDigest = digestId('super', 'admin');
const aliceId = digestId('alice', 'secret');

function aclSummary(acls: readonly zookeeper.ACL[]): string[] {
  return acls.map((acl) => `${acl.permission} ${acl.id.scheme}:${acl.id.id}`).sort();
}

/** Digest ACLs: who may read, write and see what. */
function aclTests(suite: SuiteContext): void {
  test('acl: CREATOR_ALL_ACL becomes the creator digest and locks others out', async () => {
    const alice = await suite.connect();
    alice.addAuthInfo('digest', 'alice:secret');
    const stranger = await suite.connect();
    const path = suite.uniquePath('acl');
    await alice.create(path, Buffer.from('secret'), { acls: ACL.CREATOR_ALL_ACL });
    const { acls, stat } = await alice.getACL(path);
    expect(aclSummary(acls)).toEqual([`31 digest:${aliceId}`]);
    expect(stat?.aversion).toBe(0);
    expect(await errorCode(stranger.getData(path))).toBe(Exception.NO_AUTH);
    expect(await errorCode(stranger.setData(path, Buffer.from('x')))).toBe(Exception.NO_AUTH);
    expect(await errorCode(stranger.getACL(path))).toBe(Exception.NO_AUTH);
    expect(await errorCode(stranger.getChildren(path))).toBe(Exception.NO_AUTH);
    expect(await errorCode(stranger.create(`${path}/child`))).toBe(Exception.NO_AUTH);
    const again = await suite.connect();
    again.addAuthInfo('digest', 'alice:secret');
    expect((await again.getData(path)).data?.toString()).toBe('secret');
  });

  test('acl: CREATOR_ALL_ACL without an authenticated id is InvalidACL', async () => {
    const anonymous = await suite.connect();
    const path = suite.uniquePath('acl');
    const code = await errorCode(anonymous.create(path, null, { acls: ACL.CREATOR_ALL_ACL }));
    expect(code).toBe(Exception.INVALID_ACL);
    expect(await anonymous.exists(path)).toBeNull();
  });

  test('acl: delete is governed by the parent ACL, not by the node ACL', async () => {
    const alice = await suite.connect();
    alice.addAuthInfo('digest', 'alice:secret');
    const stranger = await suite.connect();
    const path = suite.uniquePath('acl');
    await alice.create(path, null, { acls: ACL.CREATOR_ALL_ACL });
    await stranger.remove(path);
    expect(await alice.exists(path)).toBeNull();
  });

  test('acl: a client without ADMIN sees digest ids masked by getACL', async () => {
    const alice = await suite.connect();
    alice.addAuthInfo('digest', 'alice:secret');
    const reader = await suite.connect();
    const path = suite.uniquePath('acl');
    const acls = [
      new ACL(Permission.READ, Id.ANYONE_ID_UNSAFE),
      new ACL(Permission.ALL, new Id('digest', aliceId)),
    ];
    await alice.create(path, Buffer.from('open'), { acls });
    expect((await reader.getData(path)).data?.toString()).toBe('open');
    expect(aclSummary((await reader.getACL(path)).acls)).toEqual([
      '1 world:anyone',
      '31 digest:alice:x',
    ]);
    expect(aclSummary((await alice.getACL(path)).acls)).toEqual([
      '1 world:anyone',
      `31 digest:${aliceId}`,
    ]);
    expect(await errorCode(reader.setData(path, Buffer.from('x')))).toBe(Exception.NO_AUTH);
  });
}

/** setACL and the super user. */
function aclAdminTests(suite: SuiteContext): void {
  test('acl: setACL needs ADMIN, checks aversion and changes nothing but aversion', async () => {
    const alice = await suite.connect();
    alice.addAuthInfo('digest', 'alice:secret');
    const stranger = await suite.connect();
    const path = suite.uniquePath('acl');
    await alice.create(path, null, { acls: ACL.CREATOR_ALL_ACL });
    const before = (await alice.getData(path)).stat;
    const after = await alice.setACL(path, ACL.OPEN_ACL_UNSAFE, 0);
    expect([after?.aversion, after?.version, after?.cversion]).toEqual([1, 0, 0]);
    expect(after?.mzxid).toEqual(before?.mzxid);
    expect(await errorCode(alice.setACL(path, ACL.OPEN_ACL_UNSAFE, 0))).toBe(Exception.BAD_VERSION);
    await alice.setACL(path, ACL.CREATOR_ALL_ACL, 1);
    expect(await errorCode(stranger.setACL(path, ACL.OPEN_ACL_UNSAFE))).toBe(Exception.NO_AUTH);
  });

  test('acl: the super digest passes every ACL check', async () => {
    const alice = await suite.connect();
    alice.addAuthInfo('digest', 'alice:secret');
    const root = await suite.connect();
    root.addAuthInfo('digest', 'super:admin');
    const path = suite.uniquePath('acl');
    await alice.create(path, Buffer.from('mine'), { acls: ACL.CREATOR_ALL_ACL });
    expect((await root.getData(path)).data?.toString()).toBe('mine');
    expect((await root.setData(path, Buffer.from('ours')))?.version).toBe(1);
  });
}

/** Timeout negotiation and a resume with the wrong password. */
function sessionTests(suite: SuiteContext): void {
  test('session: the requested timeout is clamped to 2..20 × tickTime', async () => {
    const short = await suite.connect({ sessionTimeout: 1_000 });
    const long = await suite.connect({ sessionTimeout: 100_000 });
    const exact = await suite.connect({ sessionTimeout: 6_000 });
    expect(short.raw.getSessionTimeout()).toBe(4_000);
    expect(long.raw.getSessionTimeout()).toBe(40_000);
    expect(exact.raw.getSessionTimeout()).toBe(6_000);
  });

  test('session: resuming with a wrong password is reported as expired', async () => {
    const owner = await suite.connect();
    const path = suite.uniquePath('session');
    await owner.create(path, null, { mode: CreateMode.EPHEMERAL });
    const impostor = PromiseClient.connect(suite.server().connectString, {
      sessionId: owner.raw.getSessionId(),
      sessionPassword: Buffer.alloc(16, 0xff),
    });
    await expect(impostor).rejects.toThrow(/expired/);
    const observer = await suite.connect();
    const stat = await observer.exists(path);
    expect(stat?.ephemeralOwner.readBigInt64BE(0)).toBe(owner.sessionId);
  });
}

for (const { target, isAvailable, reason } of targets) {
  const title = `node-zookeeper-client sessions and ACLs against ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000, superDigest });

    aclTests(suite);
    aclAdminTests(suite);
    sessionTests(suite);
  });

  describe.skipIf(!isAvailable)(`sessions behind a TCP proxy against ${target.name}`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await TcpProxy.start(suite.server());
    });
    afterAll(async () => {
      await proxy.close();
    });
    // A failed test must not leave the proxy frozen for the next one.
    afterEach(() => proxy.thaw());

    test('session: a partitioned session expires; ephemerals go, watchers fire', async () => {
      const victim = await PromiseClient.connect(proxy.connectString, { sessionTimeout: 4_000 });
      const observer = await suite.connect();
      const parent = suite.uniquePath('expiry');
      await observer.create(parent);
      await victim.create(`${parent}/lock`, null, { mode: CreateMode.EPHEMERAL });
      const deleted = watchOnce();
      const children = watchOnce();
      expect(await observer.exists(`${parent}/lock`, deleted.watcher)).toBeTruthy();
      await observer.getChildren(parent, children.watcher);
      const expired = new Promise<void>((resolve) => victim.raw.once('expired', () => resolve()));

      const frozenAt = Date.now();
      proxy.freeze();
      const event = await within(deleted.event, 15_000, 'NodeDeleted after expiry');
      const elapsedMs = Date.now() - frozenAt;
      expect([event.type, event.path]).toEqual([Event.NODE_DELETED, `${parent}/lock`]);
      const childEvent = await within(children.event, 1_000, 'NodeChildrenChanged');
      expect([childEvent.type, childEvent.path]).toEqual([Event.NODE_CHILDREN_CHANGED, parent]);
      // ZooKeeper: ExpiryQueue — expiry lands between timeout and timeout + tick after the last
      // packet; the last ping may have left up to timeout/3 before the partition began.
      expect(elapsedMs).toBeGreaterThan(4_000 - 4_000 / 3 - 250);
      expect(elapsedMs).toBeLessThan(4_000 + 2_000 + 1_500);
      expect(await observer.exists(`${parent}/lock`)).toBeNull();

      proxy.thaw();
      await within(expired, 10_000, 'the client to report Expired');
      victim.raw.close();
    });

    test('session: after a reconnect, setWatches restores watches and catches up', async () => {
      const watcher = await PromiseClient.connect(proxy.connectString, { sessionTimeout: 30_000 });
      const writer = await suite.connect();
      const path = suite.uniquePath('rewatch');
      await writer.create(path, Buffer.from('v0'));
      const [changed, created, children] = [watchOnce(), watchOnce(), watchOnce()];
      await watcher.getData(path, changed.watcher);
      expect(await watcher.exists(`${path}-later`, created.watcher)).toBeNull();
      await watcher.getChildren(path, children.watcher);
      const sessionId = watcher.sessionId;
      const reconnected = new Promise<void>((resolve) => watcher.raw.once('connected', resolve));

      proxy.freeze();
      proxy.dropAll();
      await writer.setData(path, Buffer.from('v1'));
      await writer.create(`${path}-later`);
      await writer.create(`${path}/child`);
      proxy.thaw();
      await within(reconnected, 10_000, 'the reconnect');
      // ZooKeeper: DataTree.setWatches — missed changes fire at once, before the reply.
      const all = Promise.all([changed.event, created.event, children.event]);
      const events = await within(all, 5_000, 'catch-up events');
      expect(events.map((e) => [e.type, e.path])).toEqual([
        [Event.NODE_DATA_CHANGED, path],
        [Event.NODE_CREATED, `${path}-later`],
        [Event.NODE_CHILDREN_CHANGED, path],
      ]);
      expect(watcher.sessionId).toBe(sessionId);
      await watcher.close();
    });
  });
}
