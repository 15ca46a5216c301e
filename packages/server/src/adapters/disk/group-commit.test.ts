import { describe, expect, test } from 'vitest';
import { GroupCommit, type GroupIo } from './group-commit.js';

/** A disk whose writes and fdatasyncs return only when the test says so. */
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
    write: (bytes) => call(`write ${[...bytes].join(',')}`),
    fdatasync: () => call('fdatasync'),
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
  test('the next group is written during an fdatasync and synced as it returns', async () => {
    const disk = manualDisk();
    disk.hand(1);
    await disk.complete('write 1');
    disk.hand(2, 3);
    // Written while batch 1's fdatasync runs...
    expect(disk.events).toEqual(['write 1>', 'write 1<', 'fdatasync>', 'write 2,3>']);
    await disk.complete('write 2,3');
    disk.hand(4);
    await disk.complete('fdatasync');
    // ...but not durable until an fdatasync started after that write returned; that one
    // starts before batch 1 is handed back.
    expect(disk.events.slice(4)).toEqual([
      'write 2,3<',
      'write 4>',
      'fdatasync<',
      'fdatasync>',
      'durable 1',
    ]);
    expect(disk.commit.isIdle).toBe(false);
    await disk.complete('write 4');
    await disk.complete('fdatasync');
    expect(disk.events.slice(9)).toEqual(['write 4<', 'fdatasync<', 'fdatasync>', 'durable 2,3']);
    await disk.complete('fdatasync');
    expect(disk.events.slice(13)).toEqual(['fdatasync<', 'durable 4']);
    expect(disk.commit.isIdle).toBe(true);
  });

  test('a failed fdatasync hands nothing back, then or later, and stops writing', async () => {
    const disk = manualDisk();
    disk.hand(1);
    await disk.complete('write 1');
    disk.hand(2);
    await disk.complete('write 2');
    await disk.complete('fdatasync', new Error('EIO'));
    disk.hand(3);
    expect(disk.events).toEqual([
      'write 1>',
      'write 1<',
      'fdatasync>',
      'write 2>',
      'write 2<',
      'failed Error: EIO',
    ]);
  });
});
