// The public surface of @zoo/client/recipes: coordination recipes built only on the public
// ZooClient API, each stating its guarantee in its doc comment and in the client README.

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
