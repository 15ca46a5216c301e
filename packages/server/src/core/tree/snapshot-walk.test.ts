import type { CreateRequest } from '@zoo/client/protocol';
import type { WriteRequest } from '../prep/prep-context.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stepArb, Workload, type Step } from '../testing/tree-workload.js';
import { DataTree } from './data-tree.js';
import type { SnapshotWalk } from './snapshot-walk.js';
import { snapshotNodeOf, type SnapshotNode } from './tree-snapshot.js';

/** A tree with some history, so the walk starts from something worth copying. */
function treeAfter(steps: readonly Step[]): Workload {
  const workload = new Workload(new DataTree());
  steps.forEach((step, i) => workload.run(step, i));
  return workload;
}

describe('snapshot walk: an exact snapshot read while txns go on applying', () => {
  test('gives exactly the nodes DataTree.snapshot gave at its start, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(stepArb, fc.integer({ min: 0, max: 3 })), { maxLength: 40 }),
        fc.boolean(),
        (before, during, inPlace) => {
          const workload = treeAfter(before);
          const { tree } = workload;
          const expected = tree.snapshot();
          const walk = tree.beginSnapshotWalk();
          expect(walk.zxid).toBe(expected.zxid);
          expect(walk.nodeCount).toBe(expected.nodes.length);
          const walked: SnapshotNode[] = [];
          const read = inPlace ? (take: number) => viewsOf(walk, take) : walk.next.bind(walk);
          // Reads of 0–3 nodes between the txns: every node is read before, between or after
          // the changes that touch it.
          for (const [i, [step, take]] of during.entries()) {
            walked.push(...read(take));
            workload.run(step, before.length + i);
          }
          while (!walk.isDone) walked.push(...read(2));
          expect(walked).toEqual(expected.nodes);
          expect(tree.isWalking).toBe(false);
          expect(walk.preservedCount).toBe(0);
          tree.invariants();
        },
      ),
      { numRuns: 400 },
    );
  });

  test('copies only what changes before it is read, and stops copying once abandoned', () => {
    const tree = new DataTree();
    const workload = new Workload(tree);
    const create = (path: string, i: number): void => {
      workload.run({ kind: 'write', request: createOf(path), session: 0 }, i);
    };
    for (let i = 0; i < 50; i++) create(`/n${i}`, i);
    const walk = tree.beginSnapshotWalk();
    walk.next(10);
    const setData = (path: string, i: number): void => {
      const request = { type: 'setData' as const, path, data: Buffer.from('x'), version: -1 };
      workload.run({ kind: 'write', request, session: 0 }, i);
    };
    setData('/n3', 100); // read already: no copy
    setData('/n40', 101); // not read yet: copied once
    setData('/n40', 102);
    expect(walk.preservedCount).toBe(1);
    walk.abandon();
    expect(tree.isWalking).toBe(false);
    setData('/n45', 103);
    expect(walk.preservedCount).toBe(0);
    expect(() => walk.next(1)).toThrow(/abandoned/);
    // A new walk may begin once the last one ended.
    expect(tree.beginSnapshotWalk().nodeCount).toBe(tree.snapshot().nodes.length);
  });

  test('children changed while they are being read come out as they were, copying no node', () => {
    const tree = new DataTree();
    const workload = new Workload(tree);
    let i = 0;
    const write = (request: WriteRequest): void => {
      workload.run({ kind: 'write', request, session: 0 }, i++);
    };
    const create = (path: string): void => write(createOf(path));
    create('/p');
    for (let n = 0; n < 20; n++) create(`/p/c${n}`);
    const expected = tree.snapshot().nodes;
    const walk = tree.beginSnapshotWalk();
    // '/', the three /zookeeper nodes, '/p', then '/p/c0' … '/p/c8'.
    const walked = walk.next(14);
    write({ type: 'delete', path: '/p/c15', version: -1 }); // not read yet: kept as it was
    write({ type: 'delete', path: '/p/c2', version: -1 }); // read already
    create('/p/c15'); // a new node at a path not read yet: not in the snapshot
    create('/p/new');
    expect(walk.preservedCount).toBe(1);
    while (!walk.isDone) walked.push(...walk.next(3));
    expect(walked).toEqual(expected);
    expect(tree.isWalking).toBe(false);
  });
});

/** Up to `max` nodes read in place (nextView), each copied out before the next is read. */
function viewsOf(walk: SnapshotWalk, max: number): SnapshotNode[] {
  const out: SnapshotNode[] = [];
  for (let view = max > 0 ? walk.nextView() : undefined; view !== undefined;) {
    out.push(snapshotNodeOf(view.path, view));
    view = out.length < max ? walk.nextView() : undefined;
  }
  return out;
}

const openAcl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function createOf(path: string): CreateRequest {
  return { type: 'create', variant: 'create2', path, data: null, acl: openAcl, flags: 0, ttl: -1n };
}
