import { describe, expect, test } from 'vitest';
import type { Txn } from '../tree/txn.js';
import { PrepHarness, createRequest, req } from './testing/prep-harness.js';
import {
  prepareCloseSession,
  prepareCreateSession,
  prepareDeleteContainer,
} from './prepare-request.js';

const s1 = 0x0100000000000001n;
const s2 = 0x0100000000000002n;

/** Stamps a server-issued txn with the harness's next zxid and counts it as handed out. */
function issue(h: PrepHarness, make: (ctx: ReturnType<PrepHarness['context']>) => Txn | null) {
  const txn = make(h.context());
  if (txn !== null) h.zxid = txn.zxid;
  return txn;
}

describe('prepareCreateSession', () => {
  test('takes a zxid and changes no node', () => {
    const h = new PrepHarness();
    const before = h.tree.digest();
    const txn = issue(h, (ctx) => prepareCreateSession({ ...ctx, sessionId: s1 }, 30000));
    expect(txn).toMatchObject({
      zxid: 1n,
      sessionId: s1,
      body: { type: 'createSession', timeoutMs: 30000 },
    });
    if (txn === null) throw new Error('no txn');
    expect(h.apply(txn).result).toEqual({ type: 'session' });
    expect(h.tree.digest()).toBe(before);
    expect(h.tree.lastZxid).toBe(1n);
  });
});

// ZooKeeper: PrepRequestProcessor closeSession branch — tree ephemerals ± outstanding changes.
describe('prepareCloseSession', () => {
  test('lists the session ephemerals, sorted, and deletes them all with one zxid', () => {
    const h = new PrepHarness();
    h.mkdirs('/p');
    for (const path of ['/p/z', '/a', '/p/b']) {
      h.write(createRequest(path, { flags: 1 }), { sessionId: s1 });
    }
    h.write(createRequest('/other', { flags: 1 }), { sessionId: s2 });
    const txn = issue(h, (ctx) => prepareCloseSession(ctx, s1));
    if (txn === null) throw new Error('no txn');
    expect(txn.body).toEqual({ type: 'closeSession', ephemeralPaths: ['/a', '/p/b', '/p/z'] });
    expect(txn.sessionId).toBe(s1);
    const { events } = h.apply(txn);
    expect(events.filter((e) => e.type === 'nodeDeleted')).toHaveLength(3);
    expect(h.stat('/p')).toMatchObject({ numChildren: 0, pzxid: txn.zxid });
    expect([...h.tree.ephemeralsOf(s2)]).toEqual(['/other']);
    expect(h.tree.ephemeralCount).toBe(1);
  });

  test('includes ephemerals created by pending txns and skips ones a pending txn deletes', () => {
    const h = new PrepHarness();
    h.write(createRequest('/old', { flags: 1 }), { sessionId: s1 });
    h.write(createRequest('/gone', { flags: 1 }), { sessionId: s1 });
    const txns = [
      h.prepare(createRequest('/new', { flags: 1 }), { sessionId: s1 }),
      h.prepare(req.delete('/gone'), { sessionId: s1 }),
      h.prepare(createRequest('/theirs', { flags: 1 }), { sessionId: s2 }),
    ];
    const close = issue(h, (ctx) => prepareCloseSession(ctx, s1));
    if (close === null) throw new Error('no txn');
    expect(close.body).toEqual({ type: 'closeSession', ephemeralPaths: ['/new', '/old'] });
    for (const txn of [...txns, close]) h.apply(txn);
    expect(h.tree.getNode('/new')).toBeUndefined();
    expect(h.tree.getNode('/theirs')).toBeDefined();
    expect(h.pending.size).toBe(0);
    h.tree.invariants();
  });

  test('a pending close makes the parent deletable before it applies', () => {
    const h = new PrepHarness();
    h.mkdirs('/p');
    h.write(createRequest('/p/e', { flags: 1 }), { sessionId: s1 });
    const close = issue(h, (ctx) => prepareCloseSession(ctx, s1));
    const remove = h.prepare(req.delete('/p'));
    expect(remove.body).toEqual({ type: 'delete', path: '/p' });
    if (close === null) throw new Error('no txn');
    h.apply(close);
    h.apply(remove);
    expect(h.tree.getNode('/p')).toBeUndefined();
  });

  test('a session without ephemerals closes with an empty list', () => {
    const h = new PrepHarness();
    expect(issue(h, (ctx) => prepareCloseSession(ctx, s1))?.body).toEqual({
      type: 'closeSession',
      ephemeralPaths: [],
    });
  });
});

// ZooKeeper: ContainerManager + the deleteContainer branch of PrepRequestProcessor.
describe('prepareDeleteContainer', () => {
  function withContainer(): PrepHarness {
    const h = new PrepHarness();
    h.write(createRequest('/c', { flags: 4, variant: 'createContainer' }));
    h.write(createRequest('/c/x'));
    h.write(req.delete('/c/x'));
    return h;
  }

  test('deletes a reapable container as a normal delete, with session 0', () => {
    const h = withContainer();
    expect(h.tree.findReapable(h.timeMs, { maxNeverUsedIntervalMs: 0 })).toEqual(['/c']);
    const txn = issue(h, (ctx) => prepareDeleteContainer('/c', ctx));
    expect(txn).toMatchObject({
      sessionId: 0n,
      cxid: 7,
      body: { type: 'deleteContainer', path: '/c' },
    });
    if (txn === null) throw new Error('no txn');
    const { result, events } = h.apply(txn);
    expect(result).toEqual({ type: 'delete' });
    expect(events.map((e) => e.type)).toEqual(['nodeDeleted', 'nodeChildrenChanged']);
  });

  test('returns null once a pending create gives the container a child', () => {
    const h = withContainer();
    h.prepare(createRequest('/c/y'));
    expect(issue(h, (ctx) => prepareDeleteContainer('/c', ctx))).toBeNull();
  });

  test('returns null for a node that is gone, persistent, ephemeral or a system node', () => {
    const h = withContainer();
    h.mkdirs('/plain');
    h.write(createRequest('/eph', { flags: 1 }));
    for (const path of ['/nope', '/plain', '/eph', '/zookeeper', '/', 'bad']) {
      expect(issue(h, (ctx) => prepareDeleteContainer(path, ctx))).toBeNull();
    }
    h.prepare(req.delete('/c'));
    expect(issue(h, (ctx) => prepareDeleteContainer('/c', ctx))).toBeNull();
  });

  test('a never-used container needs maxNeverUsedIntervalMs and enough age', () => {
    const h = new PrepHarness();
    h.write(createRequest('/fresh', { flags: 0, variant: 'createContainer' }));
    expect(issue(h, (ctx) => prepareDeleteContainer('/fresh', ctx))).toBeNull();
    h.timeMs += 1000;
    const young = { maxNeverUsedIntervalMs: 1000 };
    expect(issue(h, (ctx) => prepareDeleteContainer('/fresh', ctx, young))).toBeNull();
    h.timeMs += 1;
    expect(issue(h, (ctx) => prepareDeleteContainer('/fresh', ctx, young))).not.toBeNull();
  });

  test('a TTL node touched by a pending setData is no longer due', () => {
    const h = new PrepHarness();
    h.write(createRequest('/t', { flags: 5, ttl: 100n, variant: 'createTTL' }));
    h.timeMs += 101;
    h.prepare(req.setData('/t'));
    expect(issue(h, (ctx) => prepareDeleteContainer('/t', ctx))).toBeNull();
    h.timeMs += 101;
    expect(issue(h, (ctx) => prepareDeleteContainer('/t', ctx))?.body).toEqual({
      type: 'deleteContainer',
      path: '/t',
    });
  });
});
