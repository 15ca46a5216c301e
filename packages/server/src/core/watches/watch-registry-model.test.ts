// Property test: WatchRegistry against a deliberately naive model of ZooKeeper 3.8's watch rules
// (a flat list of registrations scanned on every trigger), over random operation sequences.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import { WatchRegistry, watchersOf } from './watch-registry.js';
import type { WatchMode, WatchTriggerEvent } from './watch-registry.js';

type Table = 'data' | 'child';
type EventName = WatchTriggerEvent['type'];
interface Registration {
  connectionId: number;
  table: Table;
  path: string;
  mode: WatchMode;
}

/** ZooKeeper 3.8 WatchManager + DataTree watch rules, written as plainly as possible. */
class NaiveWatches {
  registrations: Registration[] = [];

  add(registration: Registration): void {
    const existing = this.registrations.find(
      (r) =>
        r.connectionId === registration.connectionId &&
        r.table === registration.table &&
        r.path === registration.path,
    );
    if (existing === undefined) this.registrations.push({ ...registration });
    else existing.mode = registration.mode;
  }

  trigger(type: EventName, path: string, readers: Set<number>): number[] {
    const tables: Table[] =
      type === 'nodeDeleted'
        ? ['data', 'child']
        : type === 'nodeChildrenChanged'
          ? ['child']
          : ['data'];
    const matched = new Set<number>();
    const consumed = new Set<Registration>();
    for (const r of this.registrations.filter((x) => tables.includes(x.table))) {
      if (r.mode === 'persistentRecursive') {
        const isBelow = isSelfOrAncestor(r.path, path);
        if (type !== 'nodeChildrenChanged' && isBelow) matched.add(r.connectionId);
      } else if (r.path === path) {
        matched.add(r.connectionId);
        if (r.mode === 'standard') consumed.add(r);
      }
    }
    this.registrations = this.registrations.filter((r) => !consumed.has(r));
    return [...matched].filter((id) => readers.has(id)).sort((a, b) => a - b);
  }

  /** 3.8: a check sees any connection's watch on the path; a remove takes only the caller's. */
  check(connectionId: number, path: string, tables: Table[], remove: boolean): boolean {
    const onPath = this.registrations.filter((r) => r.path === path && tables.includes(r.table));
    if (!remove) return onPath.length > 0;
    const hits = onPath.filter((r) => r.connectionId === connectionId);
    this.registrations = this.registrations.filter((r) => !hits.includes(r));
    return hits.length > 0;
  }

  close(connectionId: number): void {
    this.registrations = this.registrations.filter((r) => r.connectionId !== connectionId);
  }
}

function isSelfOrAncestor(ancestor: string, path: string): boolean {
  return ancestor === path || ancestor === '/' || path.startsWith(`${ancestor}/`);
}

const path = fc.constantFrom('/', '/a', '/a/b', '/a/b/c', '/b', '/ab');
const connectionId = fc.integer({ min: 1, max: 3 });
const eventName: fc.Arbitrary<EventName> = fc.constantFrom(
  'nodeCreated',
  'nodeDeleted',
  'nodeDataChanged',
  'nodeChildrenChanged',
);
const operation = fc.oneof(
  fc.record({ op: fc.constantFrom('data' as const, 'child' as const), connectionId, path }),
  fc.record({
    op: fc.constant('addWatch' as const),
    connectionId,
    path,
    mode: fc.constantFrom(0 as const, 1 as const),
  }),
  fc.record({
    op: fc.constant('trigger' as const),
    path,
    type: eventName,
    readers: fc.subarray([1, 2, 3]),
  }),
  fc.record({
    op: fc.constant('check' as const),
    connectionId,
    path,
    watcherType: fc.integer({ min: 0, max: 4 }),
    remove: fc.boolean(),
  }),
  fc.record({ op: fc.constant('close' as const), connectionId }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function tablesOf(watcherType: number): Table[] | null {
  if (watcherType === 1) return ['child'];
  if (watcherType === 2) return ['data'];
  return watcherType === 3 ? ['data', 'child'] : null;
}

/** Applies one operation to both and checks that they answer alike. */
function step(registry: WatchRegistry, model: NaiveWatches, o: Operation): void {
  switch (o.op) {
    case 'data':
    case 'child': {
      if (o.op === 'data') registry.addDataWatch(o.connectionId, o.path);
      else registry.addChildWatch(o.connectionId, o.path);
      model.add({ connectionId: o.connectionId, table: o.op, path: o.path, mode: 'standard' });
      return;
    }
    case 'addWatch': {
      registry.addWatch(o.connectionId, o.path, o.mode);
      const mode = o.mode === 0 ? 'persistent' : 'persistentRecursive';
      model.add({ connectionId: o.connectionId, table: 'data', path: o.path, mode });
      model.add({ connectionId: o.connectionId, table: 'child', path: o.path, mode });
      return;
    }
    case 'trigger': {
      const readers = new Set(o.readers);
      const event = { type: o.type, path: o.path, acl: OPEN_ACL_UNSAFE };
      const mayFire = registry.mayFire(event);
      const fired = registry.trigger(event, (id) => readers.has(id));
      // The request path skips an event mayFire rules out: it must never rule out a firing one.
      if (!mayFire) expect(fired).toBeNull();
      const ids = watchersOf(fired);
      expect([...ids].sort((a, b) => a - b)).toEqual(model.trigger(o.type, o.path, readers));
      if (fired !== null) expect(fired.event.path).toBe(o.path);
      return;
    }
    case 'check': {
      const tables = tablesOf(o.watcherType);
      const expected =
        tables === null
          ? 'badType'
          : model.check(o.connectionId, o.path, tables, o.remove)
            ? 'ok'
            : 'noWatcher';
      expect(registry.checkWatches(o.connectionId, o.path, o.watcherType, o.remove)).toBe(expected);
      return;
    }
    case 'close':
      registry.removeConnection(o.connectionId);
      model.close(o.connectionId);
      return;
  }
}

describe('WatchRegistry model test', () => {
  test('matches the naive 3.8 model on random operation sequences', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const registry = new WatchRegistry();
        const model = new NaiveWatches();
        for (const o of operations) {
          step(registry, model, o);
          registry.invariants();
          expect(registry.watchCount()).toBe(model.registrations.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
