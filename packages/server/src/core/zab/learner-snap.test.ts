// A learner takes a SNAP a part at a time: the new state is built as the parts arrive and
// installed, with its snapshot queued for the disk, only once the last node is in; a SNAP that
// does not add up (parts of another snapshot, too many nodes, a message between the parts, a
// node the tree cannot take) is refused and the learner looks for a leader again.

import { describe, expect, test } from 'vitest';
import { drainSnapshot } from '../tree/tree-snapshot.js';
import { FakeHost, contentsOf } from './testing/fake-host.js';
import { e1, follower, txn } from './testing/driven-zab.js';
import type { PeerMessage } from './messages.js';
import { snapMessages } from './snap-messages.js';

/** The SNAP of a host holding txns 1..count of epoch 1, in parts of one node. */
function snapOf(count: number): PeerMessage[] {
  const txns = Array.from({ length: count }, (_, i) => txn(e1(i + 1)));
  return [...snapMessages(new FakeHost(txns).streamSnapshot(), 1)];
}

describe('learner: a SNAP in parts', () => {
  test('builds the state as parts arrive, installs it and writes it before acking', () => {
    const host = new FakeHost();
    const { step, zab } = follower({}, host);
    step(3, { type: 'leaderInfo', epoch: 2 });
    const [head, ...parts] = snapOf(2);
    if (head === undefined) throw new Error('no head');
    expect(head).toMatchObject({ type: 'snap', zxid: e1(2), nodeCount: 3 });
    expect(parts.map((part) => part.type)).toEqual(['snapNodes', 'snapNodes', 'snapNodes']);
    // Nothing is installed or written until the last node is in.
    for (const message of [head, ...parts.slice(0, -1)]) {
      expect(step(3, message).persist).toEqual([]);
      expect(host.state).toEqual([]);
      expect(host.restores).toBe(0);
    }
    const last = parts.at(-1);
    if (last === undefined) throw new Error('no parts');
    const output = step(3, last);
    expect(host.restores).toBe(1);
    expect(host.state.map((t) => t.zxid)).toEqual([e1(1), e1(2)]);
    expect(zab.log.lastZxid).toBe(e1(2));
    const [write] = output.persist;
    if (write?.type !== 'snapshot')
      throw new Error(`expected a snapshot write, got ${write?.type}`);
    expect(write.snapshot.zxid).toBe(e1(2));
    expect(contentsOf(drainSnapshot(write.snapshot)).map((t) => t.zxid)).toEqual([e1(1), e1(2)]);
    const ack = step(3, { type: 'newLeader', epoch: 2, zxid: e1(2) });
    expect(ack.sendAfterPersist).toEqual([
      { to: 3, message: { type: 'ackNewLeader', zxid: e1(2) } },
    ]);
  });

  type Snap = { head: Extract<PeerMessage, { type: 'snap' }>; nodes: PeerMessage[] };
  const proposal: PeerMessage = { type: 'proposal', txn: txn(e1(9)) };
  /** The nodes of every part, in one part. */
  const merged = (parts: PeerMessage[]): PeerMessage => ({
    type: 'snapNodes',
    zxid: e1(2),
    nodes: parts.flatMap((part) => (part.type === 'snapNodes' ? part.nodes : [])),
  });
  const otherZxid = (message: PeerMessage | undefined): PeerMessage[] =>
    message?.type === 'snapNodes' ? [{ ...message, zxid: e1(1) }] : [];
  test.each<[string, (snap: Snap) => PeerMessage[]]>([
    ['a message between the parts', ({ head, nodes }) => [head, proposal, ...nodes]],
    [
      'parts of another snapshot',
      ({ head, nodes }) => [head, ...nodes.slice(0, 1), ...otherZxid(nodes[1]), ...nodes.slice(2)],
    ],
    ['more nodes than announced', ({ head, nodes }) => [{ ...head, nodeCount: 2 }, merged(nodes)]],
    ['a head without nodes', ({ head }) => [{ ...head, nodeCount: 0 }]],
  ])('refuses %s and looks again', (_, corrupt) => {
    const host = new FakeHost();
    const { step, zab } = follower({}, host);
    step(3, { type: 'leaderInfo', epoch: 2 });
    const [head, ...nodes] = snapOf(2);
    if (head?.type !== 'snap') throw new Error('no head');
    const messages = corrupt({ head, nodes });
    for (const message of messages) {
      step(3, message);
      if (zab.role === 'looking') break;
    }
    expect(zab.role).toBe('looking');
    expect(host.restores).toBe(0);
  });
});
