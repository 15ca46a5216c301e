// What handing fired watch sets out whole must not change: the reverse index settled lazily
// answers as an eager one would (counts, wchc order, the per-connection limit), a handed-out set
// never changes afterwards, and the READ filter still consumes the one-shot watches it drops.

import { describe, expect, test } from 'vitest';
import type { Acl } from '@zoo/client/protocol';
import { WatchRegistry, watchersOf } from './watch-registry.js';
import { WatchTable } from './watch-table.js';
import type { WatcherGroup } from './watch-table.js';

const secret: readonly Acl[] = [{ perms: 31, id: { scheme: 'digest', id: 'alice:x' } }];

describe('WatchTable: fired one-shot sets settle lazily', () => {
  test('a storm hands out one set, and counts and listings no longer see it', () => {
    const table = new WatchTable();
    for (let id = 1; id <= 1_000; id += 1) table.add(id, '/a', 'standard');
    table.add(1, '/b', 'standard');
    const groups: WatcherGroup[] = [];
    table.collect('/a', false, groups);
    expect(groups.map((group) => group.size)).toEqual([1_000]);
    expect(table.isWatched('/a')).toBe(false);
    expect(table.size()).toBe(1);
    expect(table.countAtMostOf(2)).toBe(1); // not settled yet
    expect(table.countOf(2)).toBe(0);
    expect(table.byConnection().get(1)).toEqual(['/b']);
    // As 3.8's watch2Paths: the connection stays listed, with nothing left.
    expect(table.byConnection().get(2)).toEqual([]);
    expect(table.connectionCount()).toBe(1_000);
    table.invariants();
  });

  test('a watch set again before settling stays, and is listed last as a new one', () => {
    const table = new WatchTable();
    table.add(1, '/a', 'standard');
    table.add(1, '/b', 'standard');
    table.collect('/a', false, []);
    table.add(1, '/a', 'standard');
    expect(table.byConnection().get(1)).toEqual(['/b', '/a']);
    expect(table.countOf(1)).toBe(2);
    table.invariants();
  });

  test('a persistent set handed out does not change when the path changes afterwards', () => {
    const table = new WatchTable();
    table.add(1, '/p', 'persistent');
    const groups: WatcherGroup[] = [];
    table.collect('/p', false, groups);
    table.add(2, '/p', 'persistent');
    table.remove(1, '/p');
    expect(groups.map((group) => [...group])).toEqual([[1]]);
    expect(table.byPath().get('/p')).toEqual([2]);
    table.invariants();
  });
});

describe('WatchRegistry: limits and the READ filter over handed-out sets', () => {
  test('fired watches stop counting against watchesPerConnectionMax', () => {
    const registry = new WatchRegistry({ watchesPerConnectionMax: 2 });
    registry.addDataWatch(1, '/a');
    registry.addDataWatch(1, '/b');
    registry.trigger({ type: 'nodeDataChanged', path: '/a', acl: secret }, null);
    registry.trigger({ type: 'nodeDataChanged', path: '/b', acl: secret }, null);
    registry.addDataWatch(1, '/c');
    registry.addDataWatch(1, '/d');
    expect(registry.isOverLimit(1)).toBe(false);
    registry.addDataWatch(1, '/e');
    expect(registry.isOverLimit(1)).toBe(true);
    expect(registry.watchCountOf(1)).toBe(2);
    registry.invariants();
  });

  test('a filter is asked once per watcher, and a one-shot watch it drops is still gone', () => {
    const registry = new WatchRegistry();
    registry.addChildWatch(1, '/');
    registry.addWatch(1, '/', 0);
    registry.addChildWatch(2, '/');
    registry.addChildWatch(3, '/');
    const asked: number[] = [];
    const event = { type: 'nodeChildrenChanged' as const, path: '/', acl: secret };
    const fired = registry.trigger(event, (id) => {
      asked.push(id);
      return id === 3;
    });
    expect(watchersOf(fired)).toEqual([3]);
    expect([...asked].sort()).toEqual([1, 2, 3]);
    expect(registry.checkWatches(2, '/', 1, true)).toBe('noWatcher');
    expect(registry.checkWatches(1, '/', 1, false)).toBe('ok');
    registry.invariants();
  });
});
