// A node's wall clock on virtual time, with the offset and drift the nemesis gives it. It never
// runs backwards (as the monotonic clock ZooKeeper's session expiry reads).

import type { World } from '../world/world.js';

/** Virtual time 0 reads as this wall-clock instant (2026-01-01), so ctime/mtime look real. */
export const simEpochMs = 1_767_225_600_000;

export class SimClock {
  offsetMs = 0;
  driftPpm = 0;
  private lastMs = -Infinity;

  constructor(private readonly world: World) {}

  nowMs(): number {
    const virtualMs = this.world.nowMs;
    const reading = simEpochMs + virtualMs + this.offsetMs + (virtualMs * this.driftPpm) / 1e6;
    // Whole milliseconds, as Date.now() gives.
    this.lastMs = Math.max(this.lastMs, Math.floor(reading));
    return this.lastMs;
  }
}
