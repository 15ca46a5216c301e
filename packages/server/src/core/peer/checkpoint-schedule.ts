// When a peer checkpoints its applied state (a snapshot written beside the log, after which the
// older log can go). ZooKeeper snapshots after snapCount/2 plus a random part of snapCount/2
// txns, so that an ensemble's members do not all snapshot at the same moment; the core has no
// randomness of its own, so the part is spread by server id instead — as staggered, and the
// same on every run (the simulator replays it exactly).

import { assert } from '@zoo/client/protocol';

/** ZooKeeper's zookeeper.snapCount default. */
export const snapCountDefault = 100_000;

export class CheckpointSchedule {
  private readonly threshold: number;
  private appliedSince = 0;

  constructor(snapCount: number, serverId: number) {
    assert(Number.isSafeInteger(snapCount) && snapCount >= 2, () => `snapCount ${snapCount}`);
    const half = Math.floor(snapCount / 2);
    // A multiplicative hash of the id: neighbouring ids land far apart within the half.
    const spread = Number((BigInt(serverId) * 2654435761n) % BigInt(half));
    this.threshold = half + spread;
  }

  /** Txns applied since the last checkpoint after which the next one is due. */
  get txnsPerCheckpoint(): number {
    return this.threshold;
  }

  noteApplied(): void {
    this.appliedSince += 1;
  }

  isDue(): boolean {
    return this.appliedSince >= this.threshold;
  }

  /** A checkpoint was queued, or a SNAP replaced the state (its snapshot was written). */
  restart(): void {
    this.appliedSince = 0;
  }
}
