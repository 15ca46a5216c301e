import { describe, expect, test } from 'vitest';
import { DiskTxnLog, recover } from '@zoo/server/internals';
import type { Logger, PersistOp, Txn } from '@zoo/server/internals';
import { World } from '../world/world.js';
import { SimFs } from './sim-fs.js';
import { onWorld } from './on-world.js';
import { durableStateOf } from './durable-state.js';
import { checkRecoveredState } from '../checkers/recovered-state.js';
import { unsyncedFates } from '../scenario.js';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function txn(epoch: number, counter: number): Txn {
  return {
    zxid: (BigInt(epoch) << 32n) | BigInt(counter),
    timeMs: counter,
    sessionId: 9n,
    cxid: counter,
    body: { type: 'setData', path: '/a', data: Buffer.alloc(300, counter), version: counter },
  };
}

/**
 * One life of a member: recovers /d, then writes `batches` through the real DiskTxnLog (small
 * segments, so that it rolls over), waiting for each batch only when `awaitEach` says so.
 */
async function life(world: World, fs: SimFs, batches: PersistOp[][], awaitLast: boolean) {
  const view = fs.view();
  const recovered = await onWorld(world, recover('/d', { logger: quiet, fs: view }));
  const log = await onWorld(
    world,
    DiskTxnLog.open({
      dataDir: '/d',
      resume: recovered.resume,
      onFatal: () => undefined,
      logger: quiet,
      fs: view,
      segmentBytes: 2048,
    }),
  );
  for (const [index, ops] of batches.entries()) {
    const written = new Promise<void>((resolve) => log.write(ops, () => resolve()));
    if (index < batches.length - 1 || awaitLast) await onWorld(world, written);
  }
  // The last batch may be mid-write: its bytes in the page cache, its sync not yet done.
  await world.runUntil(world.nowMs);
}

describe('durableStateOf', () => {
  test('is what recover() rebuilds after any crash, whatever its unsynced writes met', async () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 12; seed += 1) {
      const fate = unsyncedFates[seed % unsyncedFates.length] ?? 'lost';
      const world = new World({ seed });
      const fs = new SimFs(world, world.random('disk'));
      await onWorld(world, fs.mkdir('/d'));
      const batches: PersistOp[][] = [
        [{ type: 'epochs', acceptedEpoch: 1, currentEpoch: 1 }],
        ...[1, 2, 3, 4, 5, 6, 7].map((n): PersistOp[] => [{ type: 'txns', txns: [txn(1, n)] }]),
        [{ type: 'truncate', afterZxid: txn(1, 5).zxid }],
        [{ type: 'epochs', acceptedEpoch: 2, currentEpoch: 1 }],
        [{ type: 'txns', txns: [txn(2, 1), txn(2, 2)] }],
      ];
      await life(world, fs, batches.slice(0, 4 + (seed % 8)), seed % 2 === 0);
      fs.crash(fate);
      const durable = durableStateOf(fs.durableFiles('/d'));
      seen.add(durable.log.length);
      const recovered = await onWorld(world, recover('/d', { logger: quiet, fs: fs.view() }));
      expect(checkRecoveredState(1, durable, recovered), `seed ${seed} ${fate}`).toEqual([]);
    }
    // Crashes at different points leave logs of many lengths, each one matched.
    expect(seen.size).toBeGreaterThan(3);
  });

  test('catches a disk handing back the epochs file a version behind', async () => {
    const world = new World({ seed: 3 });
    const fs = new SimFs(world, world.random('disk'));
    await onWorld(world, fs.mkdir('/d'));
    const epochs = (acceptedEpoch: number, currentEpoch: number): PersistOp[] => [
      { type: 'epochs', acceptedEpoch, currentEpoch },
    ];
    await life(world, fs, [epochs(1, 1), epochs(2, 1), epochs(2, 2)], true);
    fs.rollsBackEpochs = true;
    fs.crash('lost');
    const durable = durableStateOf(fs.durableFiles('/d'));
    expect(durable).toMatchObject({ acceptedEpoch: 2, currentEpoch: 2 });
    const recovered = await onWorld(world, recover('/d', { logger: quiet, fs: fs.view() }));
    const found = checkRecoveredState(1, durable, recovered).map((v) => v.message);
    expect(found).toEqual(['s1 recovered currentEpoch 1, durable 2']);
  });
});
