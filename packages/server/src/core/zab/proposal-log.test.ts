// ProposalLog: the window of logged txns, its commit and apply points, and recovery from a durable
// log whose tail's fate is unknown.

import { describe, expect, test } from 'vitest';
import type { Txn } from '../tree/txn.js';
import { ProposalLog } from './proposal-log.js';
import { makeZxid } from './zxid.js';

const z = makeZxid;
const txn = (zxid: bigint): Txn => ({
  zxid,
  timeMs: 0,
  sessionId: 1n,
  cxid: 0,
  body: { type: 'delete', path: '/x' },
});

function applyAll(log: ProposalLog, zxid: bigint): bigint[] {
  const txns = log.commitTo(zxid);
  for (const t of txns) log.markApplied(t);
  log.trim();
  log.invariants();
  return txns.map((t) => t.zxid);
}

describe('ProposalLog recovery', () => {
  test('restores with the host state as base and every later logged txn uncommitted', () => {
    const log = new ProposalLog({
      log: [txn(z(1, 1)), txn(z(1, 2))],
      appliedZxid: 0n,
      committedLogMax: 5,
    });
    log.invariants();
    expect(log.baseZxid).toBe(0n);
    expect(log.lastZxid).toBe(z(1, 2));
    expect(log.committedZxid).toBe(0n);
  });

  test('restores with applied txns in the log: the first becomes the base', () => {
    const durable = [1, 2, 3, 4].map((c) => txn(z(1, c)));
    const log = new ProposalLog({ log: durable, appliedZxid: z(1, 3), committedLogMax: 5 });
    log.invariants();
    expect(log.baseZxid).toBe(z(1, 1));
    expect(log.committedZxid).toBe(z(1, 3));
    expect(log.entriesAfter(z(1, 1)).map((t) => t.zxid)).toEqual([z(1, 2), z(1, 3), z(1, 4)]);
  });

  test('rejects a host state that is not a point of the durable log', () => {
    const durable = [txn(z(1, 1)), txn(z(1, 3))];
    expect(
      () => new ProposalLog({ log: durable, appliedZxid: z(1, 2), committedLogMax: 5 }),
    ).toThrow(/not a point/);
  });
});

describe('ProposalLog window', () => {
  test('commits in order and keeps at most committedLogMax applied txns in the window', () => {
    const log = new ProposalLog({ log: [], appliedZxid: 0n, committedLogMax: 2 });
    for (let c = 1; c <= 5; c += 1) log.append(txn(z(1, c)));
    expect(applyAll(log, z(1, 3))).toEqual([z(1, 1), z(1, 2), z(1, 3)]);
    expect(log.baseZxid).toBe(z(1, 1));
    expect(log.size).toBe(4);
    expect(applyAll(log, z(1, 3))).toEqual([]);
    expect(applyAll(log, z(1, 5))).toEqual([z(1, 4), z(1, 5)]);
    expect(log.baseZxid).toBe(z(1, 3));
    expect(log.has(z(1, 3))).toBe(true);
    expect(log.has(z(1, 2))).toBe(false);
  });

  test('truncates only an uncommitted tail, to a point it holds', () => {
    const log = new ProposalLog({ log: [], appliedZxid: 0n, committedLogMax: 10 });
    for (let c = 1; c <= 4; c += 1) log.append(txn(z(1, c)));
    applyAll(log, z(1, 2));
    expect(() => log.truncateAfter(z(1, 1))).toThrow(/below committed/);
    expect(() => log.truncateAfter(z(2, 1))).toThrow(/not a point/);
    log.truncateAfter(z(1, 2));
    expect(log.lastZxid).toBe(z(1, 2));
    log.append(txn(z(2, 1)));
    log.invariants();
  });

  test('predecessor finds the largest known point below a zxid', () => {
    const durable = [1, 2, 3].map((c) => txn(z(1, c)));
    const log = new ProposalLog({
      log: [...durable, txn(z(3, 1))],
      appliedZxid: z(1, 1),
      committedLogMax: 9,
    });
    expect(log.predecessor(z(1, 2))).toBe(z(1, 1));
    expect(log.predecessor(z(2, 7))).toBe(z(1, 3));
    expect(log.predecessor(z(4, 1))).toBe(z(3, 1));
    expect(() => log.predecessor(z(1, 1))).toThrow();
  });

  test('a snapshot resets the window, commit and apply points', () => {
    const log = new ProposalLog({ log: [txn(z(1, 1))], appliedZxid: 0n, committedLogMax: 9 });
    log.resetToSnapshot(z(2, 5));
    log.invariants();
    expect([log.baseZxid, log.lastZxid, log.committedZxid, log.appliedZxid]).toEqual([
      z(2, 5),
      z(2, 5),
      z(2, 5),
      z(2, 5),
    ]);
  });

  test('refuses an append out of order and a commit beyond the log', () => {
    const log = new ProposalLog({ log: [txn(z(1, 2))], appliedZxid: 0n, committedLogMax: 9 });
    expect(() => log.append(txn(z(1, 2)))).toThrow(/append/);
    expect(() => log.commitTo(z(1, 3))).toThrow(/beyond/);
  });
});
