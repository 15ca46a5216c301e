import { describe, expect, test } from 'vitest';
import { ErrorCode } from '@zoo/client/protocol';
import {
  SessionScript,
  childrenChanged,
  closeSession,
  committed,
  create,
  created,
  dataChanged,
  deleted,
  remove,
  setData,
  watchMessages,
} from './watch-test-history.js';

// 1 /reg, 2 /reg/a, 3 sets /reg/a, 4 creates /reg/b, 5 sets /reg/a, 6 deletes /reg/b.
const server = committed(
  1,
  create('/reg'),
  create('/reg/a'),
  setData('/reg/a'),
  create('/reg/b'),
  setData('/reg/a'),
  remove('/reg/b'),
);

/** A data, a child and a recursive watch set at 2; the connection lost; a new one. */
function reconnected(): SessionScript {
  return new SessionScript()
    .connect()
    .getData('/reg/a', 2)
    .children('/reg', 2)
    .addWatch('/reg', 1, 2)
    .lose()
    .connect();
}

const allThree = { data: ['/reg/a'], child: ['/reg'], persistentRecursive: ['/reg'] };

describe('watch checker: setWatches after a reconnect', () => {
  test('accepts the catch-up events owed at the reply, then the watches set again', () => {
    const script = reconnected()
      .setWatches(2, allThree)
      .event(childrenChanged, '/reg')
      .event(dataChanged, '/reg/a')
      .setWatchesReply(4)
      .event(dataChanged, '/reg/a')
      .event(deleted, '/reg/b')
      .reply(6);
    expect(watchMessages(script, server)).toEqual([]);
  });

  test('rejects a missing catch-up event', () => {
    const script = reconnected()
      .setWatches(2, allThree)
      .event(childrenChanged, '/reg')
      .setWatchesReply(4);
    expect(watchMessages(script, server)).toEqual([
      expect.stringMatching(
        /\(relative to 0x2, at 0x4\) owes a dataChanged event to its data watch on \/reg\/a/,
      ),
    ]);
  });

  test('rejects a catch-up event nothing owes, persistent watches included', () => {
    // At 2 nothing changed since the client's last zxid: every watch is only set again.
    const script = reconnected()
      .setWatches(2, allThree)
      .event(dataChanged, '/reg/a')
      .event(created, '/reg/b')
      .setWatchesReply(2);
    expect(watchMessages(script, server)).toEqual([
      expect.stringMatching(/catch-up dataChanged event on \/reg\/a that setWatches .* not owe/),
      expect.stringMatching(/catch-up created event on \/reg\/b that setWatches .* not owe/),
    ]);
  });

  test('rejects a setWatches relative to a zxid other than the last one seen', () => {
    const script = reconnected()
      .setWatches(1, allThree)
      .event(childrenChanged, '/reg')
      .event(dataChanged, '/reg/a')
      .setWatchesReply(4);
    expect(watchMessages(script, server)).toEqual([
      expect.stringMatching(/relative to zxid 0x1, but the client had seen 0x2/),
    ]);
  });

  test('rejects a watch the client forgot to re-send, or one it does not hold', () => {
    const forgot = reconnected()
      .setWatches(2, { data: ['/reg/a'], persistentRecursive: ['/reg'] })
      .event(dataChanged, '/reg/a')
      .setWatchesReply(4)
      .reply(4);
    expect(watchMessages(forgot, server)).toEqual([
      expect.stringMatching(/did not re-register its child watch on \/reg/),
    ]);
    const invented = reconnected()
      .setWatches(2, { ...allThree, exist: ['/reg/x'] })
      .event(childrenChanged, '/reg')
      .event(dataChanged, '/reg/a')
      .setWatchesReply(4);
    expect(watchMessages(invented, server)).toEqual([
      expect.stringMatching(/re-registers a exist watch on \/reg\/x it does not hold/),
    ]);
  });

  test('accepts an exist watch missing a node made and deleted while away', () => {
    const gone = committed(1, create('/reg'), create('/reg/c'), remove('/reg/c'));
    const away = () =>
      new SessionScript()
        .connect()
        .exists('/reg/c', 1, ErrorCode.NoNode)
        .lose()
        .connect()
        .setWatches(1, { exist: ['/reg/c'] });
    expect(watchMessages(away().setWatchesReply(3).reply(3), gone)).toEqual([]);
    // Judged at 2, the node exists: NodeCreated is owed.
    expect(watchMessages(away().event(created, '/reg/c').setWatchesReply(2), gone)).toEqual([]);
    expect(watchMessages(away().setWatchesReply(2), gone)).toEqual([
      expect.stringMatching(/owes a created event to its exist watch on \/reg\/c/),
    ]);
  });

  test('a recursive watch loses the changes up to the new state, and may get some twice', () => {
    const first = () =>
      new SessionScript()
        .connect()
        .addWatch('/reg', 1, 2)
        .event(dataChanged, '/reg/a')
        .lose()
        .connect()
        .setWatches(2, { persistentRecursive: ['/reg'] });
    // A lagging server at 2 delivers change 3 again; one at 4 never delivers 3 or 4.
    const lagging = first()
      .setWatchesReply(2)
      .event(dataChanged, '/reg/a')
      .event(created, '/reg/b')
      .event(dataChanged, '/reg/a')
      .event(deleted, '/reg/b')
      .reply(6);
    expect(watchMessages(lagging, server)).toEqual([]);
    const ahead = first()
      .setWatchesReply(4)
      .event(dataChanged, '/reg/a')
      .event(deleted, '/reg/b')
      .reply(6);
    expect(watchMessages(ahead, server)).toEqual([]);
    const skipped = first().setWatchesReply(4).event(deleted, '/reg/b');
    expect(watchMessages(skipped, server)).toEqual([
      expect.stringMatching(/deleted event on \/reg\/b, but .*dataChanged \/reg\/a at 0x5 first/),
    ]);
  });

  test('a connection lost before the reply: each event must be owed by some later state', () => {
    const lost = () =>
      new SessionScript()
        .connect()
        .getData('/reg/a', 2)
        .lose()
        .connect()
        .setWatches(2, { data: ['/reg/a'] });
    expect(watchMessages(lost().event(dataChanged, '/reg/a').lose(), server)).toEqual([]);
    expect(watchMessages(lost().event(deleted, '/reg/a').lose(), server)).toEqual([
      expect.stringMatching(/catch-up deleted event on \/reg\/a that no watch re-sent .* is owed/),
    ]);
    // Not fired, the watch is still the client's: the next setWatches must carry it.
    const again = lost()
      .lose()
      .connect()
      .setWatches(2, { data: ['/reg/a'] });
    expect(watchMessages(again.event(dataChanged, '/reg/a').setWatchesReply(3), server)).toEqual(
      [],
    );
  });
});

describe('watch checker: the changes of a closed session', () => {
  test("a closeSession deletes the session's ephemerals, listed or not", () => {
    const owner = 0x77n;
    const changes = committed(
      1,
      create('/eph'),
      create('/eph/x', owner),
      create('/eph/y', owner),
      closeSession(owner, ['/eph/y']),
    );
    const script = new SessionScript()
      .connect()
      .addWatch('/eph', 1, 3)
      .event(deleted, '/eph/x')
      .event(deleted, '/eph/y')
      .reply(4);
    expect(watchMessages(script, changes)).toEqual([]);
    const oneOnly = new SessionScript()
      .connect()
      .addWatch('/eph', 1, 3)
      .event(deleted, '/eph/y')
      .reply(4);
    expect(watchMessages(oneOnly, changes)).toEqual([
      expect.stringMatching(/reply at zxid 0x4 came before .*deleted \/eph\/x at 0x4/),
    ]);
  });
});
