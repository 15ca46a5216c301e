// A reconnecting session's setWatches(2): the client must re-send exactly the watches it holds,
// relative to the last zxid it saw, and the events that come before the reply must be exactly
// those DataTree.setWatches owes at the state the reply shows (watch-rules.ts). The watches
// owed nothing are set again at that state; the rest are consumed, as the client consumes them.

import { ErrorCode } from '@zoo/client/protocol';
import type { SessionEntry, WatchKind } from '../history/history.js';
import type { ChangeType } from './tree-changes.js';
import {
  catchUpEvent,
  changeTypeOf,
  isOneShot,
  mayCatchUp,
  reaches,
  watchKey,
} from './watch-rules.js';
import type { Watch, WatchSession } from './watch-rules.js';

type EventEntry = Extract<SessionEntry, { type: 'event' }>;
type SetWatchesEntry = Extract<SessionEntry, { type: 'setWatches' }>;

const watchKinds: readonly WatchKind[] = [
  'data',
  'exist',
  'child',
  'persistent',
  'persistentRecursive',
];

/** One setWatches request in flight: what it re-sent, and the events that came before its reply. */
interface Batch {
  relative: bigint;
  watches: Watch[];
  events: EventEntry[];
}

export class CatchUp {
  private readonly batches: Batch[] = [];
  private readonly batched = new Set<Watch>();

  constructor(private readonly session: WatchSession) {}

  /** True while a setWatches awaits its reply: every event until then is a catch-up event. */
  get isWaiting(): boolean {
    return this.batches.length > 0;
  }

  sent(entry: SetWatchesEntry): void {
    const { session } = this;
    if (entry.relativeZxid !== session.lastZxidSeen) {
      session.report(
        entry,
        `setWatches relative to zxid 0x${entry.relativeZxid.toString(16)}, but the client had ` +
          `seen 0x${session.lastZxidSeen.toString(16)}`,
      );
    }
    const watches: Watch[] = [];
    for (const kind of watchKinds) {
      for (const path of entry.watches[kind]) {
        const watch = session.watches.get(watchKey(kind, path));
        if (watch === undefined || watch.since !== null || this.batched.has(watch)) {
          session.report(
            entry,
            `setWatches re-registers a ${kind} watch on ${path} it does not hold`,
          );
          continue;
        }
        this.batched.add(watch);
        watches.push(watch);
      }
    }
    this.batches.push({ relative: entry.relativeZxid, watches, events: [] });
  }

  event(entry: EventEntry): void {
    this.batches[0]?.events.push(entry);
  }

  /** The reply of the oldest setWatches in flight: its zxid is the state it was judged at. */
  answered(entry: Extract<SessionEntry, { type: 'reply' }>): void {
    const batch = this.batches.shift();
    if (batch === undefined) return;
    if (entry.err !== ErrorCode.Ok) this.judgeWithoutState(batch);
    else this.judgeAt(batch, entry.zxid, entry);
  }

  /** The connection closed first: what came must be owed by some state after the last zxid. */
  lost(): void {
    for (const batch of this.batches.splice(0)) this.judgeWithoutState(batch);
  }

  private judgeAt(batch: Batch, zxid: bigint, reply: SessionEntry): void {
    const { session } = this;
    const owed = new Map<string, Watch[]>();
    for (const watch of batch.watches) {
      const type = catchUpEvent(session.changes.log, watch, batch.relative, zxid);
      if (type === null) {
        session.rearm(watch, zxid);
        continue;
      }
      const key = `${type} ${watch.path}`;
      owed.set(key, [...(owed.get(key) ?? []), watch]);
    }
    const state = `relative to 0x${batch.relative.toString(16)}, at 0x${zxid.toString(16)}`;
    for (const event of batch.events) {
      const type = changeTypeOf(event.eventType);
      const watch = owed.get(`${type ?? event.eventType} ${event.path}`)?.shift();
      if (watch !== undefined) {
        this.consume(watch);
        continue;
      }
      session.report(
        event,
        `a catch-up ${type ?? event.eventType} event on ${event.path} that ` +
          `setWatches (${state}) does not owe`,
      );
      if (type !== null) this.forgetReached(batch.watches, event.path, type);
    }
    for (const [key, watches] of owed) {
      for (const watch of watches) {
        session.report(
          reply,
          `setWatches (${state}) owes a ${key.split(' ')[0] ?? ''} event ` +
            `to its ${watch.kind} watch on ${watch.path}, and none came before its reply`,
        );
        this.consume(watch);
      }
    }
    for (const watch of batch.watches) this.batched.delete(watch);
  }

  private judgeWithoutState(batch: Batch): void {
    const { session } = this;
    const pending = new Set(batch.watches.filter((watch) => isOneShot(watch.kind)));
    for (const event of batch.events) {
      const type = changeTypeOf(event.eventType);
      const watch = [...pending].find(
        (candidate) =>
          type !== null &&
          candidate.path === event.path &&
          mayCatchUp(session.changes.log, candidate, batch.relative, type),
      );
      if (watch === undefined || type === null) {
        session.report(
          event,
          `a catch-up ${type ?? event.eventType} event on ${event.path} ` +
            `that no watch re-sent relative to 0x${batch.relative.toString(16)} is owed`,
        );
        continue;
      }
      pending.delete(watch);
      this.consume(watch);
      this.forgetReached([...pending], event.path, type);
    }
    for (const watch of batch.watches) this.batched.delete(watch);
  }

  private consume(watch: Watch): void {
    this.session.watches.delete(watchKey(watch.kind, watch.path));
  }

  /** The client forgets every one-shot watch an event reaches, owed or not. */
  private forgetReached(watches: readonly Watch[], path: string, type: ChangeType): void {
    for (const watch of watches) {
      if (isOneShot(watch.kind) && reaches(watch.kind, watch.path, path, type)) this.consume(watch);
    }
  }
}
