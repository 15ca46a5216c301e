// Turns a client call's result or error into a history Outcome: ZooKeeper's definite refusals
// are `fail` (nothing happened); anything that leaves the effect in doubt is `unknown`.

import { ErrorCode, ZooError } from '@zoo/client';
import type { Outcome } from '../history/history.js';
import type { World } from '../world/world.js';

/** Codes that prove a write did not happen (the server refused it). */
const definiteCodes: ReadonlySet<number> = new Set([
  ErrorCode.NoNode,
  ErrorCode.NodeExists,
  ErrorCode.BadVersion,
  ErrorCode.NotEmpty,
]);

export function codeOf(error: unknown): number | null {
  return error instanceof ZooError ? error.code : null;
}

export function isDefinite(error: unknown): boolean {
  const code = codeOf(error);
  return code !== null && definiteCodes.has(code);
}

/** Runs `call` and records how it ended, on the world's clock. */
export async function outcomeOf<T>(world: World, call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    const value = await call();
    return { type: 'ok', value, completeMs: world.nowMs };
  } catch (error) {
    const code = codeOf(error);
    if (code !== null && definiteCodes.has(code)) {
      return { type: 'fail', code, completeMs: world.nowMs };
    }
    if (!(error instanceof ZooError)) throw error;
    return { type: 'unknown', reason: error.message };
  }
}
