// The recipes of @zoo/client/recipes: locks, a semaphore and leader election built on the
// public ZooClient, correct under connection loss, lost replies and session expiry.

export { Lock, type LockOptions } from './lock/lock.js';
export { LockHandle } from './lock/held-node.js';
export { ReadWriteLock } from './lock/read-write-lock.js';
export { Semaphore, type SemaphoreOptions } from './lock/semaphore.js';
export type { AcquireOptions } from './lock/cancellation.js';
export { LockLostError, LockTimeoutError, type LockLossReason } from './lock/lock-errors.js';
export type { QueueRule } from './lock/lock-queue.js';
export type { Contender } from './lock/protected-node.js';
export { nodeRecipeEnv, type RecipeEnv } from './lock/recipe-env.js';
export { LeaderLatch, type LeaderLatchOptions } from './leader/leader-latch.js';
export {
  LeaderSelector,
  type LeaderSelectorOptions,
  type LeaderTask,
  type LeadershipContext,
} from './leader/leader-selector.js';
export type { LeadershipEventName } from './leader/leadership-events.js';
