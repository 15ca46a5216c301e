// The read/write lock's and the semaphore's tests, on the same ensembles as the mutex's: readers
// share and a writer holds alone, in arrival order (a reader that comes after a waiting writer
// waits too); a semaphore never has more holders than leases, and gives up cleanly.

import { describe, expect, test } from 'vitest';
import { within } from '../../../../../../test/support/promise-client.js';
import { LockTimeoutError, ReadWriteLock, Semaphore } from '../../index.js';
import type { LockHandle } from '../../index.js';
import { eventually, sleep, type RecipeRig } from './recipe-rig.js';

/** Registers the tests; `setUp` gives each a rig on the ensemble (see useEnsemble). */
export function sharedLockSuite(setUp: () => RecipeRig): void {
  describe('ReadWriteLock', () => {
    test('readers share; a writer waits for them, then holds alone; arrival order is kept', () =>
      readersThenWriterThenReader(setUp()));
  });
  describe('Semaphore', () => {
    test(
      'never more holders than leases, and every worker gets its turns',
      () => leasesBoundHolders(setUp()),
      30_000,
    );
    test('a timeout removes the lease node and leaves the gate free', () =>
      semaphoreTimeoutCleanUp(setUp()));
  });
}

/** Settles to the handle, recording in `order` when it was granted. */
function granted(
  acquiring: Promise<LockHandle>,
  name: string,
  order: string[],
): Promise<LockHandle> {
  return acquiring.then((handle) => {
    order.push(name);
    return handle;
  });
}

async function readersThenWriterThenReader(r: RecipeRig): Promise<void> {
  const path = r.uniquePath('read-write');
  const observer = await r.client();
  const lockOf = async (): Promise<ReadWriteLock> => new ReadWriteLock(await r.client(), path);
  const queued = (count: number) => async () => (await observer.getChildren(path)).length === count;
  const [first, second] = [await lockOf(), await lockOf()];
  const reader1 = await first.readLock.acquire();
  const reader2 = await within(second.readLock.acquire(), 10_000, 'a second reader');
  const order: string[] = [];
  const writing = granted((await lockOf()).writeLock.acquire(), 'writer', order);
  await eventually(queued(3), 'the writer to queue');
  const reading = granted((await lockOf()).readLock.acquire(), 'late reader', order);
  await eventually(queued(4), 'the late reader to queue');
  await sleep(200);
  expect(order).toEqual([]);
  await reader1.release();
  await sleep(100);
  expect(order).toEqual([]);
  await reader2.release();
  const writer = await within(writing, 10_000, 'the writer');
  await sleep(200);
  expect(order).toEqual(['writer']);
  expect(writer.fencingToken > reader2.fencingToken).toBe(true);
  await writer.release();
  const lateReader = await within(reading, 10_000, 'the late reader');
  expect(order).toEqual(['writer', 'late reader']);
  expect(lateReader.fencingToken > writer.fencingToken).toBe(true);
  await lateReader.release();
  expect(await observer.getChildren(path)).toEqual([]);
}

async function leasesBoundHolders(r: RecipeRig): Promise<void> {
  const path = r.uniquePath('semaphore');
  const leases = 2;
  let holders = 0;
  let holdersMax = 0;
  const grants = new Map<number, number>();
  let isRunning = true;
  const worker = async (id: number): Promise<void> => {
    const semaphore = new Semaphore(await r.client(), path, { leases });
    while (isRunning) {
      const lease = await semaphore.acquire({ timeoutMs: 10_000 });
      holders += 1;
      holdersMax = Math.max(holdersMax, holders);
      grants.set(id, (grants.get(id) ?? 0) + 1);
      await sleep(20);
      holders -= 1;
      await lease.release();
    }
  };
  const workers = [0, 1, 2, 3, 4].map((id) => worker(id));
  await sleep(1_500);
  isRunning = false;
  await within(Promise.all(workers), 15_000, 'the workers to stop');
  expect(holdersMax).toBe(leases);
  expect([...grants.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
  for (const count of grants.values()) expect(count).toBeGreaterThanOrEqual(2);
}

async function semaphoreTimeoutCleanUp(r: RecipeRig): Promise<void> {
  const path = r.uniquePath('semaphore-timeout');
  const client = await r.client();
  const held = await new Semaphore(client, path, { leases: 1 }).acquire();
  const waiter = new Semaphore(await r.client(), path, { leases: 1 });
  await expect(waiter.acquire({ timeoutMs: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
  expect(await client.getChildren(`${path}/leases`)).toHaveLength(1);
  expect(await client.getChildren(`${path}/locks`)).toEqual([]);
  await held.release();
  const next = await waiter.acquire({ timeoutMs: 5_000 });
  expect(await client.getChildren(`${path}/leases`)).toHaveLength(1);
  await next.release();
  expect(await client.getChildren(`${path}/leases`)).toEqual([]);
}
