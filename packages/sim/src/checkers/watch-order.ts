// The watch checker: what each session received on the wire — replies with their zxids, watch
// events, reconnects — judged against the tree's committed changes (tree-changes.ts). It checks
// what ZooKeeper guarantees, no more:
//
// While connected (one connection; watches belong to it, not to the session):
// - A one-shot watch (getData/exists → data or exist watch, getChildren → child watch) is set at
//   the zxid of the reply that set it, and fires once, for the first change of its path after
//   that zxid that it watches (data: created/deleted/dataChanged; child: childrenChanged/
//   deleted); the event's type is that change's. A second event, or one no watch of the session
//   can take, is a violation. An exists on a missing node sets an exist watch, as ZooKeeper does.
// - Persistent (addWatch mode 0: every change of the path, children included) and recursive
//   (mode 1: created/deleted/dataChanged at or below the path) watches get one event per change
//   after the addWatch reply's zxid, in zxid order. One change gives a connection one event
//   however many of its watches it fires; events of one txn (a multi) may come in any order.
// - Ordering: an event comes before any reply whose zxid is at or above its change's (the client
//   sees the event before the new data), and after every reply whose zxid is below it.
// Across a reconnect (the connection closed; the session resumed on a new one):
// - What was in flight is lost, so the old connection's events may stop anywhere after the last
//   reply. The client must re-send every watch it still holds in setWatches(2), relative to its
//   last zxid seen R (the highest reply zxid), before anything else.
// - The server judges them at its state S, the setWatches reply's zxid, and sends what it owes
//   before that reply — exactly DataTree.setWatches: a data watch gets NodeDeleted if the node
//   is gone, NodeDataChanged if its mzxid > R; an exist watch NodeCreated if the node exists
//   (whenever it was made); a child watch NodeDeleted if gone, NodeChildrenChanged if its
//   pzxid > R. Any other one-shot watch is set again at S. Persistent and recursive watches are
//   set again at S with no catch-up event: the changes in (R, S] are never delivered, and those
//   after S are, even if the old connection had delivered some of them already (their events
//   carry no zxid, so the client cannot skip them). So an exist watch misses a node created and
//   deleted while it was away, as ZooKeeper documents.
// - When the setWatches reply never came, each catch-up event that did must be one that some
//   state after R would owe.
//
// Sessions end with their log; expiry loses every watch. Cost: linear in the log, times the
// few watches a session holds, plus a binary search per watch set.

import { ErrorCode } from '@zoo/client/protocol';
import type {
  History,
  RecordedCall,
  SessionEntry,
  SessionLog,
  Violation,
} from '../history/history.js';
import type { WatchKind } from '../history/history.js';
import { ChangeLog, firstAfter } from './tree-changes.js';
import type { ChangeType, TreeChange } from './tree-changes.js';
import {
  WatchedChanges,
  changeTypeOf,
  isOneShot,
  kindsOfWatcherType,
  reaches,
  watchKey,
} from './watch-rules.js';
import type { Watch, WatchSession } from './watch-rules.js';
import { CatchUp } from './watch-catch-up.js';

/** Violations reported per session at most (the first shows the bug; the rest are its echo). */
const perSessionMax = 3;

export function checkWatchOrder(history: History): Violation[] {
  const watching = history.sessions.filter(setsWatches);
  if (watching.length === 0) return [];
  const changes = new WatchedChanges(ChangeLog.fromServerEvents(history.server));
  return watching.flatMap((log) => new SessionWatches(log, changes).check());
}

function setsWatches(log: SessionLog): boolean {
  return log.entries.some(
    (entry) =>
      entry.type === 'reply' &&
      (entry.call.op === 'addWatch' || ('watch' in entry.call && entry.call.watch)),
  );
}

/** One session's log, replayed entry by entry. */
export class SessionWatches implements WatchSession {
  readonly watches = new Map<string, Watch>();
  readonly violations: Violation[] = [];
  /** The client's lastZxidSeen: the highest zxid of any reply. */
  lastZxidSeen = 0n;
  private connection: number | null = null;
  /** Changes whose event arrived on this connection, and the highest zxid among them. */
  private delivered = new Set<number>();
  private deliveredZxidMax = -1n;
  private readonly reported = new Set<string>();
  private catchUp: CatchUp | null = null;
  private isReRegistrationChecked = true;

  constructor(
    private readonly log: SessionLog,
    readonly changes: WatchedChanges,
  ) {}

  check(): Violation[] {
    for (const entry of this.log.entries) {
      if (this.violations.length >= perSessionMax) break;
      this.step(entry);
    }
    return this.violations;
  }

  report(entry: SessionEntry, message: string): void {
    const session = this.log.sessionId === null ? '?' : `0x${this.log.sessionId.toString(16)}`;
    const at = entry.atMs.toFixed(0);
    const where = `c${this.log.process} session ${session} #${entry.connection} at ${at} ms`;
    this.violations.push({ checker: 'watch', message: `${where}: ${message}` });
  }

  /** Sets a held watch again at `zxid` (a setWatches reply's). */
  rearm(watch: Watch, zxid: bigint): void {
    watch.since = zxid;
    watch.cursor = firstAfter(this.changes.of(watch.kind, watch.path), zxid);
  }

  private step(entry: SessionEntry): void {
    switch (entry.type) {
      case 'connected':
        this.connectionLost();
        this.connection = entry.connection;
        return;
      case 'lost':
        if (entry.connection === this.connection) this.connectionLost();
        return;
      case 'setWatches':
        this.catchUp ??= new CatchUp(this);
        this.catchUp.sent(entry);
        this.isReRegistrationChecked = false;
        return;
      case 'event':
        if (this.catchUp?.isWaiting === true) this.catchUp.event(entry);
        else this.event(entry);
        return;
      case 'reply':
        if (entry.call.op === 'setWatches' && this.catchUp?.isWaiting === true) {
          this.catchUp.answered(entry);
          this.noteZxid(entry.zxid);
          return;
        }
        this.reply(entry);
        return;
    }
  }

  /** The connection is gone: watches wait in the client for the next one. */
  private connectionLost(): void {
    this.catchUp?.lost();
    this.catchUp = null;
    for (const watch of this.watches.values()) watch.since = null;
    this.connection = null;
    this.delivered = new Set();
    this.deliveredZxidMax = -1n;
    this.isReRegistrationChecked = false;
  }

  /** After a reconnect, the first ordinary frame: every held watch must have been re-sent. */
  private checkReRegistered(entry: SessionEntry): void {
    if (this.isReRegistrationChecked) return;
    this.isReRegistrationChecked = true;
    for (const [key, watch] of this.watches) {
      if (watch.since !== null) continue;
      this.watches.delete(key);
      if (watch.isOptional) continue;
      this.report(entry, `the client did not re-register its ${watch.kind} watch on ${watch.path}`);
    }
  }

  private reply(entry: Extract<SessionEntry, { type: 'reply' }>): void {
    this.checkReRegistered(entry);
    const zxid = entry.zxid;
    if (zxid > 0n) {
      if (this.deliveredZxidMax > zxid) {
        this.report(
          entry,
          `a reply at zxid 0x${zxid.toString(16)} (${describeCall(entry.call)}) came after ` +
            `the event of a later change (zxid 0x${this.deliveredZxidMax.toString(16)})`,
        );
      }
      this.checkEventsBefore(entry, zxid);
    }
    this.noteZxid(zxid);
    const { call, err } = entry;
    if (call.op === 'checkWatches' || call.op === 'removeWatches') {
      if (err === ErrorCode.Ok) this.unwatch(call);
    } else this.arm(call, err, zxid);
  }

  /** removeWatches drops watches everywhere; checkWatches only a listener in the client. */
  private unwatch(call: Extract<RecordedCall, { op: 'checkWatches' | 'removeWatches' }>): void {
    for (const kind of kindsOfWatcherType(call.watcherType)) {
      const key = watchKey(kind, call.path);
      const watch = this.watches.get(key);
      if (watch === undefined) continue;
      if (call.op === 'removeWatches') this.watches.delete(key);
      else watch.isOptional = true;
    }
  }

  /** Every change a watch still owes an event for, at or below `zxid`, is overdue. */
  private checkEventsBefore(entry: SessionEntry, zxid: bigint): void {
    for (const watch of this.watches.values()) {
      const change = this.nextChange(watch);
      if (change === undefined || change.zxid > zxid) continue;
      const key = `${watchKey(watch.kind, watch.path)} ${change.seq}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.report(
        entry,
        `a reply at zxid 0x${zxid.toString(16)} came before the event its ${watch.kind} watch ` +
          `on ${watch.path} owes for ${describeChange(change)}`,
      );
    }
  }

  private noteZxid(zxid: bigint): void {
    if (zxid > this.lastZxidSeen) this.lastZxidSeen = zxid;
  }

  /** A reply that set a watch (ZooKeeper: the WatchRegistration of its request). */
  private arm(call: RecordedCall, err: number, zxid: bigint): void {
    const kind = armedKind(call, err);
    if (kind === null || !('path' in call)) return;
    const key = watchKey(kind, call.path);
    const known = this.watches.get(key);
    if (known !== undefined) {
      // Already set: the earlier zxid still counts, and the client holds a listener again.
      known.isOptional = false;
      return;
    }
    const watch: Watch = { kind, path: call.path, since: null, cursor: 0, isOptional: false };
    this.rearm(watch, zxid);
    this.watches.set(key, watch);
  }

  /** The next change a watch set on this connection owes an event for, if any. */
  private nextChange(watch: Watch): TreeChange | undefined {
    if (watch.since === null) return undefined;
    const list = this.changes.of(watch.kind, watch.path);
    if (isOneShot(watch.kind)) return list[watch.cursor];
    while (watch.cursor < list.length && this.delivered.has(list[watch.cursor]?.seq ?? -1)) {
      watch.cursor += 1;
    }
    return list[watch.cursor];
  }

  private event(entry: Extract<SessionEntry, { type: 'event' }>): void {
    this.checkReRegistered(entry);
    const type = changeTypeOf(entry.eventType);
    if (type === null) {
      this.report(entry, `an event of type ${entry.eventType} on ${entry.path} from a server`);
      return;
    }
    const reached = [...this.watches.values()].filter(
      (watch) => watch.since !== null && reaches(watch.kind, watch.path, entry.path, type),
    );
    const what = `${type} event on ${entry.path}`;
    if (reached.length === 0) {
      this.report(entry, `a ${what}, and the session holds no watch it could fire`);
      return;
    }
    const change = this.matchChange(reached, entry.path, type);
    if (change === undefined) {
      this.report(entry, `a ${what}, but its watches expect ${this.describeExpected(reached)}`);
    } else {
      this.delivered.add(change.seq);
      if (change.zxid > this.deliveredZxidMax) this.deliveredZxidMax = change.zxid;
    }
    // The client forgets every one-shot watch the event reaches, whichever change it was for.
    for (const watch of reached) {
      if (!isOneShot(watch.kind)) continue;
      const owed = this.nextChange(watch);
      if (change !== undefined && owed?.seq !== change.seq) {
        const first = owed === undefined ? 'none' : describeChange(owed);
        this.report(
          entry,
          `its ${watch.kind} watch on ${watch.path} fired by a ${what}, but the first change ` +
            `after it was set is ${first}`,
        );
      }
      this.watches.delete(watchKey(watch.kind, watch.path));
    }
  }

  /**
   * The change an event stands for: one the reached watches still owe, in the earliest txn any
   * watch of the session still owes an event for (events come in zxid order).
   */
  private matchChange(reached: readonly Watch[], path: string, type: ChangeType) {
    let next: bigint | null = null;
    for (const watch of this.watches.values()) {
      const zxid = this.nextChange(watch)?.zxid;
      if (zxid !== undefined && (next === null || zxid < next)) next = zxid;
    }
    let match: TreeChange | undefined;
    for (const watch of reached) {
      const list = this.changes.of(watch.kind, watch.path);
      const start = this.nextChange(watch) === undefined ? list.length : watch.cursor;
      for (let i = start; i < list.length; i += 1) {
        const change = list[i];
        if (change === undefined || change.zxid !== next) break;
        if (this.delivered.has(change.seq) || change.path !== path || change.type !== type) {
          if (isOneShot(watch.kind)) break;
          continue;
        }
        if (match === undefined || change.seq < match.seq) match = change;
        break;
      }
    }
    return match;
  }

  private describeExpected(reached: readonly Watch[]): string {
    const parts = reached.map((watch) => {
      const owed = this.nextChange(watch);
      const set = `set at 0x${(watch.since ?? 0n).toString(16)}`;
      const next = owed === undefined ? 'no change' : describeChange(owed);
      return `${watch.kind} on ${watch.path} (${set}): ${next} first`;
    });
    return parts.join('; ');
  }
}

function armedKind(call: RecordedCall, err: number): WatchKind | null {
  if (call.op === 'addWatch') {
    if (err !== ErrorCode.Ok) return null;
    return call.mode === 1 ? 'persistentRecursive' : 'persistent';
  }
  if (!('watch' in call) || !call.watch) return null;
  if (call.op === 'exists') {
    if (err === ErrorCode.Ok) return 'data';
    return err === ErrorCode.NoNode ? 'exist' : null;
  }
  if (err !== ErrorCode.Ok) return null;
  return call.op === 'getData' ? 'data' : 'child';
}

export function describeChange(change: TreeChange): string {
  return `${change.type} ${change.path} at 0x${change.zxid.toString(16)}`;
}

function describeCall(call: RecordedCall): string {
  if (call.op === 'other') return call.name;
  return 'path' in call ? `${call.op} ${call.path}` : call.op;
}
