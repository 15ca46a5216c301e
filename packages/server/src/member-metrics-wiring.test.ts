import { describe, expect, test } from 'vitest';
import { ProposalTimes } from './member-metrics-wiring.js';

describe('ProposalTimes: when each proposal awaiting its commit left the leader', () => {
  test('a COMMIT settles every proposal up to its zxid and times that zxid', () => {
    const times = new ProposalTimes();
    expect(times.add(1n, 10)).toBe(true);
    // The same proposal to the next learner is not a new one.
    expect(times.add(1n, 11)).toBe(false);
    expect(times.add(2n, 20)).toBe(true);
    expect(times.add(3n, 30)).toBe(true);
    expect(times.commit(2n)).toBe(20);
    // 1 went with 2: a later COMMIT of it finds nothing, and 3 is still timed.
    expect(times.commit(1n)).toBeNull();
    expect(times.commit(3n)).toBe(30);
    expect(times.commit(3n)).toBeNull();
  });

  test('a COMMIT of a zxid never timed settles the ones before it without a time', () => {
    const times = new ProposalTimes();
    times.add(5n, 50);
    times.add(7n, 70);
    expect(times.commit(6n)).toBeNull();
    expect(times.commit(7n)).toBe(70);
  });

  test('many proposals settled a COMMIT at a time stay timed in order', () => {
    const times = new ProposalTimes();
    for (let zxid = 1n; zxid <= 30_000n; zxid += 1n) {
      times.add(zxid, Number(zxid));
      if (zxid % 7n === 0n) expect(times.commit(zxid)).toBe(Number(zxid));
    }
    expect(times.commit(30_000n)).toBe(30_000);
  });
});
