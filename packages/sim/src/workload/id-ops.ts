// IDs from the real generator recipes: SequentialIdGenerator (a new generator per ID: it keeps
// no state) and the session's SegmentIdGenerator, each grant recorded for the recipe checker.

import { ZooError } from '@zoo/client';
import {
  CounterOutcomeUnknownError,
  IdSpaceExhaustedError,
  RetriesExhaustedError,
  SequentialIdGenerator,
} from '@zoo/client/recipes';
import type { IdGrant } from '../history/history.js';
import { codeOf } from './outcome.js';
import type { OpContext } from './op-context.js';
import { idsPath } from './op-context.js';

export function grantSequentialId(context: OpContext): Promise<void> {
  const generator = new SequentialIdGenerator(context.client, idsPath, { env: context.env });
  return grant(context, 'sequential', () => generator.next());
}

export function grantSegmentId(context: OpContext): Promise<void> {
  const { generator } = context.segmentIds;
  return grant(context, 'segment', () => generator.next());
}

async function grant(
  context: OpContext,
  kind: IdGrant['kind'],
  next: () => Promise<bigint>,
): Promise<void> {
  const { world } = context;
  const record: IdGrant = {
    kind,
    process: context.process,
    generator: context.segmentIds.name,
    invokeMs: world.nowMs,
    outcome: { type: 'unknown', reason: 'in flight when the run ended' },
  };
  context.history.idGrants.push(record);
  try {
    record.outcome = { type: 'ok', value: await next(), completeMs: world.nowMs };
  } catch (error) {
    if (!isGeneratorFailure(error)) throw error;
    // No ID was handed out; the checker judges only the IDs that were.
    record.outcome = { type: 'fail', code: codeOf(error) ?? -1, completeMs: world.nowMs };
  }
}

/** The failures the generators document; anything else is a bug and fails the run. */
function isGeneratorFailure(error: unknown): boolean {
  return (
    error instanceof ZooError ||
    error instanceof RetriesExhaustedError ||
    error instanceof CounterOutcomeUnknownError ||
    error instanceof IdSpaceExhaustedError
  );
}
