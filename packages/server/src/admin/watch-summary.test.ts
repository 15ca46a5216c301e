// watchSummaryOf: the registry's data-table view, re-keyed by session id for wchc / wchp.

import { describe, expect, test } from 'vitest';
import { WatchRegistry } from '../core/watches/watch-registry.js';
import { watchSummaryOf } from './watch-summary.js';

describe('watchSummaryOf', () => {
  test('maps connections to their sessions and counts the data table only', () => {
    const registry = new WatchRegistry();
    registry.addDataWatch(1, '/a');
    registry.addDataWatch(2, '/a');
    registry.addDataWatch(2, '/b');
    registry.addChildWatch(3, '/c');
    const sessions = new Map([
      [1, 0x11n],
      [2, 0x22n],
      [3, 0x33n],
    ]);
    const summary = watchSummaryOf(registry, (id) => sessions.get(id) ?? 0n);
    expect(summary).toEqual({
      connectionsWatching: 2,
      pathsWatched: 2,
      totalWatches: 3,
      bySession: new Map([
        [0x11n, ['/a']],
        [0x22n, ['/a', '/b']],
      ]),
      byPath: new Map([
        ['/a', [0x11n, 0x22n]],
        ['/b', [0x22n]],
      ]),
    });
  });
});
