// Retrying a client call across a connection loss: the session survives a lost connection, so
// the call is tried again once the client has reconnected, after a short jittered pause. Only
// calls that are safe to repeat go through here (reads, deletes of one's own node, syncs).

import { ErrorCode, ZooError } from '../../protocol/index.js';
import type { ZooClient } from '../../api/zoo-client.js';
import type { RecipeEnv } from '../support/recipe-env.js';

/** Consecutive connection losses one call may meet before it gives up and throws the last. */
export const recoverableRetriesMax = 32;
const backOffBaseMs = 10;
const backOffMaxMs = 1_000;

/** A connection loss or a timed-out operation: the outcome is unknown, the session may live. */
export function isRecoverable(error: unknown): boolean {
  return (
    error instanceof ZooError &&
    (error.code === ErrorCode.ConnectionLoss || error.code === ErrorCode.OperationTimeout)
  );
}

export function isNoNode(error: unknown): boolean {
  return error instanceof ZooError && error.code === ErrorCode.NoNode;
}

/** Resolves after a jittered pause that grows with the attempt (full jitter, capped). */
export function backOff(env: RecipeEnv, attempt: number): Promise<void> {
  const ceilingMs = Math.min(backOffMaxMs, backOffBaseMs * 2 ** Math.min(attempt, 16));
  const delayMs = Math.floor(env.random() * ceilingMs);
  return new Promise((resolve) => env.timers.setTimeout(resolve, delayMs));
}

/**
 * Waits for the client to be connected again (rejects if the session ends) and pauses
 * before the next attempt, so that a connection that flaps does not make a busy loop.
 */
export async function recover(client: ZooClient, env: RecipeEnv, attempt: number): Promise<void> {
  await client.ready();
  await backOff(env, attempt);
}

/** Runs `call`, repeating it after each connection loss, up to recoverableRetriesMax times. */
export async function retryRecoverable<T>(
  client: ZooClient,
  env: RecipeEnv,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isRecoverable(error) || attempt >= recoverableRetriesMax) throw error;
      await recover(client, env, attempt);
    }
  }
}
