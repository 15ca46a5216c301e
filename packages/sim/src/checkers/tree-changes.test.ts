import { describe, expect, test } from 'vitest';
import type { Txn, TxnBody } from '@zoo/server/internals';
import { ChangeLog } from './tree-changes.js';
import { closeSession, committed, create, multi, remove, setData } from './watch-test-history.js';

function logOf(...bodies: Array<TxnBody | Txn>): ChangeLog {
  return ChangeLog.fromServerEvents(committed(1, ...bodies));
}

describe('the tree changes of the committed txns', () => {
  test('reads every change a txn makes from its fingerprint, a multi in op order', () => {
    const log = logOf(create('/a'), multi(create('/a/b'), setData('/a'), remove('/a/b')));
    const seen = log.ofPath('/a').map((c) => `${c.zxid} ${c.type}`);
    expect(seen).toEqual(['1 created', '2 childrenChanged', '2 dataChanged', '2 childrenChanged']);
    expect(log.ofPath('/a/b').map((c) => c.type)).toEqual(['created', 'deleted']);
    expect(log.ofPath('/').map((c) => c.type)).toEqual(['childrenChanged']);
  });

  test('answers existence, mzxid and pzxid at any zxid', () => {
    const log = logOf(create('/a'), create('/a/b'), setData('/a'), remove('/a/b'), remove('/a'));
    expect([0n, 1n, 4n, 5n].map((zxid) => log.existsAt('/a', zxid))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(log.mzxidAt('/a', 2n)).toBe(1n);
    expect(log.mzxidAt('/a', 3n)).toBe(3n);
    expect(log.pzxidAt('/a', 1n)).toBe(1n);
    expect(log.pzxidAt('/a', 4n)).toBe(4n);
    expect(log.existsAt('/zookeeper', 0n)).toBe(true);
  });

  test('a closeSession deletes the listed ephemerals, then its other ones in path order', () => {
    const log = logOf(
      create('/e'),
      create('/e/z', 0x9n),
      create('/e/y', 0x9n),
      create('/e/x', 0x8n),
      closeSession(0x9n, ['/e/y', '/e/gone']),
    );
    const deletes = log.ofSubtree('/e').filter((c) => c.type === 'deleted');
    expect(deletes.map((c) => c.path)).toEqual(['/e/y', '/e/z']);
    expect(log.existsAt('/e/x', 5n)).toBe(true);
  });

  test('a recursive watch sees no child events', () => {
    const log = logOf(create('/a'), create('/a/b'), create('/c'));
    expect(log.ofSubtree('/a').map((c) => `${c.type} ${c.path}`)).toEqual([
      'created /a',
      'created /a/b',
    ]);
  });
});
