import { describe, expect, test } from 'vitest';
import type { ClientMessage } from '../core/peer/ready.js';
import { PacedDelivery } from './paced-delivery.js';

/** A fired watch set: event `path` for every connection in any of the groups. */
const fired = (path: string, ...groups: number[][]): ClientMessage => ({
  kind: 'notifications',
  watchers: groups.map((group) => new Set(group)),
  notification: { zxid: -1n, event: { type: 3, state: 3, path } },
});
const reply = (connectionId: number, xid: number): ClientMessage => ({
  kind: 'reply',
  connectionId,
  reply: { header: { xid, zxid: 1n, err: 0 }, body: null },
});

/** A pacer over connections named by number, recording each turn's deliveries. */
function harness(perTurn: number, open: (id: number) => boolean = () => true) {
  const deferred: (() => void)[] = [];
  const turns: string[][] = [[]];
  const sent: number[] = [];
  const target = {
    connectionOf: (connectionId: number) => (open(connectionId) ? connectionId : undefined),
    deliverNow: (connection: number, message: Exclude<ClientMessage, { watchers: unknown }>) => {
      const what =
        message.kind === 'reply'
          ? `r${message.reply.header.xid}`
          : message.kind === 'notification'
            ? message.notification.event.path
            : message.kind;
      turns.at(-1)!.push(`${connection}:${what}`);
    },
    flush: () => {
      turns.push([]);
      pacer.turnEnded();
    },
  };
  const pacer = new PacedDelivery<number>(
    perTurn,
    (task) => deferred.push(task),
    target,
    (id) => sent.push(id),
  );
  /** Runs the deferred turns until nothing waits; returns how many ran. */
  const runTurns = (): number => {
    let count = 0;
    for (let task = deferred.shift(); task !== undefined; task = deferred.shift()) {
      count += 1;
      task();
    }
    return count;
  };
  const endTurn = () => {
    turns.push([]);
    pacer.turnEnded();
  };
  return { pacer, turns, sent, runTurns, endTurn };
}

describe('PacedDelivery', () => {
  test('fans at most perTurn notifications out a turn, each set once per connection', () => {
    const { pacer, turns, sent, runTurns, endTurn } = harness(2);
    pacer.deliver(fired('/a', [1, 2], [2, 3]));
    pacer.deliver(fired('/b', [4]));
    pacer.deliver(reply(5, 9));
    endTurn();
    expect(turns[0]).toEqual(['1:/a', '2:/a', '5:r9']);
    expect(pacer.backlog).toBe(2);
    // The second turn finds the last walk over (it cannot know before it looks).
    expect(runTurns()).toBe(2);
    expect(turns.slice(1, 3)).toEqual([['3:/a', '4:/b'], []]);
    expect(pacer.backlog).toBe(0);
    expect(sent).toEqual([1, 2, 3, 4]);
  });

  test('a message to a connection in a pending set follows its events, oldest first', () => {
    const { pacer, turns, runTurns, endTurn } = harness(1);
    pacer.deliver(fired('/a', [1, 2, 3]));
    pacer.deliver(fired('/b', [9], [3]));
    pacer.deliver(fired('/c', [3]));
    pacer.deliver(reply(3, 7));
    pacer.deliver(reply(2, 8));
    endTurn();
    expect(turns[0]).toEqual(['1:/a', '3:/a', '3:/b', '3:/c', '3:r7', '2:/a', '2:r8']);
    runTurns();
    // Connection 3 had every event already; the walks skip it.
    expect(turns.flat().slice(7)).toEqual(['9:/b']);
  });

  test('the walk gives a connection everything it is owed at once: one write, not many', () => {
    const { pacer, turns, runTurns, endTurn } = harness(3);
    pacer.deliver(fired('/x', [7, 8, 9]));
    pacer.deliver(fired('/a', [1, 2]));
    pacer.deliver(fired('/b', [1, 2]));
    pacer.deliver(fired('/c', [1, 2]));
    endTurn();
    runTurns();
    expect(turns.slice(1, 3)).toEqual([
      ['1:/a', '1:/b', '1:/c'],
      ['2:/a', '2:/b', '2:/c'],
    ]);
  });

  test('a catch-up looks again only at the sets added since, and still finds them', () => {
    const { pacer, turns } = harness(1);
    pacer.deliver(fired('/a', [1, 2, 3]));
    pacer.deliver(reply(3, 1));
    pacer.deliver(fired('/b', [2], [3]));
    pacer.deliver(reply(3, 2));
    pacer.deliver(reply(3, 3));
    expect(turns[0]).toEqual(['1:/a', '3:/a', '3:r1', '3:/b', '3:r2', '3:r3']);
  });

  test('a set within the budget goes at once, each connection once across its groups', () => {
    const { pacer, turns, sent, runTurns, endTurn } = harness(10);
    pacer.deliver(fired('/a', [1, 2], [2, 3], [1]));
    endTurn();
    expect(runTurns()).toBe(0);
    expect(turns[0]).toEqual(['1:/a', '2:/a', '3:/a']);
    expect(sent).toEqual([1, 2, 3]);
  });

  test('a connection in no pending set is answered at once, past the budget', () => {
    const { pacer, turns } = harness(1);
    pacer.deliver(fired('/a', [1, 2, 3]));
    pacer.deliver(reply(4, 1));
    expect(turns[0]).toEqual(['1:/a', '4:r1']);
  });

  test('without a limit everything goes at once and nothing is deferred', () => {
    const { pacer, turns, runTurns, endTurn } = harness(Infinity);
    const everyone = Array.from({ length: 10_000 }, (_, index) => index);
    pacer.deliver(fired('/a', everyone));
    endTurn();
    expect(turns[0]).toHaveLength(10_000);
    expect(runTurns()).toBe(0);
  });

  test('a closed connection gets nothing, and its share still counts against the turn', () => {
    const { pacer, turns, sent, runTurns, endTurn } = harness(2, (id) => id !== 2);
    pacer.deliver(fired('/a', [1, 2, 3]));
    pacer.deliver(reply(2, 5));
    endTurn();
    runTurns();
    expect(turns.flat()).toEqual(['1:/a', '3:/a']);
    expect(sent).toEqual([1, 3]);
  });
});
