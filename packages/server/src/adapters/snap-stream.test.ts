// A SNAP crosses a peer link as bounded parts and arrives as the one snap message it was; parts
// out of order, or anything between them, close the link as bad input.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TreeSnapshot } from '../core/tree/tree-snapshot.js';
import { DataTree } from '../core/tree/data-tree.js';
import { encodePeerHello, encodePeerMessage } from './peer-codec.js';
import { packValue } from './msgpack-value.js';
import { encodeSnapParts } from './snap-stream.js';
import {
  ack,
  member,
  rawPeer,
  startCluster,
  waitFor,
  type Member,
} from './testing/peer-network-harness.js';

const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** A root and `count` children with `dataBytes` each. */
function snapshotOf(count: number, dataBytes: number): TreeSnapshot {
  const node = (path: string, i: number) => ({
    path,
    data: path === '/' ? null : Buffer.alloc(dataBytes, i % 251),
    acl: world,
    czxid: BigInt(i),
    mzxid: BigInt(i),
    pzxid: BigInt(i),
    ctime: i,
    mtime: i,
    version: 0,
    childCreates: 0,
    aversion: 0,
    ephemeralOwner: 0n,
  });
  const nodes = [node('/', 0)];
  for (let i = 1; i <= count; i++) nodes.push(node(`/n${i}`, i));
  return { zxid: BigInt(count), nodes, sessions: [{ sessionId: 7n, timeoutMs: 4000 }] };
}

describe('SNAP over a peer link', () => {
  let members = new Map<number, Member>();
  beforeAll(async () => {
    // Frames far smaller than the snapshot: only parts can get it across.
    members = await startCluster(2, {
      extraPeers: [4],
      tuning: { frameBytesMax: 2 * 1024 * 1024 },
    });
  });
  afterAll(async () => {
    for (const { network } of members.values()) await network.close();
  });

  test('a snapshot many frames large arrives whole, as one snap message', async () => {
    const snapshot = snapshotOf(20_000, 300);
    const parts = [...encodeSnapParts(snapshot)];
    expect(parts.length).toBeGreaterThan(4);
    for (const part of parts) expect(part.length).toBeLessThan(2 * 1024 * 1024);
    const received = member(members, 2).recorder;
    member(members, 1).network.send(2, { type: 'snap', snapshot });
    member(members, 1).network.send(2, ack(5));
    await waitFor('snap and ack', () => received.from(1).length === 2, 10_000);
    const [snap, after] = received.from(1);
    expect(after).toEqual(ack(5));
    if (snap?.type !== 'snap') throw new Error(`expected the snap first, got ${snap?.type}`);
    // A deep equality of 20,000 nodes takes vitest seconds: compare the trees' digests.
    expect(snap.snapshot.zxid).toBe(snapshot.zxid);
    expect(snap.snapshot.sessions).toEqual(snapshot.sessions);
    expect(snap.snapshot.nodes.length).toBe(snapshot.nodes.length);
    expect(DataTree.fromSnapshot(snap.snapshot).digest()).toBe(
      DataTree.fromSnapshot(snapshot).digest(),
    );
  });

  test.each([
    ['nodes without a head', () => [part('snapNodes', { nodes: [] })]],
    [
      'a message between the parts',
      () => {
        const [head] = encodeSnapParts(snapshotOf(3, 1));
        return [head ?? Buffer.alloc(0), encodePeerMessage(ack(1))];
      },
    ],
    [
      'more nodes than the head announced',
      () => {
        const [head, nodes] = encodeSnapParts(snapshotOf(3, 1));
        return [head ?? Buffer.alloc(0), nodes ?? Buffer.alloc(0), nodes ?? Buffer.alloc(0)];
      },
    ],
  ])('%s closes the link (1007)', async (_what, frames) => {
    const peer = await rawPeer(member(members, 1).network.port);
    peer.socket.send(encodePeerHello({ serverId: 4, to: 1 }));
    await waitFor('hello answered', () => peer.frames.length === 1);
    for (const frame of frames()) peer.socket.send(frame);
    expect((await peer.closed).code).toBe(1007);
  });
});

function part(type: string, fields: Record<string, unknown>): Buffer {
  return packValue({ type, zxid: 1n, ...fields });
}
