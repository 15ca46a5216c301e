// A server's simulated disk: writes become durable after an fsync delay, in order; a crash loses
// whatever was still in flight (never acknowledged). What is durable lives on a MemoryTxnLog —
// the same bookkeeping of epochs, log and snapshot the embedded server keeps.

import { MemoryTxnLog } from '@zoo/server/internals';
import type { PersistOp, TxnLog } from '@zoo/server/internals';
import type { SeededRandom } from '@zoo/server/internals';
import type { EventHandle, World } from '../world/world.js';
import type { SimProcess } from './sim-process.js';

export interface DiskHooks {
  /** A write was handed to the disk (its fsync has not finished). */
  writeStarted?: () => void;
  /** A write is durable; its completion has not reached the server yet. */
  writeDurable?: () => void;
}

export class SimDisk implements TxnLog {
  /** What survives a crash. */
  readonly platter = new MemoryTxnLog();
  hooks: DiskHooks = {};
  /** Extra fsync latency (a stalling disk), set by the nemesis. */
  stallMs = 0;
  private readonly inFlight = new Set<EventHandle>();
  private lastDurableAtMs = 0;

  constructor(
    private readonly world: World,
    private readonly process: SimProcess,
    private readonly random: SeededRandom,
  ) {}

  write(ops: readonly PersistOp[], done: (lastTxnZxid: bigint | null) => void): void {
    const incarnation = this.process.incarnation;
    const atMs = Math.max(this.world.nowMs + this.fsyncMs(), this.lastDurableAtMs);
    this.lastDurableAtMs = atMs;
    const handle = this.world.at(atMs, () => {
      this.inFlight.delete(handle);
      this.platter.write(ops, (lastTxnZxid) => {
        this.hooks.writeDurable?.();
        this.process.run(incarnation, () => done(lastTxnZxid));
      });
    });
    this.inFlight.add(handle);
    this.hooks.writeStarted?.();
  }

  /** The process died: writes still in flight never happened. */
  crash(): void {
    for (const handle of this.inFlight) this.world.cancel(handle);
    this.inFlight.clear();
    this.lastDurableAtMs = 0;
  }

  async close(): Promise<void> {}

  /** Mostly a fraction of a millisecond (an SSD's fdatasync); sometimes a few ms. */
  private fsyncMs(): number {
    const base = this.random.chance(0.95)
      ? 0.05 + this.random.nextFloat() * 0.5
      : 1 + this.random.nextFloat() * 9;
    return base + this.stallMs;
  }
}
