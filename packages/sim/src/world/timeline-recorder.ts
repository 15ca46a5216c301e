// Collects the timeline of a run (server roles, downtime, pauses, partitions, faults) as the run
// goes; client operations are added from the history at the end.

import type { TimelineEntry } from '../scenario.js';

export class TimelineRecorder {
  readonly entries: TimelineEntry[] = [];
  private readonly open = new Map<string, TimelineEntry>();

  /** Starts a bar on `lane` of `kind`, ending any open bar of that lane and kind. */
  begin(lane: string, kind: TimelineEntry['kind'], label: string, atMs: number): void {
    this.end(lane, kind, atMs);
    const entry: TimelineEntry = { lane, startMs: atMs, endMs: null, kind, label };
    this.entries.push(entry);
    this.open.set(`${lane}/${kind}`, entry);
  }

  end(lane: string, kind: TimelineEntry['kind'], atMs: number): void {
    const key = `${lane}/${kind}`;
    const entry = this.open.get(key);
    if (entry === undefined) return;
    entry.endMs = atMs;
    this.open.delete(key);
  }

  instant(lane: string, kind: TimelineEntry['kind'], label: string, atMs: number): void {
    this.entries.push({ lane, startMs: atMs, endMs: null, kind, label });
  }

  /** Closes every open bar at the end of the run. */
  finish(atMs: number): void {
    for (const entry of this.open.values()) entry.endMs = atMs;
    this.open.clear();
  }
}
