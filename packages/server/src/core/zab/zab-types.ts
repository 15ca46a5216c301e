// The shapes around the Zab state machine: its options, what it needs from the host it
// replicates and from its durable state, what it hands the loop, and the context its roles
// (leader.ts, learner.ts) share. The host/output types are replication.ts's, named for Zab.

import { assert } from '@zoo/client/protocol';
import { electionDefaults } from '../election/fast-leader-election.js';
import type { Random } from '../random.js';
import type { Txn } from '../txn.js';
import type { ReplicationHost, ReplicationOutput, ReplicationRole } from '../replication.js';
import type { TxnLog } from './txn-log.js';
import type { ZabOutbox } from './zab-outbox.js';

export type { PersistOp } from '../replication.js';
// describePersistOp lives with the outbox that holds the ops (zab-outbox.ts imports nothing from
// here, so the two files do not import each other); re-exported for its existing importers.
export { describePersistOp } from './zab-outbox.js';
export type ZabRole = ReplicationRole;
export type ZabHost = ReplicationHost;
export type ZabOutput = ReplicationOutput;

export interface ZabOptions {
  serverId: number;
  voters: readonly number[];
  observers: readonly number[];
  tickMs: number;
  /** Discovery + synchronization must finish within this (ZooKeeper initLimit, default 10). */
  initLimitTicks: number;
  /** Leader ↔ learner silence limit (ZooKeeper syncLimit, default 5). */
  syncLimitTicks: number;
  random: Random;
  /** Committed txns kept in memory for DIFF (ZooKeeper commitLogCount, 500). */
  committedLogMax: number;
  election?: {
    finalizeWaitMs: number;
    notificationIntervalMinMs: number;
    notificationIntervalMaxMs: number;
  };
  /** Planted bugs and small limits that let tests reach rare paths. Never set in production. */
  testing?: ZabTestingOptions;
}

export interface ZabTestingOptions {
  /** Planted bug: the leader commits on its own ACK alone, without waiting for a quorum. */
  commitWithoutQuorum?: boolean;
  /** Planted bug: learners ACK proposals and NEWLEADER before their log is durable. */
  ackBeforePersist?: boolean;
  /** The zxid counter that forces a new epoch (default zxidCounterMax, 0xffffffff). */
  zxidCounterMax?: number;
}

/** What the durable state held when the peer (re)started. */
export interface DurableState {
  acceptedEpoch: number;
  currentEpoch: number;
  /**
   * The txns logged since the last snapshot, oldest first. A 'snapshot' PersistOp restarts the
   * log: txns logged before it must not come back here (they may be an abandoned branch).
   */
  log: readonly Txn[];
}

export interface ResolvedZabOptions {
  serverId: number;
  /** Ascending. */
  voters: readonly number[];
  voterSet: ReadonlySet<number>;
  observerSet: ReadonlySet<number>;
  isVoter: boolean;
  tickMs: number;
  initLimitMs: number;
  syncLimitMs: number;
  committedLogMax: number;
  random: Random;
  election: NonNullable<ZabOptions['election']>;
  testing: ZabTestingOptions;
  zxidCounterMax: number;
}

/** What Zab shares with the role that runs it. Roles never keep a reference past their role. */
export interface ZabContext {
  readonly options: ResolvedZabOptions;
  readonly host: ZabHost;
  readonly log: TxnLog;
  readonly outbox: ZabOutbox;
  readonly nowMs: number;
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** Records new epochs in memory and queues their durable write; returns the op's number. */
  setEpochs(epochs: { acceptedEpoch: number; currentEpoch: number }): number;
  /** Commits every logged txn up to `zxid` and has the host apply them; returns them. */
  commitTo(zxid: bigint): Txn[];
  /** Leave the role and restart the election. The caller must return at once. */
  goLooking(reason: string): void;
  /** The role now serves clients in `epoch`. */
  becameServing(epoch: number): void;
}

export function resolveZabOptions(options: ZabOptions): ResolvedZabOptions {
  const { serverId, voters, observers, tickMs, initLimitTicks, syncLimitTicks } = options;
  const voterSet = new Set(voters);
  const observerSet = new Set(observers);
  assert(voters.length > 0, 'zab: no voters');
  assert(voterSet.size === voters.length, () => `zab: duplicate voters ${voters.join(',')}`);
  assert(observerSet.size === observers.length, 'zab: duplicate observers');
  assert(
    observers.every((id) => !voterSet.has(id)),
    () => `zab: observers ${observers.join(',')} overlap the voters`,
  );
  assert(
    voterSet.has(serverId) || observerSet.has(serverId),
    () => `zab: server ${serverId} is neither a voter nor an observer`,
  );
  assert(tickMs > 0 && initLimitTicks > 0 && syncLimitTicks > 0, 'zab: positive time limits');
  assert(
    Number.isSafeInteger(options.committedLogMax) && options.committedLogMax >= 0,
    () => `zab: committedLogMax ${options.committedLogMax}`,
  );
  const isSingleVoter = voters.length === 1;
  const election = options.election ?? { ...electionDefaults };
  const testing = options.testing ?? {};
  return {
    serverId,
    voters: [...voters].sort((a, b) => a - b),
    voterSet,
    observerSet,
    isVoter: voterSet.has(serverId),
    tickMs,
    initLimitMs: initLimitTicks * tickMs,
    syncLimitMs: syncLimitTicks * tickMs,
    committedLogMax: options.committedLogMax,
    random: options.random,
    // A lone voter has nobody to wait for: it decides as soon as it looks.
    election: isSingleVoter ? { ...election, finalizeWaitMs: 0 } : election,
    testing,
    zxidCounterMax: testing.zxidCounterMax ?? 0xffffffff,
  };
}
