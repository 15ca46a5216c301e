import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import { describe, expect, test } from 'vitest';
import { ReusedTreeEvents } from './tree-results.js';

const open = [...OPEN_ACL_UNSAFE];

describe('ReusedTreeEvents', () => {
  test('each txn sees only its own events, in order, in the objects of the last', () => {
    const events = new ReusedTreeEvents();
    events.add('nodeCreated', '/a', open);
    events.add('nodeChildrenChanged', '/', open);
    const first = events.at(0);
    events.clear();
    expect(events.size).toBe(0);
    expect(events.at(0)).toBeUndefined();
    events.add('nodeDataChanged', '/b', open);
    expect(events.size).toBe(1);
    expect(events.at(0)).toBe(first);
    expect(events.at(0)).toEqual({ type: 'nodeDataChanged', path: '/b', acl: open });
    expect(events.at(1)).toBeUndefined();
  });

  test('a txn of many events (a closeSession) leaves few objects behind', () => {
    const events = new ReusedTreeEvents();
    for (let i = 0; i < 1000; i++) events.add('nodeDeleted', `/e${i}`, open);
    expect(events.at(999)?.path).toBe('/e999');
    events.clear();
    for (let i = 0; i < 100; i++) events.add('nodeDeleted', `/f${i}`, open);
    expect(events.size).toBe(100);
    expect(events.at(99)?.path).toBe('/f99');
  });
});
