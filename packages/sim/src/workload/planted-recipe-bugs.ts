// Recipe bugs the suite plants in the workload to prove the recipe checker catches them: a
// counter that blindly repeats an update whose reply was lost (as kazoo's Counter does), and a
// lock that orders its line by the whole child name. Never used outside planted-bug runs.

import { ErrorCode } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import type { Contender, QueueRule, RecipeEnv } from '@zoo/client/recipes';
import { codeOf } from './outcome.js';

export const recipeBugs = ['counterBlindRetry', 'lockOrderedByName'] as const;
export type RecipeBug = (typeof recipeBugs)[number];

const blindAttemptsMax = 30;
const blindBackoffMaxMs = 50;
/** Codes after which the blind counter starts over: contention and lost replies alike. */
const blindRetryCodes: ReadonlySet<number> = new Set([
  ErrorCode.BadVersion,
  ErrorCode.ConnectionLoss,
  ErrorCode.OperationTimeout,
]);

/**
 * Read, write value + 1 against the version read, and on a lost reply start over as on a
 * version conflict. A write whose reply was lost may have applied: the next attempt applies
 * the increment a second time. Writes the bare 8-byte value, which Counter reads too.
 */
export async function blindIncrement(client: ZooClient, path: string, env: RecipeEnv) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { data, stat } = await client.getData(path);
      const value = data === null || data.length === 0 ? 0n : data.readBigInt64BE(0);
      const next = Buffer.alloc(8);
      next.writeBigInt64BE(value + 1n);
      await client.setData(path, next, stat.version);
      return value + 1n;
    } catch (error) {
      const code = codeOf(error);
      if (code === null || !blindRetryCodes.has(code) || attempt >= blindAttemptsMax) throw error;
      const delayMs = Math.floor(env.random() * blindBackoffMaxMs);
      await new Promise<void>((resolve) => env.timers.setTimeout(() => resolve(), delayMs));
    }
  }
}

/**
 * A mutex rule that sorts the line by child name instead of by sequence. Protected names start
 * with a random GUID, so the line is in random order: a newcomer whose GUID sorts first holds
 * at once, beside the holder it should have waited for.
 */
export const lockOrderedByName: QueueRule = {
  prefix: 'lock-',
  prefixes: ['lock-'],
  blockerOf(contenders: readonly Contender[], index: number): Contender | null {
    const own = contenders[index];
    const byName = [...contenders].sort((a, b) => (a.name < b.name ? -1 : 1));
    const at = own === undefined ? -1 : byName.indexOf(own);
    return at <= 0 ? null : (byName[at - 1] ?? null);
  },
};
