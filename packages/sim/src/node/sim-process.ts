// A simulated OS process (a server or a client host): up or down, its incarnation (bumped by
// every restart) and pauses. Everything addressed to a process runs through `run`, so a crashed
// process never sees an event meant for its previous life and a paused one sees it on waking.

import type { World } from '../world/world.js';

export class SimProcess {
  incarnation = 0;
  isUp = false;
  pausedUntilMs = 0;
  /** Tasks that came during a pause, oldest first. */
  private readonly held: { incarnation: number; task: () => void }[] = [];
  private isWakeScheduled = false;

  constructor(
    readonly name: string,
    private readonly world: World,
  ) {}

  get isPaused(): boolean {
    return this.world.nowMs < this.pausedUntilMs;
  }

  /**
   * Runs `task` now if this incarnation is still up, or when a pause ends. Tasks held by a pause
   * run in the order they came, even when a second pause extends the first.
   */
  run(incarnation: number, task: () => void): void {
    if (!this.isUp || incarnation !== this.incarnation) return;
    if (this.isPaused || this.held.length > 0) {
      this.held.push({ incarnation, task });
      this.wakeAtPauseEnd();
      return;
    }
    task();
  }

  private wakeAtPauseEnd(): void {
    if (this.isWakeScheduled) return;
    this.isWakeScheduled = true;
    this.world.at(this.pausedUntilMs, () => {
      this.isWakeScheduled = false;
      if (this.isPaused) return this.wakeAtPauseEnd();
      for (const { incarnation, task } of this.held.splice(0)) {
        if (this.isUp && incarnation === this.incarnation) task();
      }
    });
  }

  /** Schedules `task` on this incarnation of the process. */
  after(delayMs: number, task: () => void): void {
    const incarnation = this.incarnation;
    this.world.after(delayMs, () => this.run(incarnation, task));
  }

  boot(): number {
    this.incarnation += 1;
    this.isUp = true;
    this.pausedUntilMs = 0;
    return this.incarnation;
  }

  crash(): void {
    this.isUp = false;
    this.held.length = 0;
    this.isWakeScheduled = false;
  }

  pause(forMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, this.world.nowMs + forMs);
  }
}
