import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import type { Txn, TxnBody } from './txn.js';
import { DataTree } from './data-tree.js';
import { TreeEventList } from './tree-results.js';

const open = [...OPEN_ACL_UNSAFE];
const create = (path: string, parentCVersion: number): TxnBody => ({
  type: 'create',
  path,
  data: Buffer.from('d'),
  acl: open,
  ephemeralOwner: 0n,
  parentCVersion,
});

function txn(zxid: bigint, body: TxnBody): Txn {
  return { zxid, timeMs: 1000 * Number(zxid), sessionId: 0n, cxid: 0, body };
}

// A reply that shows no Stat (a plain create's), or no reply at all, needs none built.
describe('applyInto without stats', () => {
  test('a create and a setData change the tree as with stats, and carry a null stat', () => {
    const plain = new DataTree();
    const full = new DataTree();
    const bodies: TxnBody[] = [
      create('/a', 1),
      { type: 'setData', path: '/a', data: Buffer.from('xy'), version: 1 },
      { type: 'multi', ops: [create('/a/b', 1), create('/a/c', 2)] },
    ];
    bodies.forEach((body, i) => {
      const withStats = full.applyInto(txn(BigInt(i + 1), body), new TreeEventList());
      const without = plain.applyInto(txn(BigInt(i + 1), body), new TreeEventList(), false);
      if (without.type === 'multi' && withStats.type === 'multi') {
        expect(without.results.map((r) => r.type === 'create' && r.stat)).toEqual([null, null]);
        expect(withStats.results.every((r) => r.type === 'create' && r.stat !== null)).toBe(true);
      } else {
        expect(without).toEqual({ ...withStats, stat: null });
        expect(withStats).toHaveProperty('stat.mzxid', BigInt(i + 1));
      }
    });
    plain.invariants();
    expect(plain.digest()).toBe(full.digest());
  });
});
