// Builds the ZAB replication of one ensemble member for the real server: ZooKeeper's defaults
// (initLimit 10, syncLimit 5 ticks, 500 committed txns kept for DIFF), election timings tuned
// for loopback and LAN links, Math.random jitter, and the durable state its log holds.

import type { Replication, ReplicationHost } from './core/replication.js';
import { Zab } from './core/zab/zab.js';
import type { MemoryTxnLog } from './runtime/memory-txn-log.js';
import { mathRandom } from './adapters/node-env.js';

export interface EnsembleMembership {
  serverId: number;
  voters: readonly number[];
  observers: readonly number[];
  tickMs: number;
  initLimitTicks?: number;
  syncLimitTicks?: number;
}

export function createZab(
  membership: EnsembleMembership,
  host: ReplicationHost,
  txnLog: MemoryTxnLog,
): Replication {
  return new Zab(
    {
      serverId: membership.serverId,
      voters: membership.voters,
      observers: membership.observers,
      tickMs: membership.tickMs,
      initLimitTicks: membership.initLimitTicks ?? 10,
      syncLimitTicks: membership.syncLimitTicks ?? 5,
      random: mathRandom,
      committedLogMax: 500,
      // FastLeaderElection waits 200 ms for a better vote; on loopback and LAN links votes
      // arrive within a few ms, so a shorter wait halves failover without risking split votes.
      election: {
        finalizeWaitMs: 50,
        notificationIntervalMinMs: 50,
        notificationIntervalMaxMs: 2_000,
      },
    },
    host,
    { acceptedEpoch: txnLog.acceptedEpoch, currentEpoch: txnLog.currentEpoch, log: txnLog.log },
  );
}
