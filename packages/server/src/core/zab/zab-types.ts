// The shapes around the Zab state machine: its options, what it needs from the host it
// replicates and from its durable state, what it hands the loop, and the context its roles
// (leader.ts, learner.ts) share. The host/output types are replication.ts's, named for Zab.

import { assert } from '@zoo/client/protocol';
import { electionDefaults } from '../election/fast-leader-election.js';
import type { Random } from '../replication/random.js';
import type { Txn } from '../tree/txn.js';
import type { ReplicatedState, ReplicationEffect } from '../replication/replication.js';
import type { ProposalLog } from './proposal-log.js';
import { committedZxid } from './quorum.js';
import type { CommitRule } from './quorum.js';
import type { ZabOutbox } from './zab-outbox.js';

export type { PersistOp } from '../replication/replication.js';
// describePersistOp lives with the outbox that holds the ops (zab-outbox.ts imports nothing from
// here, so the two files do not import each other); re-exported for its existing importers.
export { describePersistOp } from './zab-outbox.js';

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
  /** How ACKs become a commit point; `committedZxid` unless a test plants a wrong rule. */
  commitRule?: CommitRule;
  /** Small limits that let tests reach rare paths. Never set in production. */
  testing?: ZabTestingOptions;
}

export interface ZabTestingOptions {
  /** The zxid counter that forces a new epoch (default zxidCounterMax, 0xffffffff). */
  zxidCounterMax?: number;
}

/** What the durable state held when the peer (re)started. */
export interface DurableState {
  acceptedEpoch: number;
  currentEpoch: number;
  /** Its data was lost and emptied by `zoo-data reset`: it votes only once synced (rejoin.ts). */
  isRejoining?: boolean;
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
  commitRule: CommitRule;
  zxidCounterMax: number;
}

/** What Zab shares with the role that runs it. Roles never keep a reference past their role. */
export interface ZabContext {
  readonly options: ResolvedZabOptions;
  /** The replicated state, to read between steps (last applied zxid, a snapshot to send). */
  readonly replicated: ReplicatedState;
  readonly log: ProposalLog;
  readonly outbox: ZabOutbox;
  readonly nowMs: number;
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** Records new epochs in memory and queues their durable write; returns the op's number. */
  setEpochs(epochs: { acceptedEpoch: number; currentEpoch: number }): number;
  /** Commits every logged txn up to `zxid`, handing them out to be applied; returns them. */
  commitTo(zxid: bigint): Txn[];
  /** Hands the peer something to carry out after this step. */
  emit(effect: ReplicationEffect): void;
  /** The sessions this learner's clients touched since the last pong (then forgotten). */
  takeTouchedSessions(): bigint[];
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
    commitRule: options.commitRule ?? committedZxid,
    zxidCounterMax: testing.zxidCounterMax ?? 0xffffffff,
  };
}
