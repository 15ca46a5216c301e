// A SNAP leaves a leader as a walk of its tree, read a part at a time only as the socket takes
// the parts, while the tree goes on changing; it arrives as a head and bounded parts, with what
// was sent after it behind it, and the parts rebuild the tree as it was when the SNAP began.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DataTree } from '../core/tree/data-tree.js';
import { streamOfWalk } from '../core/tree/snapshot-walk.js';
import type { SnapshotStream } from '../core/tree/tree-snapshot.js';
import type { PeerMessage } from '../core/zab/messages.js';
import { decodePeerMessage } from './peer-codec.js';
import { PeerSendQueue, type PacedLink } from './snap-stream.js';
import { ack, member, startCluster, waitFor, type Member } from './testing/peer-network-harness.js';

const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** A root's `count` children with `dataBytes` each (and the system nodes), at zxid `count`. */
function treeOf(count: number, dataBytes: number): DataTree {
  const tree = new DataTree();
  for (let i = 1; i <= count; i++) {
    const data = Buffer.alloc(dataBytes, i % 251);
    const body = { type: 'create' as const, path: `/n${i}`, data, acl: world };
    tree.apply({
      zxid: BigInt(i),
      timeMs: i,
      sessionId: 0n,
      cxid: i,
      body: { ...body, ephemeralOwner: 0n, parentCVersion: i },
    });
  }
  return tree;
}

/** Changes every node after the first hundred: a walk begun before must not see it. */
function rewrite(tree: DataTree, count: number): void {
  for (let i = 100; i <= count; i++) {
    const zxid = tree.lastZxid + 1n;
    const body = { type: 'setData' as const, path: `/n${i}`, data: Buffer.from('x'), version: 1 };
    tree.apply({ zxid, timeMs: 0, sessionId: 0n, cxid: 0, body });
  }
}

function walkOf(tree: DataTree): SnapshotStream {
  return streamOfWalk(tree.beginSnapshotWalk(), [{ sessionId: 7n, timeoutMs: 4000 }]);
}

/** Rebuilds the tree a SNAP's messages carry. */
function restored(messages: readonly PeerMessage[]): { tree: DataTree; sessions: unknown } {
  const [head, ...parts] = messages;
  if (head?.type !== 'snap') throw new Error(`expected the SNAP head, got ${head?.type}`);
  const restore = DataTree.restore(head.zxid);
  let count = 0;
  for (const part of parts) {
    if (part.type !== 'snapNodes') throw new Error(`expected SNAP nodes, got ${part.type}`);
    for (const node of part.nodes) expect(restore.add(node)).toBeNull();
    count += part.nodes.length;
  }
  expect(count).toBe(head.nodeCount);
  return { tree: restore.finish(), sessions: head.sessions };
}

describe('SNAP over a peer link', () => {
  let members = new Map<number, Member>();
  beforeAll(async () => {
    // Frames far smaller than the snapshot: only parts can get it across.
    members = await startCluster(2, { tuning: { frameBytesMax: 2 * 1024 * 1024 } });
  });
  afterAll(async () => {
    for (const { network } of members.values()) await network.close();
  });

  test('a tree of many frames arrives as it was at the SNAP, and then the rest', async () => {
    const count = 20_000;
    const tree = treeOf(count, 300);
    const digest = tree.digest();
    const received = member(members, 2).recorder;
    member(members, 1).network.send(2, { type: 'snapSend', snapshot: walkOf(tree) });
    member(members, 1).network.send(2, ack(5));
    // The leader goes on changing the tree while the parts go out.
    rewrite(tree, count);
    await waitFor('snap and ack', () => received.from(1).at(-1)?.type === 'ack', 10_000);
    const messages = received.from(1);
    expect(messages.at(-1)).toEqual(ack(5));
    expect(messages.length).toBeGreaterThan(5);
    const snap = restored(messages.slice(0, -1));
    expect(snap.tree.digest()).toBe(digest);
    expect(snap.sessions).toEqual([{ sessionId: 7n, timeoutMs: 4000 }]);
    expect(tree.isWalking).toBe(false);
  });

  test('a SNAP to a peer whose link is down is abandoned', () => {
    const tree = treeOf(10, 1);
    member(members, 1).network.send(9, { type: 'snapSend', snapshot: walkOf(tree) });
    expect(tree.isWalking).toBe(false);
  });
});

/** A link whose socket takes a frame only when the test says so. */
class SlowLink implements PacedLink {
  readonly sent: Buffer[] = [];
  readonly unwritten: (() => void)[] = [];
  closedFor: string | null = null;
  send(bytes: Buffer): void {
    this.sent.push(bytes);
  }
  write(bytes: Buffer, onWritten: () => void): void {
    this.sent.push(bytes);
    this.unwritten.push(onWritten);
  }
  close(reason: string): void {
    this.closedFor = reason;
  }
  messages(): PeerMessage[] {
    return this.sent.map((bytes) => decodePeerMessage(bytes));
  }
}

describe('SNAP pacing: a slow learner does not make the leader read the whole tree', () => {
  test('reads the next part only as the socket takes one, and holds later messages', () => {
    const tree = treeOf(20_000, 10);
    const link = new SlowLink();
    const queue = new PeerSendQueue(link, 1024 * 1024);
    queue.sendSnap(walkOf(tree));
    queue.sendBytes(Buffer.from('after'));
    // The head and two parts of at most 4,096 nodes: the rest of the walk is not read yet.
    expect(link.sent.length).toBe(3);
    while (link.unwritten.length > 0) {
      expect(link.unwritten.length).toBeLessThanOrEqual(2);
      link.unwritten.shift()?.();
    }
    // The head, every part, and only then what was sent after the SNAP.
    expect(link.sent.length - 2).toBe(Math.ceil(tree.snapshot().nodes.length / 4096));
    expect(link.sent.map((bytes) => bytes.toString()).indexOf('after')).toBe(link.sent.length - 1);
    const snap = restored(link.sent.slice(0, -1).map((bytes) => decodePeerMessage(bytes)));
    expect(snap.tree.digest()).toBe(tree.digest());
    expect(tree.isWalking).toBe(false);
  });

  test('a link that goes mid-SNAP abandons the walk and every SNAP queued behind it', () => {
    const tree = treeOf(10_000, 10);
    const other = treeOf(10, 1);
    const link = new SlowLink();
    const queue = new PeerSendQueue(link, 1024 * 1024);
    queue.sendSnap(walkOf(tree));
    queue.sendSnap(walkOf(other));
    expect(tree.isWalking && other.isWalking).toBe(true);
    queue.abandon();
    expect(tree.isWalking || other.isWalking).toBe(false);
    link.unwritten.shift()?.();
    expect(link.messages().length).toBe(3);
  });

  test('too much held behind a SNAP closes the link: the peer is not reading', () => {
    const link = new SlowLink();
    const queue = new PeerSendQueue(link, 100);
    queue.sendSnap(walkOf(treeOf(10_000, 10)));
    queue.sendBytes(Buffer.alloc(60));
    expect(link.closedFor).toBeNull();
    queue.sendBytes(Buffer.alloc(60));
    expect(link.closedFor).toMatch(/not reading: 120 bytes held behind a SNAP/);
  });
});
