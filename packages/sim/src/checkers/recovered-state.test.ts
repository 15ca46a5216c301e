import { describe, expect, test } from 'vitest';
import type { Txn } from '@zoo/server/internals';
import { checkRecoveredState, type RecoveredSummary } from './recovered-state.js';
import type { DurableState } from '../disk/durable-state.js';

function setData(counter: number, data = `v${counter}`): Txn {
  return {
    zxid: (2n << 32n) | BigInt(counter),
    timeMs: 1_000 + counter,
    sessionId: 7n,
    cxid: counter,
    body: { type: 'setData', path: '/a', data: Buffer.from(data), version: counter },
  };
}

const durable: DurableState = {
  acceptedEpoch: 3,
  currentEpoch: 2,
  snapshotZxid: 2n << 32n,
  log: [setData(1), setData(2), setData(3)],
};

function recoveredAs(change: Partial<RecoveredSummary> = {}): RecoveredSummary {
  return {
    acceptedEpoch: durable.acceptedEpoch,
    currentEpoch: durable.currentEpoch,
    snapshot: { zxid: 2n << 32n },
    log: durable.log.map((txn) => ({ ...txn })),
    ...change,
  };
}

function messages(recovered: RecoveredSummary): string[] {
  return checkRecoveredState(2, durable, recovered).map((v) => `${v.checker}: ${v.message}`);
}

describe('checkRecoveredState', () => {
  test('accepts a recovery that rebuilt exactly what was durable', () => {
    expect(messages(recoveredAs())).toEqual([]);
  });

  test('rejects epochs rolled back or ahead', () => {
    expect(messages(recoveredAs({ acceptedEpoch: 2 }))).toEqual([
      'recovered-state: s2 recovered acceptedEpoch 2, durable 3',
    ]);
    const [current] = messages(recoveredAs({ currentEpoch: 3 }));
    expect(current).toContain('currentEpoch 3, durable 2');
  });

  test('rejects a log one synced record short, naming the missing txn', () => {
    const [short] = messages(recoveredAs({ log: durable.log.slice(0, 2) }));
    expect(short).toContain('last zxid 0x200000002, durable 0x200000003');
    expect(short).toContain('a log of 2 txns where 3 are durable, parting at #2: nothing instead');
  });

  test('rejects a txn that never became durable, and a changed one', () => {
    const [extra] = messages(recoveredAs({ log: [...durable.log, setData(4)] }));
    expect(extra).toContain('a log of 4 txns where 3 are durable, parting at #3');
    const changed = [setData(1), setData(2, 'other'), setData(3)];
    const [content] = messages(recoveredAs({ log: changed }));
    expect(content).toContain('parting at #1');
    expect(content).not.toContain('last zxid');
  });

  test('rejects another snapshot, or none', () => {
    const [none] = messages(recoveredAs({ snapshot: null }));
    expect(none).toContain('snapshot none, durable 0x200000000');
    const older = messages(recoveredAs({ snapshot: { zxid: 1n << 32n } }));
    expect(older).toHaveLength(1);
  });
});
