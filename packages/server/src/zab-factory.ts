// Builds the ZAB replication of one ensemble member for the real server: ZooKeeper's defaults
// (initLimit 10, syncLimit 5 ticks, 500 committed txns kept for DIFF), election timings tuned
// for loopback and LAN links, and the durable state its log holds. The real server draws jitter
// from Math.random; the simulator passes its seeded PRNG and runs this same configuration.

import type { ReplicatedState } from './core/replication/replication.js';
import type { Random } from './core/replication/random.js';
import { Zab } from './core/zab/zab.js';
import type { DurableState, ZabTestingOptions } from './core/zab/zab-types.js';
import type { CommitRule } from './core/zab/quorum.js';
import { mathRandom } from './adapters/node-env.js';

export interface EnsembleMembership {
  serverId: number;
  voters: readonly number[];
  observers: readonly number[];
  tickMs: number;
  initLimitTicks?: number;
  syncLimitTicks?: number;
}

export interface ZabFactoryOptions {
  random?: Random;
  /** Small limits for tests; never set in production. */
  testing?: ZabTestingOptions;
  /** The simulator's planted wrong commit rule; production uses the quorum rule. */
  commitRule?: CommitRule;
}

export function createZab(
  membership: EnsembleMembership,
  replicated: ReplicatedState,
  durable: DurableState,
  options: ZabFactoryOptions = {},
): Zab {
  return new Zab(
    {
      serverId: membership.serverId,
      voters: membership.voters,
      observers: membership.observers,
      tickMs: membership.tickMs,
      initLimitTicks: membership.initLimitTicks ?? 10,
      syncLimitTicks: membership.syncLimitTicks ?? 5,
      random: options.random ?? mathRandom,
      committedLogMax: 500,
      // FastLeaderElection waits 200 ms for a better vote; on loopback and LAN links votes
      // arrive within a few ms, so a shorter wait halves failover without risking split votes.
      election: {
        finalizeWaitMs: 50,
        notificationIntervalMinMs: 50,
        notificationIntervalMaxMs: 2_000,
      },
      ...(options.testing === undefined ? {} : { testing: options.testing }),
      ...(options.commitRule === undefined ? {} : { commitRule: options.commitRule }),
    },
    replicated,
    durable,
  );
}
