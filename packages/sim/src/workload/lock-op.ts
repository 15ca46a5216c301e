// A lock cycle through the real Lock recipe: acquire, write to the guarded resource once or
// twice with the fencing check, release. Every guarded write is a multi that checks the
// holder's lock node still exists, so a holder that lost the lock without knowing it yet (its
// session expired while it was paused) cannot write: the check fails.

import { ZooError } from '@zoo/client';
import { Lock, LockTimeoutError } from '@zoo/client/recipes';
import type { LockHandle } from '@zoo/client/recipes';
import type { FencedWrite, LockHold } from '../history/history.js';
import { outcomeOf } from './outcome.js';
import type { OpContext } from './op-context.js';
import { lockPath, resourcePath } from './op-context.js';
import { lockOrderedByName } from './planted-recipe-bugs.js';

const lockWaitMaxMs = 8_000;

export async function lockCycle(context: OpContext): Promise<void> {
  const { world, random } = context;
  const rule = context.recipeBug === 'lockOrderedByName' ? { rule: lockOrderedByName } : {};
  const lock = new Lock(context.client, lockPath, { env: context.env, ...rule });
  let handle: LockHandle;
  try {
    handle = await lock.acquire({ timeoutMs: lockWaitMaxMs });
  } catch (error) {
    // Not acquired (timed out, or the session ended): the recipe removed its node.
    if (error instanceof LockTimeoutError || error instanceof ZooError) return;
    throw error;
  }
  const hold: LockHold = {
    process: context.process,
    token: handle.fencingToken,
    acquiredMs: world.nowMs,
    releasedMs: null,
  };
  context.history.lockHolds.push(hold);
  const onLost = (): void => {
    hold.releasedMs ??= world.nowMs;
  };
  handle.signal.addEventListener('abort', onLost, { once: true });
  const writes = random.nextInt(1, 2);
  const guard = { path: handle.path, token: handle.fencingToken };
  const target = { resource: resourcePath, into: context.history.fencedWrites };
  // As a user would: stop once told the lock is lost. The fencing check covers the writes that
  // start before the news arrives.
  for (let i = 0; i < writes && handle.isHeld; i += 1) {
    await guardedWrite(context, guard, target);
    await context.sleep(random.nextInt(0, 200));
  }
  handle.signal.removeEventListener('abort', onLost);
  hold.releasedMs ??= world.nowMs;
  try {
    await handle.release();
  } catch (error) {
    // The node goes with the session if the delete cannot get through.
    if (!(error instanceof ZooError)) throw error;
  }
}

/** A node whose existence guards writes: a lock node, or a leader's node. */
export interface GuardNode {
  path: string;
  token: bigint;
}

/**
 * One guarded write: a multi that checks `guard` still exists, then sets `resource`; recorded
 * with its outcome in `into` for the fencing checks.
 */
export async function guardedWrite(
  context: OpContext,
  guard: GuardNode,
  target: { resource: string; into: FencedWrite[] },
): Promise<void> {
  const { client, world } = context;
  const write: FencedWrite = {
    process: context.process,
    token: guard.token,
    invokeMs: world.nowMs,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  };
  target.into.push(write);
  const data = `${guard.token.toString(16)} ${context.uniqueData()}`;
  write.outcome = await outcomeOf(world, async () => {
    const results = await client.multi([
      { type: 'check', path: guard.path, version: -1 },
      { type: 'setData', path: target.resource, data },
    ]);
    const set = results[1];
    return { zxid: set?.type === 'setData' ? set.stat.mzxid : null };
  });
}
