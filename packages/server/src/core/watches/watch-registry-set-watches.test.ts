// setWatches / setWatches2 after a reconnect (wire sheet §5.5, ZooKeeper DataTree.setWatches):
// which restored watch gets a catch-up event now and which is registered again.

import { describe, expect, test } from 'vitest';
import { EventType, OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { SetWatchesRequest } from '@zoo/client/protocol';
import { WatchRegistry, watchersOf } from './watch-registry.js';
import type { NodeView } from './watch-registry.js';

/** relativeZxid is 10: /old is unchanged, /changed has new data, /parent has new children. */
const tree: Record<string, { mzxid: bigint; pzxid: bigint }> = {
  '/old': { mzxid: 5n, pzxid: 5n },
  '/changed': { mzxid: 12n, pzxid: 5n },
  '/parent': { mzxid: 5n, pzxid: 12n },
};
const view: NodeView = { getNode: (path) => tree[path] };

function setWatches(lists: Partial<SetWatchesRequest>): SetWatchesRequest {
  return {
    type: 'setWatches',
    version: 2,
    relativeZxid: 10n,
    dataWatches: [],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
    ...lists,
  };
}

type List = 'dataWatches' | 'existWatches' | 'childWatches';
interface Row {
  list: List;
  path: string;
  /** The catch-up event sent now, or null when the watch is registered instead. */
  event: number | null;
  /** The table the watch lands in, when registered. */
  table: 'data' | 'child' | null;
}

const rows: [string, Row][] = [
  [
    'data watch, node missing → NodeDeleted',
    { list: 'dataWatches', path: '/gone', event: EventType.nodeDeleted, table: null },
  ],
  [
    'data watch, mzxid > relativeZxid → NodeDataChanged',
    { list: 'dataWatches', path: '/changed', event: EventType.nodeDataChanged, table: null },
  ],
  [
    'data watch, unchanged → registered',
    { list: 'dataWatches', path: '/old', event: null, table: 'data' },
  ],
  [
    'exist watch, node exists (any zxid) → NodeCreated',
    { list: 'existWatches', path: '/old', event: EventType.nodeCreated, table: null },
  ],
  [
    'exist watch, node missing → registered',
    { list: 'existWatches', path: '/gone', event: null, table: 'data' },
  ],
  [
    'child watch, node missing → NodeDeleted',
    { list: 'childWatches', path: '/gone', event: EventType.nodeDeleted, table: null },
  ],
  [
    'child watch, pzxid > relativeZxid → NodeChildrenChanged',
    { list: 'childWatches', path: '/parent', event: EventType.nodeChildrenChanged, table: null },
  ],
  [
    'child watch, unchanged → registered',
    { list: 'childWatches', path: '/changed', event: null, table: 'child' },
  ],
];

describe('WatchRegistry.setWatches: catch-up per §5.5', () => {
  test.each(rows)('%s', (_name, row) => {
    const registry = new WatchRegistry();
    const events = registry.setWatches(4, setWatches({ [row.list]: [row.path] }), view);
    const expected = row.event === null ? [] : [{ type: row.event, state: 3, path: row.path }];
    expect(events).toEqual(expected);
    expect(registry.checkWatches(4, row.path, 2, false)).toBe(
      row.table === 'data' ? 'ok' : 'noWatcher',
    );
    expect(registry.checkWatches(4, row.path, 1, false)).toBe(
      row.table === 'child' ? 'ok' : 'noWatcher',
    );
    registry.invariants();
  });

  test('persistent and recursive lists register without catch-up, even for missing nodes', () => {
    const registry = new WatchRegistry();
    const events = registry.setWatches(
      4,
      setWatches({ persistentWatches: ['/gone', '/changed'], persistentRecursiveWatches: ['/r'] }),
      view,
    );
    expect(events).toEqual([]);
    const created = (path: string): number[] =>
      watchersOf(registry.trigger({ type: 'nodeCreated', path, acl: OPEN_ACL_UNSAFE }, null));
    expect(created('/gone')).toEqual([4]);
    expect(created('/r/x')).toEqual([4]);
    expect(created('/elsewhere')).toEqual([]);
  });

  test('catch-up events come in list order: data, exist, child', () => {
    const registry = new WatchRegistry();
    const events = registry.setWatches(
      4,
      setWatches({ childWatches: ['/gone'], existWatches: ['/old'], dataWatches: ['/changed'] }),
      view,
    );
    expect(events.map((event) => event.type)).toEqual([
      EventType.nodeDataChanged,
      EventType.nodeCreated,
      EventType.nodeDeleted,
    ]);
  });

  test('a restored watch then fires once like a fresh one', () => {
    const registry = new WatchRegistry();
    registry.setWatches(4, setWatches({ dataWatches: ['/old'] }), view);
    const event = { type: 'nodeDataChanged' as const, path: '/old', acl: OPEN_ACL_UNSAFE };
    expect(registry.trigger(event, () => true)).toEqual({
      event: { type: EventType.nodeDataChanged, state: 3, path: '/old' },
      watchers: [new Set([4])],
    });
    expect(registry.trigger(event, () => true)).toBeNull();
  });
});
