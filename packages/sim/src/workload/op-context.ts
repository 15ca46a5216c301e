// What one workload operation needs: the client of the current session and the env its recipes
// run on, the world's clock and a random stream, and where to record what happened.

import type { ZooClient } from '@zoo/client';
import type { RecipeEnv, SegmentIdGenerator } from '@zoo/client/recipes';
import type { History } from '../history/history.js';
import type { SeededRandom } from '@zoo/server/internals';
import type { World } from '../world/world.js';
import type { RecipeBug } from './planted-recipe-bugs.js';

export interface OpContext {
  world: World;
  random: SeededRandom;
  history: History;
  /** The client process (1-based); one session at a time. */
  process: number;
  client: ZooClient;
  /** The session's virtual clock, timers and seeded randomness: every recipe runs on these. */
  env: RecipeEnv;
  /** The session's segment ID generator (ranges survive only as long as the session). */
  segmentIds: { generator: SegmentIdGenerator; name: string };
  /** A recipe bug planted to prove the checker catches it; null in every honest run. */
  recipeBug: RecipeBug | null;
  nextOpId(): number;
  /** Data no other write in the run uses. */
  uniqueData(): string;
  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void>;
}

export const registerKeys = ['/reg/k0', '/reg/k1', '/reg/k2', '/reg/k3', '/reg/k4'];
export const counterPath = '/counter';
export const idsPath = '/ids';
/** The Counter from which SegmentIdGenerator reserves its ranges. */
export const segmentsPath = '/segments';
export const lockPath = '/lock';
export const resourcePath = '/resource';
/** The LeaderLatch's directory, and the resource its leaders write to. */
export const leaderPath = '/leader';
export const leaderResourcePath = '/leader-resource';
export const ephemeralsPath = '/eph';
/** The parents every workload needs, created before any client starts. */
export const workloadParents = ['/reg', idsPath, lockPath, leaderPath, ephemeralsPath];

export function sessionIdOf(client: ZooClient): bigint | null {
  const id = client.sessionId;
  return id === 0n ? null : id;
}
