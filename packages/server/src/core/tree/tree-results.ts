// What applying a txn gives back: the reply's result and the watch events it fires.

import type { Acl, Stat } from '@zoo/client/protocol';

export interface TreeEvent {
  type: 'nodeCreated' | 'nodeDeleted' | 'nodeDataChanged' | 'nodeChildrenChanged';
  path: string;
  /** The ACL that guards delivery: the node's own (its last one when deleted), the parent's for
   * nodeChildrenChanged (ZooKeeper 3.8.4+: WatchManager.triggerWatch(path, type, acl)). */
  acl: readonly Acl[];
}

/**
 * What the reply to a txn needs. A create's or setData's `stat` is null when the txn was applied
 * without stats (DataTree.applyInto): no reply here needs one.
 */
export type TxnResult =
  | { type: 'create'; path: string; stat: Stat | null }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat | null }
  | { type: 'setACL'; stat: Stat }
  | { type: 'check' }
  | { type: 'multi'; results: TxnResult[] }
  | { type: 'error'; err: number }
  | { type: 'multiError'; errs: number[] }
  | { type: 'session' };

/** Where a txn's apply puts its watch events (DataTree.applyInto), in the order they fire. */
export interface TreeEventSink {
  add(type: TreeEvent['type'], path: string, acl: readonly Acl[]): void;
}

/** A new object per event, kept: DataTree.apply's sink, for tests and tools. */
export class TreeEventList implements TreeEventSink {
  readonly events: TreeEvent[] = [];

  add(type: TreeEvent['type'], path: string, acl: readonly Acl[]): void {
    this.events.push({ type, path, acl });
  }
}

/** Event objects kept past a clear (a closeSession's thousands are not). */
const reusedEventsKeptMax = 64;

/**
 * The request path's sink: its event objects are filled anew for each txn, so applying a write
 * makes none (a create fires two events, nearly always unwatched). Nothing may keep an event
 * past the next clear: the watch registry reads type and path and builds its own.
 */
export class ReusedTreeEvents implements TreeEventSink {
  private readonly slots: TreeEvent[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The `index`-th event of the txn applied last (index < size). */
  at(index: number): TreeEvent | undefined {
    return index < this.count ? this.slots[index] : undefined;
  }

  add(type: TreeEvent['type'], path: string, acl: readonly Acl[]): void {
    const slot = this.slots[this.count];
    if (slot === undefined) this.slots.push({ type, path, acl });
    else {
      slot.type = type;
      slot.path = path;
      slot.acl = acl;
    }
    this.count += 1;
  }

  clear(): void {
    this.count = 0;
    if (this.slots.length > reusedEventsKeptMax) this.slots.length = reusedEventsKeptMax;
  }
}
