// Table tests of WatchRegistry against ZooKeeper 3.8's WatchManager / DataTree watch rules
// (wire sheet §5.3–5.6): what each write fires, dedup, recursive ancestors, the READ filter,
// 3.8's last-registration-wins, and check/remove by watcher type (setWatches: own file).

import { describe, expect, test } from 'vitest';
import { EventType, OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Acl } from '@zoo/client/protocol';
import { WatchRegistry, watchersOf } from './watch-registry.js';
import type { WatcherEvent } from '@zoo/client/protocol';
import type { WatchTriggerEvent } from './watch-registry.js';

/** One notification to one connection, as the runtime fans a fired event out. */
interface WatchDelivery {
  connectionId: number;
  event: WatcherEvent;
}

const open: readonly Acl[] = OPEN_ACL_UNSAFE;

function fire(
  registry: WatchRegistry,
  type: WatchTriggerEvent['type'],
  path: string,
  canRead: ((connectionId: number) => boolean) | null = null,
): WatchDelivery[] {
  const fired = registry.trigger({ type, path, acl: open }, canRead);
  registry.invariants();
  if (fired === null) return [];
  return watchersOf(fired).map((connectionId) => ({ connectionId, event: fired.event }));
}

/** What a create of `path` (parent `parent`) fires, in DataTree.createNode's order. */
function create(registry: WatchRegistry, path: string, parent: string): WatchDelivery[] {
  return [...fire(registry, 'nodeCreated', path), ...fire(registry, 'nodeChildrenChanged', parent)];
}

function remove(registry: WatchRegistry, path: string, parent: string): WatchDelivery[] {
  return [...fire(registry, 'nodeDeleted', path), ...fire(registry, 'nodeChildrenChanged', parent)];
}

function delivery(connectionId: number, type: number, path: string): WatchDelivery {
  return { connectionId, event: { type, state: 3, path } };
}

describe('WatchRegistry: which write fires which watch (§5.3)', () => {
  test('an exist watch on a missing node fires NodeCreated once', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    expect(create(registry, '/a', '/')).toEqual([delivery(1, EventType.nodeCreated, '/a')]);
    expect(fire(registry, 'nodeDataChanged', '/a')).toEqual([]);
  });

  test('a data watch fires NodeDataChanged on setData and is then consumed', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    expect(fire(registry, 'nodeDataChanged', '/a')).toEqual([
      delivery(1, EventType.nodeDataChanged, '/a'),
    ]);
    expect(fire(registry, 'nodeDataChanged', '/a')).toEqual([]);
    expect(registry.watchCount()).toBe(0);
  });

  test('a data watch fires NodeDeleted on delete', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    expect(remove(registry, '/a', '/')).toEqual([delivery(1, EventType.nodeDeleted, '/a')]);
  });

  test('a child watch fires NodeChildrenChanged on a child create, with the parent path', () => {
    const registry = new WatchRegistry();
    registry.addChildWatch(1, '/');
    expect(create(registry, '/a', '/')).toEqual([delivery(1, EventType.nodeChildrenChanged, '/')]);
    registry.addChildWatch(1, '/a');
    expect(create(registry, '/a/b', '/a')).toEqual([
      delivery(1, EventType.nodeChildrenChanged, '/a'),
    ]);
  });

  test('a child watch fires NodeChildrenChanged on a child delete', () => {
    const registry = new WatchRegistry();
    registry.addChildWatch(1, '/a');
    expect(remove(registry, '/a/b', '/a')).toEqual([
      delivery(1, EventType.nodeChildrenChanged, '/a'),
    ]);
  });

  test('a child watch fires NodeDeleted when its own node is deleted', () => {
    const registry = new WatchRegistry();
    registry.addChildWatch(1, '/a');
    expect(remove(registry, '/a', '/')).toEqual([delivery(1, EventType.nodeDeleted, '/a')]);
    expect(registry.watchCount()).toBe(0);
  });

  test('a child watch ignores the data changes of its node and of its children', () => {
    const registry = new WatchRegistry();
    registry.addChildWatch(1, '/a');
    expect(fire(registry, 'nodeDataChanged', '/a')).toEqual([]);
    expect(fire(registry, 'nodeDataChanged', '/a/b')).toEqual([]);
    expect(registry.watchCount()).toBe(1);
  });

  test('a standard watch ignores changes to other paths, ancestors and descendants', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    expect(fire(registry, 'nodeDataChanged', '/a/b')).toEqual([]);
    expect(fire(registry, 'nodeDataChanged', '/')).toEqual([]);
    expect(fire(registry, 'nodeDataChanged', '/ab')).toEqual([]);
    expect(registry.watchCount()).toBe(1);
  });
});

describe('WatchRegistry: at most one event per connection per change', () => {
  test('deleting a node watched for data and children by one connection sends one event', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    registry.addChildWatch(1, '/a');
    registry.addChildWatch(1, '/');
    expect(remove(registry, '/a', '/')).toEqual([
      delivery(1, EventType.nodeDeleted, '/a'),
      delivery(1, EventType.nodeChildrenChanged, '/'),
    ]);
    // ZooKeeper consumes the suppressed child watch too.
    expect(registry.watchCount()).toBe(0);
  });

  test('recursive watches on several ancestors plus a standard watch give one event', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/', 1);
    registry.addWatch(1, '/a', 1);
    registry.addDataWatch(1, '/a/b');
    expect(fire(registry, 'nodeDataChanged', '/a/b')).toEqual([
      delivery(1, EventType.nodeDataChanged, '/a/b'),
    ]);
  });

  test('connections are notified in registration order, each once', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(3, '/a');
    registry.addDataWatch(1, '/a');
    registry.addChildWatch(2, '/a');
    registry.addChildWatch(3, '/a');
    expect(fire(registry, 'nodeDeleted', '/a').map((d) => d.connectionId)).toEqual([3, 1, 2]);
  });
});

describe('WatchRegistry: persistent and recursive watches (addWatch)', () => {
  test('a persistent watch sees create, data and children changes, and delete of its path', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/p', 0);
    expect(create(registry, '/p', '/')).toEqual([delivery(1, EventType.nodeCreated, '/p')]);
    expect(fire(registry, 'nodeDataChanged', '/p')).toEqual([
      delivery(1, EventType.nodeDataChanged, '/p'),
    ]);
    expect(create(registry, '/p/c', '/p')).toEqual([
      delivery(1, EventType.nodeChildrenChanged, '/p'),
    ]);
    expect(remove(registry, '/p/c', '/p')).toEqual([
      delivery(1, EventType.nodeChildrenChanged, '/p'),
    ]);
    expect(remove(registry, '/p', '/')).toEqual([delivery(1, EventType.nodeDeleted, '/p')]);
  });

  test('a persistent watch survives delete and fires again when the node is re-created', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/p', 0);
    remove(registry, '/p', '/');
    expect(create(registry, '/p', '/')).toEqual([delivery(1, EventType.nodeCreated, '/p')]);
    expect(registry.watchCount()).toBe(2);
  });

  test('a persistent watch gets nothing for grandchildren', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/p', 0);
    expect(create(registry, '/p/c/g', '/p/c')).toEqual([]);
    expect(fire(registry, 'nodeDataChanged', '/p/c')).toEqual([]);
  });

  test('a recursive watch sees every descendant but never NodeChildrenChanged', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/r', 1);
    expect(create(registry, '/r', '/')).toEqual([delivery(1, EventType.nodeCreated, '/r')]);
    expect(create(registry, '/r/a', '/r')).toEqual([delivery(1, EventType.nodeCreated, '/r/a')]);
    expect(fire(registry, 'nodeDataChanged', '/r/a/b/c')).toEqual([
      delivery(1, EventType.nodeDataChanged, '/r/a/b/c'),
    ]);
    expect(remove(registry, '/r/a', '/r')).toEqual([delivery(1, EventType.nodeDeleted, '/r/a')]);
    expect(fire(registry, 'nodeChildrenChanged', '/r')).toEqual([]);
    expect(fire(registry, 'nodeDataChanged', '/rx')).toEqual([]);
  });

  test('a recursive watch on / sees the whole tree', () => {
    const registry = new WatchRegistry();
    registry.addWatch(7, '/', 1);
    expect(create(registry, '/x/y', '/x')).toEqual([delivery(7, EventType.nodeCreated, '/x/y')]);
    expect(fire(registry, 'nodeDataChanged', '/')).toEqual([
      delivery(7, EventType.nodeDataChanged, '/'),
    ]);
  });

  test('3.8: addWatch puts both modes in both tables (4 registrations for two watches)', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/p', 0);
    registry.addWatch(1, '/r', 1);
    expect(registry.watchCount()).toBe(4);
    expect(registry.dataWatchCount()).toBe(2);
  });
});

describe('WatchRegistry: 3.8 last registration wins (ZOOKEEPER-4466 not applied)', () => {
  test('a getData watch after addWatch persistent turns the data watch one-shot', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/a', 0);
    registry.addDataWatch(1, '/a');
    expect(fire(registry, 'nodeDataChanged', '/a')).toHaveLength(1);
    expect(fire(registry, 'nodeDataChanged', '/a')).toEqual([]);
    // The child table kept its persistent mode.
    expect(create(registry, '/a/b', '/a')).toHaveLength(1);
    expect(create(registry, '/a/c', '/a')).toHaveLength(1);
  });

  test('addWatch persistent after a getData watch makes it persistent', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    registry.addWatch(1, '/a', 0);
    expect(fire(registry, 'nodeDataChanged', '/a')).toHaveLength(1);
    expect(fire(registry, 'nodeDataChanged', '/a')).toHaveLength(1);
  });

  test('an exists watch on a recursively watched path makes it one-shot and non-recursive', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/r', 1);
    registry.addDataWatch(1, '/r');
    expect(fire(registry, 'nodeDataChanged', '/r/child')).toEqual([]);
    expect(fire(registry, 'nodeDataChanged', '/r')).toHaveLength(1);
    expect(fire(registry, 'nodeDataChanged', '/r')).toEqual([]);
  });

  test('watches of other connections keep their own modes', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/a', 0);
    registry.addDataWatch(2, '/a');
    fire(registry, 'nodeDataChanged', '/a');
    expect(fire(registry, 'nodeDataChanged', '/a').map((d) => d.connectionId)).toEqual([1]);
  });
});

describe('WatchRegistry: READ filter on notifications (CVE-2024-23944, 3.8.4+)', () => {
  const onlyConnection1 = (connectionId: number): boolean => connectionId === 1;

  test('a connection without READ gets nothing and its standard watch is consumed', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/s');
    registry.addDataWatch(2, '/s');
    expect(fire(registry, 'nodeDataChanged', '/s', onlyConnection1)).toEqual([
      delivery(1, EventType.nodeDataChanged, '/s'),
    ]);
    expect(registry.watchCount()).toBe(0);
    expect(fire(registry, 'nodeDataChanged', '/s')).toEqual([]);
  });

  test('a persistent watch without READ drops the event but stays', () => {
    const registry = new WatchRegistry();
    registry.addWatch(2, '/s', 0);
    expect(fire(registry, 'nodeDataChanged', '/s', onlyConnection1)).toEqual([]);
    expect(fire(registry, 'nodeDataChanged', '/s')).toHaveLength(1);
  });
});

describe('WatchRegistry.checkWatches: 3.8 watcher types (FinalRequestProcessor)', () => {
  test('Children finds child-table watches of any mode, Data data-table ones, Any both', () => {
    const registry = new WatchRegistry();
    registry.addChildWatch(1, '/c');
    registry.addDataWatch(1, '/d');
    registry.addWatch(1, '/p', 0);
    expect(registry.checkWatches(1, '/c', 1, false)).toBe('ok');
    expect(registry.checkWatches(1, '/c', 2, false)).toBe('noWatcher');
    expect(registry.checkWatches(1, '/d', 1, false)).toBe('noWatcher');
    expect(registry.checkWatches(1, '/d', 2, false)).toBe('ok');
    expect(registry.checkWatches(1, '/c', 3, false)).toBe('ok');
    expect(registry.checkWatches(1, '/d', 3, false)).toBe('ok');
    expect(registry.checkWatches(1, '/p', 1, false)).toBe('ok');
    expect(registry.checkWatches(1, '/p', 2, false)).toBe('ok');
  });

  test('3.8: a recursive watch is found by Children too (it sits in both tables)', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/r', 1);
    expect(registry.checkWatches(1, '/r', 1, false)).toBe('ok');
    expect(registry.checkWatches(1, '/r/below', 2, false)).toBe('noWatcher');
  });

  test('types other than 1..3 are a bad type, before looking for watches', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/p', 0);
    for (const type of [0, 4, 5, -1]) {
      expect(registry.checkWatches(1, '/p', type, false)).toBe('badType');
      expect(registry.checkWatches(1, '/p', type, true)).toBe('badType');
    }
    expect(registry.watchCount()).toBe(2);
  });

  test('3.8: check finds another connection’s watch on the path, remove does not take it', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(2, '/a');
    expect(registry.checkWatches(1, '/a', 2, false)).toBe('ok');
    expect(registry.checkWatches(1, '/a', 1, false)).toBe('noWatcher');
    expect(registry.checkWatches(1, '/a', 3, true)).toBe('noWatcher');
    expect(registry.watchCount()).toBe(1);
  });

  test('remove takes only the named table; a second remove finds nothing', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    registry.addChildWatch(1, '/a');
    expect(registry.checkWatches(1, '/a', 2, true)).toBe('ok');
    expect(registry.checkWatches(1, '/a', 2, true)).toBe('noWatcher');
    expect(registry.checkWatches(1, '/a', 1, false)).toBe('ok');
    expect(fire(registry, 'nodeDataChanged', '/a')).toEqual([]);
    registry.invariants();
  });

  test('remove with Any removes a persistent watch from both tables', () => {
    const registry = new WatchRegistry();
    registry.addWatch(1, '/p', 0);
    expect(registry.checkWatches(1, '/p', 3, true)).toBe('ok');
    expect(registry.watchCount()).toBe(0);
    expect(remove(registry, '/p', '/')).toEqual([]);
  });
});

describe('WatchRegistry: connections, limits and summaries', () => {
  test('removeConnection drops every watch of that connection only', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    registry.addChildWatch(1, '/a');
    registry.addWatch(1, '/', 1);
    registry.addDataWatch(2, '/a');
    registry.removeConnection(1);
    registry.invariants();
    expect(registry.watchCount()).toBe(1);
    expect(remove(registry, '/a', '/').map((d) => d.connectionId)).toEqual([2]);
  });

  test('registrations beyond watchesPerConnectionMax are refused and flag the connection', () => {
    const registry = new WatchRegistry({ watchesPerConnectionMax: 2 });
    registry.addDataWatch(1, '/a');
    registry.addChildWatch(1, '/a');
    registry.addDataWatch(1, '/a');
    expect(registry.isOverLimit(1)).toBe(false);
    registry.addDataWatch(1, '/b');
    expect(registry.isOverLimit(1)).toBe(true);
    expect(registry.watchCountOf(1)).toBe(2);
    registry.addDataWatch(2, '/b');
    expect(registry.isOverLimit(2)).toBe(false);
    registry.invariants();
    registry.removeConnection(1);
    expect(registry.isOverLimit(1)).toBe(false);
  });

  test('summaries show the data table only, as wchs/wchc/wchp do', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    registry.addDataWatch(1, '/b');
    registry.addDataWatch(2, '/a');
    registry.addChildWatch(3, '/c');
    expect(registry.connectionsWatching()).toBe(2);
    expect(registry.pathsWatched()).toBe(2);
    expect(registry.dataWatchCount()).toBe(3);
    expect(registry.watchCount()).toBe(4);
    expect(registry.summaryByConnection()).toEqual(
      new Map([
        [1, ['/a', '/b']],
        [2, ['/a']],
      ]),
    );
    expect(registry.summaryByPath()).toEqual(
      new Map([
        ['/a', [1, 2]],
        ['/b', [1]],
      ]),
    );
  });

  test('3.8: a connection whose data watches all fired still counts until it closes', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/q');
    fire(registry, 'nodeCreated', '/q');
    expect(registry.connectionsWatching()).toBe(1);
    expect(registry.pathsWatched()).toBe(0);
    expect(registry.dataWatchCount()).toBe(0);
    expect(registry.summaryByConnection()).toEqual(new Map([[1, []]]));
    registry.removeConnection(1);
    expect(registry.connectionsWatching()).toBe(0);
  });
});
