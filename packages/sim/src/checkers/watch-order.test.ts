import { describe, expect, test } from 'vitest';
import { ErrorCode } from '@zoo/client/protocol';
import {
  SessionScript,
  childrenChanged,
  committed,
  create,
  created,
  dataChanged,
  deleted,
  multi,
  remove,
  setData,
  watchMessages,
} from './watch-test-history.js';

// zxid 1 /reg, 2 /reg/a, 3 and 4 set /reg/a.
const twoSets = committed(
  1,
  create('/reg'),
  create('/reg/a'),
  setData('/reg/a'),
  setData('/reg/a'),
);

describe('watch checker: one-shot watches', () => {
  test('accepts a data watch fired once by the first change after it, set again', () => {
    const script = new SessionScript()
      .connect()
      .getData('/reg/a', 2)
      .event(dataChanged, '/reg/a')
      .reply(3)
      .getData('/reg/a', 3)
      .event(dataChanged, '/reg/a')
      .reply(4);
    expect(watchMessages(script, twoSets)).toEqual([]);
  });

  test('accepts a watch set twice before it fires: one event', () => {
    const script = new SessionScript()
      .connect()
      .getData('/reg/a', 2)
      .getData('/reg/a', 2)
      .event(dataChanged, '/reg/a')
      .reply(4);
    // One registration: it fired at 3, and change 4 finds no watch left.
    expect(watchMessages(script, twoSets)).toEqual([]);
  });

  test('rejects a one-shot watch that fires twice', () => {
    const script = new SessionScript()
      .connect()
      .getData('/reg/a', 2)
      .event(dataChanged, '/reg/a')
      .event(dataChanged, '/reg/a');
    expect(watchMessages(script, twoSets)).toEqual([
      expect.stringMatching(/dataChanged event on \/reg\/a, and the session holds no watch/),
    ]);
  });

  test('rejects an event for a change made before the watch was set', () => {
    const script = new SessionScript().connect().getData('/reg/a', 4).event(dataChanged, '/reg/a');
    expect(watchMessages(script, twoSets)).toEqual([
      expect.stringMatching(/its watches expect data on \/reg\/a \(set at 0x4\): no change first/),
    ]);
  });

  test('rejects an event whose type is not the change that fired the watch', () => {
    const script = new SessionScript().connect().getData('/reg/a', 2).event(deleted, '/reg/a');
    expect(watchMessages(script, twoSets)).toEqual([
      expect.stringMatching(/deleted event on \/reg\/a, but .*dataChanged \/reg\/a at 0x3 first/),
    ]);
  });

  test('accepts an exists watch on a missing node fired by its create', () => {
    const server = committed(1, create('/reg'), create('/reg/b'));
    const script = new SessionScript()
      .connect()
      .exists('/reg/b', 1, ErrorCode.NoNode)
      .event(created, '/reg/b')
      .reply(2);
    expect(watchMessages(script, server)).toEqual([]);
    const wrong = new SessionScript()
      .connect()
      .exists('/reg/b', 1, ErrorCode.NoNode)
      .event(dataChanged, '/reg/b');
    expect(watchMessages(wrong, server)).toEqual([
      expect.stringMatching(/created \/reg\/b at 0x2/),
    ]);
  });

  test('a delete fires a data and a child watch of one path with one event', () => {
    const server = committed(1, create('/reg'), create('/reg/a'), remove('/reg/a'));
    const once = () =>
      new SessionScript()
        .connect()
        .getData('/reg/a', 2)
        .children('/reg/a', 2)
        .children('/reg', 2)
        .event(deleted, '/reg/a')
        .event(childrenChanged, '/reg');
    expect(watchMessages(once().reply(3), server)).toEqual([]);
    expect(watchMessages(once().event(deleted, '/reg/a'), server)).toEqual([
      expect.stringMatching(/deleted event on \/reg\/a, and the session holds no watch/),
    ]);
  });

  test('removeWatches drops a watch; checkWatches leaves it on the server only', () => {
    const removed = new SessionScript()
      .connect()
      .getData('/reg/a', 2)
      .reply(2, { op: 'removeWatches', path: '/reg/a', watcherType: 2 })
      .reply(4);
    expect(watchMessages(removed, twoSets)).toEqual([]);
    const checked = () =>
      new SessionScript()
        .connect()
        .getData('/reg/a', 2)
        .reply(2, { op: 'checkWatches', path: '/reg/a', watcherType: 2 });
    // Still on the server: its event is owed, and the client need not re-send it.
    expect(watchMessages(checked().reply(3), twoSets)).toEqual([
      expect.stringMatching(/reply at zxid 0x3 came before the event/),
    ]);
    expect(watchMessages(checked().lose().connect().reply(4), twoSets)).toEqual([]);
  });

  test('a failed getData sets no watch', () => {
    const script = new SessionScript()
      .connect()
      .getData('/reg/z', 2, ErrorCode.NoNode)
      .event(created, '/reg/z');
    const server = committed(1, create('/reg'), create('/reg/a'), create('/reg/z'));
    expect(watchMessages(script, server)).toEqual([expect.stringMatching(/holds no watch/)]);
  });
});

describe('watch checker: events before the new data', () => {
  test('rejects a reply that shows a change before its watch event came', () => {
    const script = new SessionScript()
      .connect()
      .getData('/reg/a', 2)
      .reply(3)
      .event(dataChanged, '/reg/a');
    expect(watchMessages(script, twoSets)).toEqual([
      expect.stringMatching(
        /a reply at zxid 0x3 came before the event its data watch on \/reg\/a owes for dataChanged/,
      ),
    ]);
  });

  test('accepts replies below the change before its event, and the own write after it', () => {
    const script = new SessionScript()
      .connect()
      .getData('/reg/a', 2)
      .reply(2)
      .event(dataChanged, '/reg/a')
      .reply(3);
    expect(watchMessages(script, twoSets)).toEqual([]);
  });

  test('rejects a reply older than an event already received', () => {
    const script = new SessionScript()
      .connect()
      .getData('/reg/a', 2)
      .event(dataChanged, '/reg/a')
      .reply(2);
    expect(watchMessages(script, twoSets)).toEqual([
      expect.stringMatching(/reply at zxid 0x2 \(setData\) came after the event of a later change/),
    ]);
  });
});

describe('watch checker: persistent and recursive watches', () => {
  // 1 /reg; 2 a multi creating /reg/a and /reg/b; 3 sets /reg/a; 4 deletes /reg/b.
  const server = committed(
    1,
    create('/reg'),
    multi(create('/reg/a'), create('/reg/b')),
    setData('/reg/a'),
    remove('/reg/b'),
  );
  const recursive = () => new SessionScript().connect().addWatch('/reg', 1, 1);

  test('accepts every change below a recursive watch, a multi in any order', () => {
    const script = recursive()
      .event(created, '/reg/b')
      .event(created, '/reg/a')
      .event(dataChanged, '/reg/a')
      .event(deleted, '/reg/b')
      .reply(4);
    expect(watchMessages(script, server)).toEqual([]);
  });

  test('rejects a recursive watch that skips a change', () => {
    const script = recursive()
      .event(created, '/reg/a')
      .event(created, '/reg/b')
      .event(deleted, '/reg/b');
    expect(watchMessages(script, server)).toEqual([
      expect.stringMatching(/deleted event on \/reg\/b, but .*dataChanged \/reg\/a at 0x3 first/),
    ]);
  });

  test('rejects events out of zxid order, and a reply past a missing one', () => {
    const outOfOrder = recursive().event(dataChanged, '/reg/a');
    expect(watchMessages(outOfOrder, server)).toEqual([
      expect.stringMatching(/dataChanged event on \/reg\/a, but .*created \/reg\/a at 0x2 first/),
    ]);
    const missing = recursive().event(created, '/reg/a').reply(2);
    expect(watchMessages(missing, server)).toEqual([
      expect.stringMatching(/reply at zxid 0x2 came before .*created \/reg\/b at 0x2/),
    ]);
  });

  test("a persistent watch gets its path's child events, one per change", () => {
    const script = new SessionScript()
      .connect()
      .addWatch('/reg', 0, 1)
      .event(childrenChanged, '/reg')
      .event(childrenChanged, '/reg')
      .event(childrenChanged, '/reg')
      .reply(4);
    expect(watchMessages(script, server)).toEqual([]);
    const extra = new SessionScript()
      .connect()
      .addWatch('/reg', 0, 1)
      .event(childrenChanged, '/reg')
      .event(childrenChanged, '/reg')
      .event(childrenChanged, '/reg')
      .event(childrenChanged, '/reg');
    expect(watchMessages(extra, server)).toEqual([
      expect.stringMatching(/watches expect .*no change/),
    ]);
  });

  test('one event serves a recursive and a one-shot watch on one change', () => {
    const both = () =>
      new SessionScript()
        .connect()
        .addWatch('/reg', 1, 2)
        .getData('/reg/a', 2)
        .event(dataChanged, '/reg/a');
    expect(watchMessages(both().event(deleted, '/reg/b').reply(4), server)).toEqual([]);
    expect(watchMessages(both().event(dataChanged, '/reg/a'), server)).toEqual([
      expect.stringMatching(/dataChanged event on \/reg\/a, but .*deleted \/reg\/b at 0x4 first/),
    ]);
  });
});
