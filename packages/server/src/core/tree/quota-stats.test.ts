// Quota statistics: StatsTrack's text format, PathTrie's prefix rule, and how DataTree.apply keeps
// /zookeeper/quota/<path>/zookeeper_stats current. ZooKeeper: DataTree, PathTrie, StatsTrack (3.8).

import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Txn, TxnBody } from './txn.js';
import { DataTree } from './data-tree.js';
import { formatStatsTrack, parseStatsTrack, quotaPathKey } from './quota-stats.js';

const open = [...OPEN_ACL_UNSAFE];
/** What zkCli 3.8 `setquota -n 2` writes to the limit node. */
const limitText = 'count=2,bytes=-1=;byteHardLimit=-1;countHardLimit=-1';

/** Applies bodies as consecutive txns (zxid 1, 2, …) and checks invariants after each. */
class Applier {
  zxid = 0n;
  constructor(public tree = new DataTree()) {
    this.zxid = tree.lastZxid;
  }

  apply(body: TxnBody, sessionId = 0n) {
    this.zxid += 1n;
    const txn: Txn = { zxid: this.zxid, timeMs: Number(this.zxid), sessionId, cxid: 0, body };
    const applied = this.tree.apply(txn);
    this.tree.invariants();
    return applied;
  }

  createBody(path: string, data: string | null = null, owner = 0n): TxnBody {
    const parent = this.tree.getNode(path.slice(0, path.lastIndexOf('/')) || '/');
    const parentCVersion = (parent?.childCreates ?? 0) + 1;
    const bytes = data === null ? null : Buffer.from(data);
    return { type: 'create', path, data: bytes, acl: open, ephemeralOwner: owner, parentCVersion };
  }

  create(path: string, data: string | null = null, owner = 0n) {
    return this.apply(this.createBody(path, data, owner));
  }

  set(path: string, data: string | null) {
    const version = (this.tree.getNode(path)?.version ?? 0) + 1;
    return this.apply({
      type: 'setData',
      path,
      data: data === null ? null : Buffer.from(data),
      version,
    });
  }

  delete(path: string) {
    return this.apply({ type: 'delete', path });
  }

  /** zkCli 3.8 SetQuotaCommand.createQuota: quota path nodes, the limit node, the stats node. */
  setQuota(path: string) {
    let quotaPath = '/zookeeper/quota';
    for (const part of path.split('/').slice(1)) {
      quotaPath += `/${part}`;
      if (this.tree.getNode(quotaPath) === undefined) this.create(quotaPath);
    }
    this.create(`${quotaPath}/zookeeper_limits`, limitText);
    this.create(`${quotaPath}/zookeeper_stats`, 'count=0,bytes=0');
  }

  stats(path: string): string | undefined {
    return this.tree.getNode(`/zookeeper/quota${path}/zookeeper_stats`)?.data?.toString();
  }
}

describe('StatsTrack text', () => {
  test.each([
    ['count=1,bytes=0', 'count=1,bytes=0'],
    ['bytes=3;count=2', 'count=2,bytes=3'],
    [limitText, limitText],
    [
      'count=4,bytes=5=;countHardLimit=10;byteHardLimit=9',
      'count=4,bytes=5=;byteHardLimit=9;countHardLimit=10',
    ],
    ['', 'count=-1,bytes=-1'],
    [',,;', 'count=-1,bytes=-1'],
    ['count==4,bytes=+7', 'count=-1,bytes=7'],
    ['count=1;;bytes=2;', 'count=1,bytes=2'],
    ['zeta=1,count=0,alpha=2,bytes=0', 'count=0,bytes=0=;alpha=2;zeta=1'],
    ['count=-9223372036854775808,bytes=0', 'count=-9223372036854775808,bytes=0'],
  ])('%j reads back as ZooKeeper prints it', (text, printed) => {
    const stats = parseStatsTrack(Buffer.from(text));
    expect(stats === null ? null : formatStatsTrack(stats)).toBe(printed);
  });

  // ZooKeeper: StatsTrack(String) throws on these (Java split drops trailing empties, then kv[1]
  // is missing, or Long.parseLong fails); Zoo reports them as unparsable.
  test.each(['count', 'count=', 'count==', '=', ';count=1', 'count=x', 'count=1.5', 'count=-'])(
    '%j is unparsable, as ZooKeeper throws on it',
    (text) => {
      expect(parseStatsTrack(Buffer.from(text))).toBeNull();
    },
  );

  test('null data and a value beyond a Java long are unparsable', () => {
    expect(parseStatsTrack(null)).toBeNull();
    expect(parseStatsTrack(Buffer.from('count=9223372036854775808'))).toBeNull();
  });
});

// ZooKeeper: PathTrie.split drops components that String.trim() empties.
test.each([
  ['/a/b', '/a/b'],
  ['x', '/x'],
  ['/ /a/\t/b', '/a/b'],
  ['', null],
  ['/', null],
  ['/ ', null],
])('quota key of %j is %j', (path, key) => {
  expect(quotaPathKey(path)).toBe(key);
});

describe('stats kept by DataTree.apply', () => {
  test('setquota counts the quota node itself, then one per create below it (listquota)', () => {
    const zk = new Applier();
    zk.create('/q');
    zk.setQuota('/q');
    expect(zk.stats('/q')).toBe('count=1,bytes=0');
    for (const name of ['a', 'b', 'c']) zk.create(`/q/${name}`);
    expect(zk.stats('/q')).toBe('count=4,bytes=0');
  });

  test.each<[string, (zk: Applier) => void, string]>([
    ['create with data', (zk) => zk.create('/q/a', 'hello'), 'count=3,bytes=9'],
    ['create deeper', (zk) => zk.create('/q/x/y', 'abc'), 'count=3,bytes=7'],
    ['setData grows', (zk) => zk.set('/q/x', 'hello'), 'count=2,bytes=7'],
    ['setData shrinks', (zk) => zk.set('/q', ''), 'count=2,bytes=2'],
    ['setData to null', (zk) => zk.set('/q/x', null), 'count=2,bytes=2'],
    ['delete', (zk) => zk.delete('/q/x'), 'count=1,bytes=2'],
    ['create then delete', (zk) => [zk.create('/q/z', 'zz'), zk.delete('/q/z')], 'count=2,bytes=4'],
    ['write outside', (zk) => [zk.create('/qq', 'abc'), zk.set('/', 'r')], 'count=2,bytes=4'],
  ])('%s updates count and bytes', (_name, write, expected) => {
    const zk = new Applier();
    zk.create('/q', 'qq');
    zk.create('/q/x', 'xy');
    zk.setQuota('/q');
    expect(zk.stats('/q')).toBe('count=2,bytes=4');
    write(zk);
    expect(zk.stats('/q')).toBe(expected);
  });

  test('the rewrite keeps the stats node version, mzxid and mtime and fires no watch', () => {
    const zk = new Applier();
    zk.create('/q');
    zk.setQuota('/q');
    const statsPath = '/zookeeper/quota/q/zookeeper_stats';
    const before = zk.tree.statOf(zk.tree.getNode(statsPath) ?? expect.fail());
    const { events } = zk.create('/q/a', 'abc');
    const after = zk.tree.statOf(zk.tree.getNode(statsPath) ?? expect.fail());
    expect(after).toEqual({ ...before, dataLength: 'count=2,bytes=3'.length });
    expect(events.map((e) => e.path)).toEqual(['/q/a', '/q']);
  });

  test('multi sub-ops and session close update the stats like single writes', () => {
    const zk = new Applier();
    zk.create('/q');
    zk.setQuota('/q');
    const second = { ...zk.createBody('/q/b', 'c', 0x51n), parentCVersion: 2 };
    zk.apply({ type: 'multi', ops: [zk.createBody('/q/a', 'ab'), second] });
    expect(zk.stats('/q')).toBe('count=3,bytes=3');
    zk.apply({ type: 'closeSession', ephemeralPaths: ['/q/b'] }, 0x51n);
    expect(zk.stats('/q')).toBe('count=2,bytes=2');
  });

  test('a quota set on an existing subtree counts the whole subtree', () => {
    const zk = new Applier();
    zk.create('/q', 'a');
    zk.create('/q/x', 'bc');
    zk.create('/q/x/y', 'def');
    zk.setQuota('/q/x');
    expect(zk.stats('/q/x')).toBe('count=2,bytes=5');
  });

  test('nested quotas: only the longest quota prefix is updated', () => {
    const zk = new Applier();
    zk.create('/a');
    zk.create('/a/b');
    zk.setQuota('/a');
    zk.setQuota('/a/b');
    expect([zk.stats('/a'), zk.stats('/a/b')]).toEqual(['count=2,bytes=0', 'count=1,bytes=0']);
    zk.create('/a/b/c', 'xyz');
    zk.create('/a/d', 'w');
    expect([zk.stats('/a'), zk.stats('/a/b')]).toEqual(['count=3,bytes=1', 'count=2,bytes=3']);
  });

  test('deleting the limit node stops the upkeep; the stats node keeps its last text', () => {
    const zk = new Applier();
    zk.create('/q');
    zk.setQuota('/q');
    zk.delete('/zookeeper/quota/q/zookeeper_limits');
    zk.create('/q/a', 'abc');
    expect(zk.stats('/q')).toBe('count=1,bytes=0');
  });

  test('a stats node without a limit node is counted once and not kept up', () => {
    const zk = new Applier();
    zk.create('/q');
    zk.create('/zookeeper/quota/q');
    zk.create('/zookeeper/quota/q/zookeeper_stats', 'count=0,bytes=0');
    zk.create('/q/a');
    expect(zk.stats('/q')).toBe('count=1,bytes=0');
    // The limit node starts the upkeep from the stale count (ZooKeeper recounts only on stats).
    zk.create('/zookeeper/quota/q/zookeeper_limits', limitText);
    zk.create('/q/b');
    expect(zk.stats('/q')).toBe('count=2,bytes=0');
  });

  test('the create reply shows the stats node data as sent, before the recount', () => {
    const zk = new Applier();
    zk.create('/q', 'abc');
    zk.create('/zookeeper/quota/q');
    zk.create('/zookeeper/quota/q/zookeeper_limits', limitText);
    const { result } = zk.create('/zookeeper/quota/q/zookeeper_stats', '');
    expect(result).toMatchObject({ type: 'create', stat: { dataLength: 0 } });
    expect(zk.stats('/q')).toBe('count=1,bytes=3');
  });

  test('extra keys in the stats text survive an update, sorted after a spurious "="', () => {
    const zk = new Applier();
    zk.create('/q');
    zk.setQuota('/q');
    zk.set('/zookeeper/quota/q/zookeeper_stats', 'count=1,bytes=0;zeta=1;alpha=2');
    zk.create('/q/a', 'x');
    expect(zk.stats('/q')).toBe('count=2,bytes=1=;alpha=2;zeta=1');
  });

  test('unparsable stats data is left as it is (ZooKeeper would throw on apply)', () => {
    const zk = new Applier();
    zk.create('/q');
    zk.setQuota('/q');
    zk.set('/zookeeper/quota/q/zookeeper_stats', 'garbage');
    zk.create('/q/a', 'x');
    expect(zk.stats('/q')).toBe('garbage');
    zk.set('/zookeeper/quota/q/zookeeper_stats', null);
    zk.delete('/q/a');
    expect(zk.stats('/q')).toBeUndefined();
  });

  test('a stats node right under /zookeeper/quota counts the tree; no quota on the root', () => {
    const zk = new Applier();
    zk.create('/a', 'ab');
    zk.create('/zookeeper/quota/zookeeper_limits', limitText);
    zk.create('/zookeeper/quota/zookeeper_stats', 'count=0,bytes=0');
    // '/', /zookeeper, /zookeeper/quota, /zookeeper/config, /a and both quota nodes.
    expect(zk.stats('')).toBe(`count=7,bytes=${2 + limitText.length + 15}`);
    zk.create('/b');
    expect(zk.stats('')).toBe(`count=7,bytes=${2 + limitText.length + 15}`);
  });

  test('/zookeeper/quota is matched as a string: /zookeeper/quotax sets a quota on /x', () => {
    const zk = new Applier();
    zk.create('/x');
    zk.create('/zookeeper/quota/x');
    zk.create('/zookeeper/quota/x/zookeeper_stats', 'count=0,bytes=0');
    zk.create('/zookeeper/quotax');
    zk.create('/zookeeper/quotax/zookeeper_limits', limitText);
    zk.create('/x/a', 'abc');
    expect(zk.stats('/x')).toBe('count=2,bytes=3');
    zk.delete('/zookeeper/quotax/zookeeper_limits');
    zk.create('/x/b');
    expect(zk.stats('/x')).toBe('count=2,bytes=3');
  });
});

describe('snapshot and restore', () => {
  function quotaTree(): Applier {
    const zk = new Applier();
    zk.create('/q', 'ab');
    zk.create('/q/a', 'cde');
    zk.setQuota('/q');
    zk.create('/r');
    zk.setQuota('/r');
    zk.create('/r/s');
    zk.setQuota('/r/s');
    return zk;
  }

  test('a restored tree equals the original and keeps the stats up to date the same way', () => {
    const original = quotaTree();
    const copy = restored(original);
    expect(copy.tree.digest()).toBe(original.tree.digest());
    for (const zk of [original, copy]) {
      zk.create('/q/b', 'f');
      zk.delete('/q/a');
      zk.set('/q', 'ghij');
      zk.create('/r/s/t', 'uv');
      zk.create('/r/w');
    }
    expect(copy.tree.digest()).toBe(original.tree.digest());
    expect(copy.stats('/q')).toBe('count=2,bytes=5');
    expect([copy.stats('/r'), copy.stats('/r/s')]).toEqual(['count=3,bytes=0', 'count=2,bytes=2']);
  });

  test('a quota whose limit node was deleted stays untracked after a restore', () => {
    const zk = quotaTree();
    zk.delete('/zookeeper/quota/q/zookeeper_limits');
    const copy = restored(zk);
    copy.create('/q/b', 'x');
    expect(copy.stats('/q')).toBe('count=2,bytes=5');
    copy.create('/r/b', 'x');
    expect(copy.stats('/r')).toBe('count=3,bytes=1');
  });
});

const pathArb = fc.constantFrom('/q', '/q/a', '/q/b', '/q/a/x', '/q/b/y', '/p', '/p/a', '/p/a/x');
const dataArb = fc.option(fc.string({ maxLength: 5 }), { nil: null });
const opArb = fc.oneof(
  fc.record({ op: fc.constant('create' as const), path: pathArb, data: dataArb }),
  fc.record({ op: fc.constant('set' as const), path: pathArb, data: dataArb }),
  fc.record({ op: fc.constant('delete' as const), path: pathArb, data: dataArb }),
  fc.record({
    op: fc.constant('quota' as const),
    path: fc.constantFrom('/q', '/p/a'),
    data: dataArb,
  }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;
/** Starts from a tree that has the quota'able nodes, so most scripts set a quota early. */
const scriptArb = fc
  .array(opArb, { minLength: 5, maxLength: 40, size: 'max' })
  .map((ops): Op[] => [
    ...(['/q', '/p', '/p/a'] as const).map((path) => ({ op: 'create' as const, path, data: null })),
    ...ops,
  ]);

/** Applies `op` when the tree allows it (prep would reject the rest); quotas never nest. */
function applyIfValid(zk: Applier, { op, path, data }: Op): void {
  const node = zk.tree.getNode(path);
  const parent = zk.tree.getNode(path.slice(0, path.lastIndexOf('/')) || '/');
  if (op === 'create' && node === undefined && parent !== undefined) zk.create(path, data);
  if (op === 'set' && node !== undefined) zk.set(path, data);
  if (op === 'delete' && node !== undefined && node.numChildren === 0) zk.delete(path);
  const hasQuota = zk.tree.getNode(`/zookeeper/quota${path}/zookeeper_limits`) !== undefined;
  if (op === 'quota' && node !== undefined && !hasQuota) zk.setQuota(path);
}

/** ZooKeeper: DataTree.getCounts — the node and all below it (none once it is deleted). */
function recount(tree: DataTree, path: string): string {
  let count = 0;
  let bytes = 0;
  const stack = [path];
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    const node = tree.getNode(p);
    if (node === undefined) continue;
    count += 1;
    bytes += node.data?.length ?? 0;
    stack.push(...tree.childrenOf(node).map((name) => `${p}/${name}`));
  }
  return `count=${count},bytes=${bytes}`;
}

describe('properties', () => {
  test('without nesting, every stats node equals a recount of its subtree after any writes', () => {
    fc.assert(
      fc.property(scriptArb, (ops) => {
        const zk = new Applier();
        for (const op of ops) {
          applyIfValid(zk, op);
          for (const path of ['/q', '/p/a']) {
            const stats = zk.stats(path);
            if (stats !== undefined) expect(stats).toBe(recount(zk.tree, path));
          }
        }
      }),
    );
  });

  test('restoring a snapshot at any point then applying the rest gives the same tree', () => {
    fc.assert(
      fc.property(scriptArb, fc.nat(), (ops, cut) => {
        const zk = new Applier();
        const at = ops.length === 0 ? 0 : cut % ops.length;
        ops.slice(0, at).forEach((op) => applyIfValid(zk, op));
        const copy = restored(zk);
        for (const op of ops.slice(at)) {
          applyIfValid(zk, op);
          applyIfValid(copy, op);
        }
        expect(copy.tree.digest()).toBe(zk.tree.digest());
      }),
    );
  });
});

function restored(zk: Applier): Applier {
  return new Applier(DataTree.fromSnapshot(zk.tree.snapshot()));
}
