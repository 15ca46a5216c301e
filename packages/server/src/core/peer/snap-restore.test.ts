// A learner's state built from a SNAP a part at a time: the same tree as the snapshot's, its own
// snapshot (the one the learner writes) equal to what arrived, and a node the tree cannot take
// named instead of crashing the learner.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stepArb, Workload } from '../testing/tree-workload.js';
import { DataTree } from '../tree/data-tree.js';
import { drainSnapshot, type SnapshotNode } from '../tree/tree-snapshot.js';
import { beginTreeRestore, RestoredTree } from './snap-restore.js';

const sessions = [{ sessionId: 5n, timeoutMs: 4000 }];

describe('SNAP restore: a tree built a part at a time', () => {
  test('gives the tree the snapshot was taken from, and that snapshot to write', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (steps, partSize) => {
          const workload = new Workload(new DataTree());
          steps.forEach((step, i) => workload.run(step, i));
          const source = workload.tree.snapshot();
          const restore = beginTreeRestore({
            zxid: source.zxid,
            nodeCount: source.nodes.length,
            sessions,
          });
          for (let i = 0; i < source.nodes.length; i += partSize) {
            expect(restore.add(source.nodes.slice(i, i + partSize))).toBeNull();
          }
          const { state, snapshot } = restore.finish();
          if (!(state instanceof RestoredTree)) throw new Error('not a restored tree');
          state.tree.invariants();
          expect(state.zxid).toBe(source.zxid);
          expect(state.tree.digest()).toBe(workload.tree.digest());
          expect(state.sessions).toEqual(sessions);
          const written = drainSnapshot(snapshot);
          expect(written).toEqual({ ...source, sessions });
          expect(state.tree.isWalking).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  const node = (path: string, czxid = 1n): SnapshotNode => ({
    ...{ path, data: null, acl: [], czxid, mzxid: czxid, pzxid: czxid, ctime: 0, mtime: 0 },
    ...{ version: 0, childCreates: 0, aversion: 0, ephemeralOwner: 0n },
  });
  test.each<[string, SnapshotNode[], RegExp]>([
    ['a child before its parent', [node('/'), node('/a/b')], /\/a\/b: comes before its parent/],
    ['a path listed twice', [node('/'), node('/a'), node('/a')], /\/a: listed twice/],
    ['a zxid above the snapshot', [node('/'), node('/a', 9n)], /\/a: a zxid above/],
    ['no root first', [node('/a')], /\/a: the root must come first/],
    [
      'a child of an ephemeral',
      [node('/'), { ...node('/e'), ephemeralOwner: 7n }, node('/e/x')],
      /\/e\/x: under an ephemeral/,
    ],
  ])('names %s', (_, nodes, problem) => {
    const restore = beginTreeRestore({ zxid: 5n, nodeCount: nodes.length, sessions: [] });
    expect(restore.add(nodes)).toMatch(problem);
  });
});
