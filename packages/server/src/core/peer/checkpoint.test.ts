// Checkpoints: every so many applied txns the peer queues a snapshot of its applied state, with
// the txns logged after it, so that the log before it can go (ZooKeeper: SyncRequestProcessor's
// snapCount). The snapshot must be exactly the state at its zxid.

import { describe, expect, test } from 'vitest';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Request } from '@zoo/client/protocol';
import { PeerHarness } from '../testing/peer-harness.js';
import { DataTree } from '../tree/data-tree.js';
import { drainSnapshot } from '../tree/tree-snapshot.js';
import { CheckpointSchedule } from './checkpoint-schedule.js';

const create = (path: string): Request => ({
  type: 'create',
  variant: 'create',
  path,
  data: Buffer.from(path),
  acl: [...OPEN_ACL_UNSAFE],
  flags: 0,
  ttl: -1n,
});

describe('checkpoints', () => {
  test('come every txnsPerCheckpoint applied txns, each the exact state at its zxid', () => {
    const snapCount = 10;
    const h = new PeerHarness({ snapCount });
    const { connectionId } = h.session();
    const digests = new Map<bigint, string>();
    for (let i = 0; i < 40; i++) {
      h.call(connectionId, i + 1, create(`/n${i}`));
      digests.set(h.peer.lastZxid, h.peer.tree.digest());
    }
    const checkpoints = h.persistOps.flatMap((op) => (op.type === 'checkpoint' ? [op] : []));
    const every = new CheckpointSchedule(snapCount, 1).txnsPerCheckpoint;
    // 41 txns (the session, then 40 creates).
    expect(checkpoints.map((op) => op.snapshot.zxid)).toEqual(
      Array.from({ length: Math.floor(41 / every) }, (_, i) => BigInt((i + 1) * every)),
    );
    for (const { snapshot: stream, tail } of checkpoints) {
      const snapshot = drainSnapshot(stream);
      expect(DataTree.fromSnapshot(snapshot).digest()).toBe(digests.get(snapshot.zxid));
      expect(snapshot.sessions).toHaveLength(1);
      // The harness's disk is instant, so nothing logged is left unapplied at a checkpoint.
      expect(tail).toEqual([]);
    }
  });

  test('members of one ensemble are spread over the second half of snapCount', () => {
    const points = [1, 2, 3, 4, 5].map((id) => new CheckpointSchedule(100_000, id));
    const thresholds = points.map((schedule) => schedule.txnsPerCheckpoint);
    for (const threshold of thresholds) {
      expect(threshold).toBeGreaterThanOrEqual(50_000);
      expect(threshold).toBeLessThan(100_000);
    }
    expect(new Set(thresholds).size).toBe(5);
  });
});
