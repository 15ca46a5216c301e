// Recovered state after a crash-restart: what a member's recovery hands back when it boots must
// equal what its disk held durably when it went down (disk/durable-state.ts read it off the
// platter then): the same epochs, the same snapshot, the same last zxid and the same txns after
// the snapshot. Anything less forgets an ACK or a promise already given; anything more serves
// what never became durable.

import { isDeepStrictEqual } from 'node:util';
import { describeTxn } from '@zoo/server/internals';
import type { Txn } from '@zoo/server/internals';
import type { Violation } from '../history/history.js';
import type { DurableState } from '../disk/durable-state.js';

/** The part of a boot's RecoveredState this check compares. */
export interface RecoveredSummary {
  acceptedEpoch: number;
  currentEpoch: number;
  snapshot: { zxid: bigint } | null;
  log: readonly Txn[];
}

const checker = 'recovered-state';

export function checkRecoveredState(
  server: number,
  durable: DurableState,
  recovered: RecoveredSummary,
): Violation[] {
  const problems: string[] = [];
  const compare = (what: string, expected: unknown, got: unknown): void => {
    if (expected !== got) problems.push(`${what} ${String(got)}, durable ${String(expected)}`);
  };
  compare('acceptedEpoch', durable.acceptedEpoch, recovered.acceptedEpoch);
  compare('currentEpoch', durable.currentEpoch, recovered.currentEpoch);
  compare('snapshot', hexOrNone(durable.snapshotZxid), hexOrNone(recovered.snapshot?.zxid ?? null));
  const durableLast = lastZxid(durable.log, durable.snapshotZxid);
  const recoveredLast = lastZxid(recovered.log, recovered.snapshot?.zxid ?? null);
  compare('last zxid', hex(durableLast), hex(recoveredLast));
  problems.push(...logDifference(durable.log, recovered.log));
  if (problems.length === 0) return [];
  return [{ checker, message: `s${server} recovered ${problems.join('; ')}` }];
}

/** The first txn where the logs part, and their lengths. */
function logDifference(durable: readonly Txn[], recovered: readonly Txn[]): string[] {
  const length = Math.max(durable.length, recovered.length);
  for (let index = 0; index < length; index++) {
    const expected = durable[index];
    const got = recovered[index];
    if (isDeepStrictEqual(expected, got)) continue;
    return [
      `a log of ${recovered.length} txns where ${durable.length} are durable, parting at ` +
        `#${index}: ${describe(got)} instead of ${describe(expected)}`,
    ];
  }
  return [];
}

function lastZxid(log: readonly Txn[], snapshotZxid: bigint | null): bigint {
  return log.at(-1)?.zxid ?? snapshotZxid ?? 0n;
}

function describe(txn: Txn | undefined): string {
  return txn === undefined ? 'nothing' : describeTxn(txn);
}

function hex(zxid: bigint): string {
  return `0x${zxid.toString(16)}`;
}

function hexOrNone(zxid: bigint | null): string {
  return zxid === null ? 'none' : hex(zxid);
}
