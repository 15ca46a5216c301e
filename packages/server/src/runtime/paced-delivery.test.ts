import { describe, expect, test } from 'vitest';
import type { ClientMessage } from '../core/peer/ready.js';
import { PacedDelivery } from './paced-delivery.js';

const event = { type: 3, state: 3, path: '/a' };
const notification = (connectionId: number): ClientMessage => ({
  kind: 'notification',
  connectionId,
  notification: { zxid: -1n, event },
});
const reply = (connectionId: number, xid: number): ClientMessage => ({
  kind: 'reply',
  connectionId,
  reply: { header: { xid, zxid: 1n, err: 0 }, body: null },
});

/** A pacer over connections named by number, recording each turn's deliveries. */
function harness(perTurn: number) {
  const deferred: (() => void)[] = [];
  const turns: string[][] = [[]];
  const pacer = new PacedDelivery<number>(perTurn, (task) => deferred.push(task), {
    deliverNow: (connection, message) => {
      const what = message.kind === 'reply' ? `r${message.reply.header.xid}` : 'n';
      turns.at(-1)!.push(`${connection}:${what}`);
    },
    flush: () => {
      turns.push([]);
      pacer.turnEnded();
    },
  });
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
  return { pacer, turns, runTurns, endTurn };
}

describe('PacedDelivery', () => {
  test('hands over at most perTurn notifications a turn, each connection in order', () => {
    const { pacer, turns, runTurns, endTurn } = harness(2);
    for (let index = 0; index < 5; index += 1) pacer.deliver(1, notification(1));
    pacer.deliver(1, reply(1, 7));
    pacer.deliver(2, reply(2, 9));
    pacer.deliver(3, notification(3));
    endTurn();
    expect(turns[0]).toEqual(['1:n', '1:n', '2:r9']);
    expect(pacer.backlog).toBe(5);
    expect(runTurns()).toBe(3);
    expect(turns.slice(1, 4)).toEqual([['1:n', '1:n'], ['1:n', '1:r7'], ['3:n']]);
    expect(pacer.backlog).toBe(0);
  });

  test('a reply to a connection with nothing waiting goes at once, even past the budget', () => {
    const { pacer, turns } = harness(1);
    pacer.deliver(1, notification(1));
    pacer.deliver(1, notification(1));
    pacer.deliver(2, reply(2, 1));
    pacer.deliver(1, reply(1, 2));
    expect(turns[0]).toEqual(['1:n', '2:r1']);
    expect(pacer.backlog).toBe(2);
  });

  test('without a limit everything goes at once and nothing is deferred', () => {
    const { pacer, turns, runTurns, endTurn } = harness(Infinity);
    for (let index = 0; index < 10_000; index += 1) pacer.deliver(1, notification(1));
    endTurn();
    expect(turns[0]).toHaveLength(10_000);
    expect(runTurns()).toBe(0);
  });

  test('a forgotten connection loses what waited for it', () => {
    const { pacer, turns, runTurns, endTurn } = harness(1);
    pacer.deliver(1, notification(1));
    pacer.deliver(1, notification(1));
    pacer.deliver(1, reply(1, 3));
    pacer.forget(1);
    endTurn();
    expect(runTurns()).toBe(0);
    expect(turns.flat()).toEqual(['1:n']);
  });
});
