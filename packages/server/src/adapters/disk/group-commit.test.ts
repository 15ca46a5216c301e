import { describe, expect, test } from 'vitest';
import { GroupCommit, type GroupIo } from './group-commit.js';

/** A disk whose durable writes return only when the test says so. */
function manualDisk() {
  const events: string[] = [];
  const inFlight: { name: string; settle: (error?: Error) => void }[] = [];
  const waiting: number[] = [];
  const call = (name: string): Promise<void> => {
    events.push(`${name}>`);
    return new Promise((resolve, reject) => {
      inFlight.push({
        name,
        settle: (error) => {
          if (error !== undefined) {
            reject(error);
            return;
          }
          events.push(`${name}<`);
          resolve();
        },
      });
    });
  };
  const io: GroupIo<number> = {
    takeGroup() {
      if (waiting.length === 0) return null;
      const batches = waiting.splice(0);
      return { bytes: Buffer.from(batches), position: 0, batches };
    },
    writeDurably: (bytes) => call(`write ${[...bytes].join(',')}`),
    durable: (batches) => events.push(`durable ${batches.join(',')}`),
    failed: (error) => events.push(`failed ${String(error)}`),
    progressed: () => undefined,
  };
  const commit = new GroupCommit(io);
  /** Returns the call named `name` (the oldest in flight), and lets its promise callbacks run. */
  const complete = async (name: string, error?: Error): Promise<void> => {
    const index = inFlight.findIndex((call) => call.name === name);
    const [found] = inFlight.splice(index, 1);
    if (found === undefined) throw new Error(`${name} is not in flight`);
    found.settle(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const hand = (...batches: number[]): void => {
    waiting.push(...batches);
    commit.kick();
  };
  return { events, commit, complete, hand };
}

describe('GroupCommit', () => {
  test('batches handed over during a write share the next, taken before answering', async () => {
    const disk = manualDisk();
    disk.hand(1);
    disk.hand(2);
    disk.hand(3);
    // One write in flight: batches 2 and 3 wait for it...
    expect(disk.events).toEqual(['write 1>']);
    expect(disk.commit.isIdle).toBe(false);
    await disk.complete('write 1');
    // ...and go together the moment it returns, before batch 1 is handed back.
    expect(disk.events).toEqual(['write 1>', 'write 1<', 'write 2,3>', 'durable 1']);
    disk.hand(4);
    await disk.complete('write 2,3');
    expect(disk.events.slice(4)).toEqual(['write 2,3<', 'write 4>', 'durable 2,3']);
    await disk.complete('write 4');
    expect(disk.events.slice(7)).toEqual(['write 4<', 'durable 4']);
    expect(disk.commit.isIdle).toBe(true);
  });

  test('a failed write hands nothing back, then or later, and stops writing', async () => {
    const disk = manualDisk();
    disk.hand(1);
    await disk.complete('write 1');
    disk.hand(2);
    disk.hand(3);
    await disk.complete('write 2', new Error('EIO'));
    disk.hand(4);
    expect(disk.events).toEqual([
      'write 1>',
      'write 1<',
      'durable 1',
      'write 2>',
      'failed Error: EIO',
    ]);
  });
});
