// A term of the real LeaderLatch recipe: join the election, wait a while to lead, and as leader
// write to the leaders' resource once or twice, each write guarded by the leader's own node
// (found by its czxid, the latch's fencing token); then leave the election.

import { ZooError } from '@zoo/client';
import { LeaderLatch, LockTimeoutError } from '@zoo/client/recipes';
import type { LockHold } from '../history/history.js';
import type { OpContext } from './op-context.js';
import { leaderPath, leaderResourcePath } from './op-context.js';
import { guardedWrite } from './lock-op.js';
import type { GuardNode } from './lock-op.js';

const leaderWaitMaxMs = 3_000;

export async function leaderTerm(context: OpContext): Promise<void> {
  const { world, random } = context;
  const latch = new LeaderLatch(context.client, leaderPath, {
    env: context.env,
    id: `c${context.process}`,
  });
  let isClosed = false;
  latch.on('closed', () => (isClosed = true));
  try {
    await latch.start();
    await latch.awaitLeadership({ timeoutMs: leaderWaitMaxMs });
  } catch (error) {
    await leave(latch);
    // Not elected in time, or the session ended (which closes the latch).
    if (error instanceof LockTimeoutError || error instanceof ZooError || isClosed) return;
    throw error;
  }
  const token = latch.fencingToken;
  const signal = latch.leadershipSignal;
  if (token === null || signal === null) return leave(latch);
  const term: LockHold = {
    process: context.process,
    token,
    acquiredMs: world.nowMs,
    releasedMs: null,
  };
  context.history.leaderTerms.push(term);
  signal.addEventListener('abort', () => (term.releasedMs ??= world.nowMs), { once: true });
  const guard = await ownLeaderNode(context, token);
  const target = { resource: leaderResourcePath, into: context.history.leaderWrites };
  const writes = random.nextInt(1, 2);
  for (let i = 0; guard !== null && i < writes && latch.isLeader; i += 1) {
    await guardedWrite(context, guard, target);
    await context.sleep(random.nextInt(0, 200));
  }
  term.releasedMs ??= world.nowMs;
  await leave(latch);
}

/** Leaves the election; a node whose delete cannot get through goes with the session. */
async function leave(latch: LeaderLatch): Promise<void> {
  try {
    await latch.close();
  } catch (error) {
    if (!(error instanceof ZooError)) throw error;
  }
}

/**
 * The latch does not name its node; it is this session's child of the election whose czxid is
 * the token. Null when it cannot be found now (the term then ends without writing).
 */
async function ownLeaderNode(context: OpContext, token: bigint): Promise<GuardNode | null> {
  const { client } = context;
  try {
    for (const name of (await client.getChildren(leaderPath)).sort()) {
      const path = `${leaderPath}/${name}`;
      const stat = await client.exists(path);
      if (stat?.czxid === token && stat.ephemeralOwner === client.sessionId) return { path, token };
    }
  } catch (error) {
    if (!(error instanceof ZooError)) throw error;
  }
  return null;
}
