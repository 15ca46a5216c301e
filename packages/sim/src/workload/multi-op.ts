// A multi over two of the shared registers: creates, conditional sets and deletes and version
// checks, all or nothing. The history records one op per sub-op (same interval, same outcome
// kind) so the per-key checkers judge each register; ZAB's checkers see the one txn it is.

import { TransactionError } from '@zoo/client';
import type { TransactionOp, TransactionResult } from '@zoo/client';
import type { Outcome, ZnodeCall, ZnodeOp, ZnodeOpValue } from '../history/history.js';
import { codeOf, isDefinite } from './outcome.js';
import type { OpContext } from './op-context.js';
import { registerKeys, sessionIdOf } from './op-context.js';
import type { SeenVersions } from './seen-versions.js';
import { written } from './seen-versions.js';

/** ZooKeeper's per-op code for the ops of a failed multi that did not cause the failure. */
const runtimeInconsistency = -2;

export async function multiOp(context: OpContext, seen: SeenVersions): Promise<void> {
  const { client, world, random } = context;
  const first = random.nextInt(0, registerKeys.length - 1);
  const second = (first + random.nextInt(1, registerKeys.length - 1)) % registerKeys.length;
  const calls = [first, second].map((index) => subCall(context, seen, registerKeys[index] ?? ''));
  const invokeMs = world.nowMs;
  const ops: ZnodeOp[] = calls.map((call) => ({
    id: context.nextOpId(),
    process: context.process,
    sessionId: sessionIdOf(client),
    invokeMs,
    call,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  }));
  context.history.znodeOps.push(...ops);
  try {
    const results = await client.multi(calls.map(transactionOpOf));
    ops.forEach((op, i) => {
      op.outcome = { type: 'ok', value: valueOf(results[i]), completeMs: world.nowMs };
      if (op.outcome.value.version !== undefined) seen.set(op.call.path, op.outcome.value.version);
    });
  } catch (error) {
    ops.forEach((op, i) => (op.outcome = failedOutcome(error, i, world.nowMs)));
  }
}

function subCall(context: OpContext, seen: SeenVersions, path: string): ZnodeCall {
  const { random } = context;
  const expectedVersion = random.chance(0.2) ? -1 : (seen.get(path) ?? 0);
  const roll = random.nextFloat();
  if (roll < 0.25) return { kind: 'create', path, data: context.uniqueData() };
  if (roll < 0.65) return { kind: 'set', path, data: context.uniqueData(), expectedVersion };
  if (roll < 0.8) return { kind: 'delete', path, expectedVersion };
  return { kind: 'check', path, expectedVersion };
}

function transactionOpOf(call: ZnodeCall): TransactionOp {
  switch (call.kind) {
    case 'create':
      return { type: 'create', path: call.path, data: call.data };
    case 'set':
      return { type: 'setData', path: call.path, data: call.data, version: call.expectedVersion };
    case 'delete':
      return { type: 'delete', path: call.path, version: call.expectedVersion };
    case 'check':
      return { type: 'check', path: call.path, version: call.expectedVersion };
    case 'read':
    case 'syncRead':
      throw new Error(`${call.kind} is not a multi op`);
  }
}

function valueOf(result: TransactionResult | undefined): ZnodeOpValue {
  if (result?.type === 'setData') return written(result.stat);
  if (result?.type === 'create') return { version: 0 };
  if (result?.type === 'delete') return { mzxid: null };
  return {};
}

/**
 * A failed multi did nothing. The op that failed carries its own code (the state decides it);
 * every other op gets ZooKeeper's RuntimeInconsistency, which the model takes as a no-op.
 */
function failedOutcome(error: unknown, index: number, completeMs: number): Outcome<ZnodeOpValue> {
  if (!isDefinite(error) || !(error instanceof TransactionError)) {
    if (isDefinite(error) || codeOf(error) === null) throw error;
    return { type: 'unknown', reason: String(error) };
  }
  const code = index === error.failedIndex ? error.code : runtimeInconsistency;
  return { type: 'fail', code, completeMs };
}
