// Test support: one Zab driven by hand, message by message, as a follower of peer 3 or on its
// own, with what each step asked the loop to do.

import { expect } from 'vitest';
import { SeededRandom } from '../../replication/random.js';
import type { Txn } from '../../tree/txn.js';
import { FakeHost } from './fake-host.js';
import type { PeerMessage } from '../messages.js';
import { HostedZab } from './hosted-zab.js';
import type { DurableState } from '../zab-types.js';
import type { ReplicationOutput } from '../../replication/replication.js';

export const e1 = (counter: number): bigint => (1n << 32n) | BigInt(counter);

export function txn(zxid: bigint): Txn {
  return {
    zxid,
    timeMs: 0,
    sessionId: 1n,
    cxid: Number(zxid & 0xffn),
    body: { type: 'delete', path: '/x' },
  };
}

export interface Driven {
  zab: HostedZab;
  host: FakeHost;
  /** Steps a message in and returns the output it produced. */
  step(from: number, message: PeerMessage): ReplicationOutput;
  take(): ReplicationOutput;
}

export function drive(
  serverId: number,
  durable: Partial<DurableState> = {},
  host = new FakeHost(),
): Driven {
  const zab = new HostedZab(
    {
      serverId,
      voters: [1, 2, 3],
      observers: [],
      tickMs: 100,
      initLimitTicks: 10,
      syncLimitTicks: 5,
      random: new SeededRandom(serverId),
      committedLogMax: 500,
    },
    host,
    { acceptedEpoch: 0, currentEpoch: 0, log: [], ...durable },
  );
  zab.start(0);
  const take = (): ReplicationOutput => {
    const output = zab.takeOutput();
    zab.invariants();
    return output;
  };
  return {
    zab,
    host,
    take,
    step: (from, message) => {
      zab.step(from, message, zab.nowMs);
      return take();
    },
  };
}

/** Peer 2, told by 3 (leading) and 1 (following) that 3 leads: it follows 3. */
export function follower(durable: Partial<DurableState> = {}, host = new FakeHost()): Driven {
  const driven = drive(2, durable, host);
  driven.take();
  const vote = { leader: 3, zxid: 0n, epoch: 0 };
  driven.step(3, { type: 'vote', round: 1, vote, state: 'leading' });
  const output = driven.step(1, { type: 'vote', round: 1, vote, state: 'following' });
  expect(driven.zab.role).toBe('following');
  expect(output.send).toEqual([
    {
      to: 3,
      message: {
        type: 'followerInfo',
        acceptedEpoch: durable.acceptedEpoch ?? 0,
        lastZxid: durable.log?.at(-1)?.zxid ?? 0n,
        isObserver: false,
      },
    },
  ]);
  return driven;
}
