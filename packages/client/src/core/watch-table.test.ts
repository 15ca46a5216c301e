// The client watch table: who hears which event (ZooKeeper: ZKWatchManager), and removal.

import { describe, expect, test } from 'vitest';
import { EventType, WatcherType } from '../protocol/index.js';
import { WatchTable } from './watch-table.js';

describe('WatchTable.trigger (ZooKeeper: ZKWatchManager.materialize)', () => {
  test('NodeDataChanged reaches data and exist watchers once, then they are gone', () => {
    const t = new WatchTable<string>();
    t.add('data', '/a', 'd');
    t.add('exist', '/a', 'e');
    t.add('child', '/a', 'c');
    expect(t.trigger(EventType.nodeDataChanged, '/a')).toEqual(['d', 'e']);
    expect(t.trigger(EventType.nodeDataChanged, '/a')).toEqual([]);
    expect(t.paths('child')).toEqual(['/a']);
  });

  test('NodeDeleted reaches data, exist and child watchers; one listener is called once', () => {
    const t = new WatchTable<string>();
    t.add('data', '/a', 'same');
    t.add('child', '/a', 'same');
    t.add('child', '/a', 'c');
    expect(t.trigger(EventType.nodeDeleted, '/a')).toEqual(['same', 'c']);
    expect(t.isEmpty).toBe(true);
  });

  test('NodeChildrenChanged reaches child and persistent watchers but not recursive ones', () => {
    const t = new WatchTable<string>();
    t.add('child', '/a', 'c');
    t.add('persistent', '/a', 'p');
    t.add('persistentRecursive', '/', 'r');
    expect(t.trigger(EventType.nodeChildrenChanged, '/a')).toEqual(['c', 'p']);
    expect(t.trigger(EventType.nodeChildrenChanged, '/a')).toEqual(['p']);
  });

  test('recursive watchers hear events on the path and every descendant, and stay', () => {
    const t = new WatchTable<string>();
    t.add('persistentRecursive', '/a', 'r');
    expect(t.trigger(EventType.nodeCreated, '/a/b/c')).toEqual(['r']);
    expect(t.trigger(EventType.nodeDeleted, '/a')).toEqual(['r']);
    expect(t.trigger(EventType.nodeCreated, '/ab')).toEqual([]);
    expect(t.size).toBe(1);
  });

  test('persistent watchers hear only their own path', () => {
    const t = new WatchTable<string>();
    t.add('persistent', '/a', 'p');
    expect(t.trigger(EventType.nodeCreated, '/a/b')).toEqual([]);
    expect(t.trigger(EventType.nodeDeleted, '/a')).toEqual(['p']);
    expect(t.trigger(EventType.nodeCreated, '/a')).toEqual(['p']);
  });
});

describe('WatchTable.remove', () => {
  test('Data removes data and exist watchers with DataWatchRemoved', () => {
    const t = new WatchTable<string>();
    t.add('data', '/a', 'd');
    t.add('exist', '/a', 'e');
    t.add('child', '/a', 'c');
    expect(t.remove('/a', WatcherType.data)).toEqual([
      { listener: 'd', path: '/a', eventType: EventType.dataWatchRemoved },
      { listener: 'e', path: '/a', eventType: EventType.dataWatchRemoved },
    ]);
    expect(t.contains('/a', WatcherType.data)).toBe(false);
    expect(t.contains('/a', WatcherType.children)).toBe(true);
  });

  test('Any with one listener removes only that listener, persistent ones included', () => {
    const t = new WatchTable<string>();
    t.add('persistent', '/a', 'p');
    t.add('persistent', '/a', 'q');
    expect(t.remove('/a', WatcherType.any, 'p')).toEqual([
      { listener: 'p', path: '/a', eventType: EventType.persistentWatchRemoved },
    ]);
    expect(t.contains('/a', WatcherType.any, 'q')).toBe(true);
    expect(t.contains('/a', WatcherType.any, 'p')).toBe(false);
  });

  test('drain returns each listener once and empties the table', () => {
    const t = new WatchTable<string>();
    t.add('data', '/a', 'x');
    t.add('child', '/b', 'x');
    t.add('persistent', '/c', 'y');
    expect(t.drain()).toEqual([
      { listener: 'x', path: '/a' },
      { listener: 'y', path: '/c' },
    ]);
    expect(t.isEmpty).toBe(true);
  });
});
