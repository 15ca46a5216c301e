// The recipes a simulated client exercises, written on the client API the way users write them:
// a counter by compare-and-set, unique IDs from sequential nodes, a lock from ephemeral
// sequential nodes whose holder fences its writes with the lock node's czxid, and ephemerals.

import { CreateMode, ErrorCode } from '@zoo/client';
import type { CounterIncrement, FencedWrite, IdGrant, LockHold } from '../history/history.js';
import { codeOf, outcomeOf } from './outcome.js';
import type { OpContext } from './op-context.js';
import { counterPath, ephemeralsPath, idsPath, lockPath, resourcePath } from './op-context.js';

const casAttemptsMax = 8;
const lockWaitMaxMs = 8_000;

/** Counter increment: read, then set with the version read; retry on BadVersion. */
export async function incrementCounter(context: OpContext): Promise<void> {
  const { client, world } = context;
  const increment: CounterIncrement = {
    process: context.process,
    invokeMs: world.nowMs,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  };
  context.history.counterIncrements.push(increment);
  for (let attempt = 0; attempt < casAttemptsMax; attempt += 1) {
    let value: number;
    let version: number;
    try {
      const { data, stat } = await client.getData(counterPath);
      value = Number(data?.toString('utf8') ?? '0');
      version = stat.version;
    } catch (error) {
      // Nothing was written yet: this increment definitely did not happen.
      increment.outcome = { type: 'fail', code: codeOf(error) ?? -1, completeMs: world.nowMs };
      return;
    }
    const next = value + 1;
    const outcome = await outcomeOf(world, () =>
      client.setData(counterPath, String(next), version),
    );
    if (outcome.type === 'fail' && outcome.code === ErrorCode.BadVersion) continue;
    increment.outcome =
      outcome.type === 'ok' ? { type: 'ok', value: next, completeMs: outcome.completeMs } : outcome;
    return;
  }
  increment.outcome = { type: 'fail', code: ErrorCode.BadVersion, completeMs: world.nowMs };
}

/** A unique ID: the suffix of a new persistent sequential node. */
export async function grantId(context: OpContext): Promise<void> {
  const { client, world } = context;
  const grant: IdGrant = {
    process: context.process,
    invokeMs: world.nowMs,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  };
  context.history.idGrants.push(grant);
  const outcome = await outcomeOf(world, () =>
    client.create(`${idsPath}/id-`, null, { mode: CreateMode.persistentSequential }),
  );
  grant.outcome =
    outcome.type === 'ok'
      ? { type: 'ok', value: Number(outcome.value.slice(-10)), completeMs: outcome.completeMs }
      : outcome;
}

/** An ephemeral that must vanish once its session ends. */
export async function createEphemeral(context: OpContext): Promise<void> {
  await outcomeOf(context.world, () =>
    context.client.create(`${ephemeralsPath}/c${context.process}-`, context.uniqueData(), {
      mode: CreateMode.ephemeralSequential,
    }),
  );
}

/**
 * Lock, write under the lock, unlock. The lock is the lowest ephemeral sequential child of
 * /lock; each waiter watches only its predecessor (no herd). The fencing token is the lock
 * node's czxid, and each guarded write is a multi that checks the lock node still exists.
 */
export async function lockCycle(context: OpContext): Promise<void> {
  const { client, world } = context;
  let node: { path: string; token: bigint };
  try {
    const created = await client.createWithStat(`${lockPath}/n-`, null, {
      mode: CreateMode.ephemeralSequential,
    });
    node = { path: created.path, token: created.stat.czxid };
  } catch {
    return; // Whether or not the node exists, the session's end removes it.
  }
  const isHeld = await waitForLock(context, node.path);
  if (!isHeld) {
    await outcomeOf(world, () => client.delete(node.path));
    return;
  }
  const hold: LockHold = {
    process: context.process,
    token: node.token,
    acquiredMs: world.nowMs,
    releasedMs: null,
  };
  context.history.lockHolds.push(hold);
  const writes = context.random.nextInt(1, 2);
  for (let i = 0; i < writes; i += 1) {
    const isStillHeld = await fencedWrite(context, node);
    if (!isStillHeld) break;
    await context.sleep(context.random.nextInt(0, 200));
  }
  await outcomeOf(world, () => client.delete(node.path));
  hold.releasedMs = world.nowMs;
}

async function waitForLock(context: OpContext, ownPath: string): Promise<boolean> {
  const { client, world } = context;
  const ownName = ownPath.slice(lockPath.length + 1);
  const deadlineMs = world.nowMs + lockWaitMaxMs;
  while (world.nowMs < deadlineMs) {
    let children: string[];
    try {
      children = (await client.getChildren(lockPath)).sort();
    } catch {
      return false;
    }
    const index = children.indexOf(ownName);
    if (index < 0) return false; // Our node is gone: the session expired.
    if (index === 0) return true;
    const predecessor = `${lockPath}/${children[index - 1] ?? ''}`;
    let wake: () => void = () => undefined;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    try {
      const stat = await client.exists(predecessor, { watch: () => wake() });
      if (stat === null) continue;
    } catch {
      return false;
    }
    await Promise.race([changed, context.sleep(deadlineMs - world.nowMs)]);
  }
  return false;
}

/** One guarded write; false once the lock is provably lost. */
async function fencedWrite(
  context: OpContext,
  node: { path: string; token: bigint },
): Promise<boolean> {
  const { client, world } = context;
  const write: FencedWrite = {
    process: context.process,
    token: node.token,
    invokeMs: world.nowMs,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  };
  context.history.fencedWrites.push(write);
  const data = `${node.token.toString(16)} ${context.uniqueData()}`;
  write.outcome = await outcomeOf(world, async () => {
    const results = await client.multi([
      { type: 'check', path: node.path, version: 0 },
      { type: 'setData', path: resourcePath, data },
    ]);
    const set = results[1];
    return { zxid: set?.type === 'setData' ? set.stat.mzxid : null };
  });
  return write.outcome.type === 'ok';
}
