// setWatches / setWatches2 batches sent after a reconnect.

import { describe, expect, test } from 'vitest';
import { buildSetWatches } from './set-watches.js';
import { WatchTable } from './watch-table.js';

describe('buildSetWatches (ZooKeeper: ClientCnxn.primeConnection)', () => {
  test('sends nothing when no watch is registered', () => {
    expect(buildSetWatches(new WatchTable<string>(), 5n)).toEqual([]);
  });

  test('splits the paths into batches of bounded path text, in kind order', () => {
    const table = new WatchTable<string>();
    table.add('data', '/aaaa', 'x');
    table.add('exist', '/bbbb', 'x');
    table.add('child', '/cccc', 'x');
    table.add('persistent', '/dddd', 'x');
    const requests = buildSetWatches(table, 9n, 10);
    expect(requests.map((r) => r.version)).toEqual([1, 2]);
    expect(requests[0]).toMatchObject({
      relativeZxid: 9n,
      dataWatches: ['/aaaa'],
      existWatches: ['/bbbb'],
      childWatches: [],
    });
    expect(requests[1]).toMatchObject({ childWatches: ['/cccc'], persistentWatches: ['/dddd'] });
  });

  test('a single path longer than the bound still goes out, alone', () => {
    const table = new WatchTable<string>();
    table.add('data', '/a-very-long-path', 'x');
    table.add('data', '/b', 'x');
    const requests = buildSetWatches(table, 0n, 4);
    expect(requests.map((r) => r.dataWatches)).toEqual([['/a-very-long-path'], ['/b']]);
  });
});
