// The public surface of @zoo/client/recipes: coordination recipes built only on the public
// ZooClient API — counters, unique IDs, locks, a semaphore and leader election — each correct
// under connection loss, lost replies and session expiry, and stating its guarantee in its doc
// comment and in the client README. Also group membership with a rendezvous-hash partitioner.

export { Counter, recentUpdatesMaxDefault, type CounterOptions } from './counter/counter.js';
export { CounterFormatError, CounterOutcomeUnknownError } from './counter/counter-errors.js';
export {
  ShardedCounter,
  shardCountDefault,
  type ShardChoice,
  type ShardedCounterOptions,
} from './counter/sharded-counter.js';
export {
  ClockMovedBackwardsError,
  IdSpaceExhaustedError,
  NoFreeWorkerIdError,
  WorkerLeaseLostError,
} from './ids/id-errors.js';
export { SegmentIdGenerator, type SegmentIdOptions } from './ids/segment-id-generator.js';
export { SequentialIdGenerator, type SequentialIdOptions } from './ids/sequential-id-generator.js';
export { SnowflakeIdGenerator, type SnowflakeOptions } from './ids/snowflake-id-generator.js';
export {
  decodeSnowflakeId,
  snowflakeEpochMsDefault,
  type SnowflakeParts,
} from './ids/snowflake-layout.js';
export { nodeRecipeEnv, type RecipeEnv } from './support/recipe-env.js';
export { RetriesExhaustedError, retryPolicyDefault, type RetryPolicy } from './support/retry.js';
export { Lock, type LockOptions } from './lock/lock.js';
export { LockHandle } from './lock/held-node.js';
export { ReadWriteLock } from './lock/read-write-lock.js';
export { Semaphore, type SemaphoreOptions } from './lock/semaphore.js';
export type { AcquireOptions } from './lock/cancellation.js';
export { LockLostError, LockTimeoutError, type LockLossReason } from './lock/lock-errors.js';
export type { QueueRule } from './lock/lock-queue.js';
export type { Contender } from './lock/protected-node.js';
export { LeaderLatch, type LeaderLatchOptions } from './leader/leader-latch.js';
export {
  LeaderSelector,
  type LeaderSelectorOptions,
  type LeaderTask,
  type LeadershipContext,
} from './leader/leader-selector.js';
export type { LeadershipEventName } from './leader/leadership-events.js';
export {
  GroupMember,
  MemberIdTakenError,
  type GroupMemberOptions,
} from './group/group-member.js';
export { GroupView, type MembersListener } from './group/group-view.js';
export { hash32, movedShare, ownerOf } from './group/partitioner.js';
export { Barrier } from './coordination/barrier.js';
export { DoubleBarrier } from './coordination/double-barrier.js';
export { DistributedQueue } from './coordination/distributed-queue.js';
export { TreeCache, type CachedNode, type TreeCacheListener } from './coordination/tree-cache.js';
