// Register operations on a handful of shared znodes: creates, conditional sets and deletes,
// plain reads and sync-then-reads, each recorded with its outcome for the linearizability and
// session checkers. Versions come from what this client last saw, so many sets race and fail.

import type { Stat } from '@zoo/client';
import type { ZnodeCall, ZnodeOp, ZnodeOpValue } from '../history/history.js';
import { outcomeOf } from './outcome.js';
import { multiOp } from './multi-op.js';
import type { OpContext } from './op-context.js';
import { registerKeys, sessionIdOf } from './op-context.js';
import type { SeenVersions } from './seen-versions.js';
import { written } from './seen-versions.js';

/**
 * One register op. `isPipelined`: it is one of a burst sent without waiting (burst-ops.ts), so a
 * sync-then-read sends its read right behind its sync, as one pair in the session's order.
 */
export async function registerOp(
  context: OpContext,
  seen: SeenVersions,
  isPipelined = false,
): Promise<void> {
  const { random } = context;
  const path = registerKeys[random.nextInt(0, registerKeys.length - 1)] ?? '/reg/k0';
  const roll = random.nextFloat();
  if (roll < 0.1) return multiOp(context, seen);
  const guess = (): number => (random.chance(0.2) ? -1 : (seen.get(path) ?? 0));
  let call: ZnodeCall;
  if (roll < 0.22) call = { kind: 'create', path, data: context.uniqueData() };
  else if (roll < 0.5) {
    call = { kind: 'set', path, data: context.uniqueData(), expectedVersion: guess() };
  } else if (roll < 0.6) call = { kind: 'delete', path, expectedVersion: guess() };
  else if (roll < 0.8) call = { kind: 'read', path };
  else call = { kind: 'syncRead', path };
  await runZnodeCall(context, call, seen, isPipelined);
}

/** Issues `call` (its request leaves before this returns) and records it; resolves to the op. */
export async function runZnodeCall(
  context: OpContext,
  call: ZnodeCall,
  seen: SeenVersions,
  isPipelined: boolean,
): Promise<ZnodeOp> {
  const { client, world } = context;
  const op: ZnodeOp = {
    id: context.nextOpId(),
    process: context.process,
    sessionId: sessionIdOf(client),
    invokeMs: world.nowMs,
    call,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  };
  context.history.znodeOps.push(op);
  op.outcome = await outcomeOf(world, async (): Promise<ZnodeOpValue> => {
    switch (call.kind) {
      case 'create': {
        const { stat } = await client.createWithStat(call.path, call.data);
        return written(stat);
      }
      case 'set':
        return written(await client.setData(call.path, call.data, call.expectedVersion));
      case 'delete':
        await client.delete(call.path, call.expectedVersion);
        return { mzxid: null };
      case 'read':
        return read(await client.getData(call.path));
      case 'syncRead':
        // FIFO order makes the read follow the sync whether or not it waits for its reply.
        if (isPipelined) {
          const [, result] = await Promise.all([client.sync(call.path), client.getData(call.path)]);
          return read(result);
        }
        await client.sync(call.path);
        return read(await client.getData(call.path));
      case 'check':
        return {}; // Only ever a sub-op of a multi (multi-op.ts).
    }
  });
  const outcome = op.outcome;
  if (outcome.type === 'ok' && outcome.value.version !== undefined) {
    seen.set(call.path, outcome.value.version);
  } else if (outcome.type === 'ok' && outcome.value.state !== undefined) {
    seen.set(call.path, outcome.value.state?.version ?? 0);
  }
  return op;
}

function read(result: { data: Buffer | null; stat: Stat }): ZnodeOpValue {
  const data = result.data === null ? '' : result.data.toString('utf8');
  return { state: { data, version: result.stat.version }, mzxid: result.stat.mzxid };
}
