// Snapshot walks that overlap (a checkpoint's and SNAPs to learners, begun at different zxids and
// read at different paces) each give exactly the tree as it was when it began.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stepArb, Workload, type Step } from '../testing/tree-workload.js';
import { DataTree } from './data-tree.js';
import type { SnapshotNode } from './tree-snapshot.js';
import type { SnapshotWalk } from './snapshot-walk.js';

interface Reader {
  walk: SnapshotWalk;
  expected: SnapshotNode[];
  read: SnapshotNode[];
}

describe('overlapping snapshot walks', () => {
  test('each gives the nodes DataTree.snapshot gave when it began', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(stepArb, fc.nat(3), fc.integer({ min: 0, max: 2 }), fc.boolean()), {
          minLength: 1,
          maxLength: 60,
        }),
        (script) => {
          const workload = new Workload(new DataTree());
          const { tree } = workload;
          const readers: Reader[] = [];
          script.forEach(([step, take, which, begins]: [Step, number, number, boolean], i) => {
            if (begins && readers.length < 3) {
              readers.push({
                walk: tree.beginSnapshotWalk(),
                expected: tree.snapshot().nodes,
                read: [],
              });
            }
            const reader = readers[which % Math.max(1, readers.length)];
            if (reader !== undefined && !reader.walk.isDone)
              reader.read.push(...reader.walk.next(take));
            workload.run(step, i);
          });
          for (const reader of readers) {
            while (!reader.walk.isDone) reader.read.push(...reader.walk.next(2));
            expect(reader.read).toEqual(reader.expected);
            expect(reader.walk.preservedCount).toBe(0);
          }
          expect(tree.isWalking).toBe(false);
          tree.invariants();
        },
      ),
      { numRuns: 300 },
    );
  });
});
