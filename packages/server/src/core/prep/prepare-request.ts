// Turns a client write into a Txn, as ZooKeeper's PrepRequestProcessor: validate against the tree
// plus pending changes, assign every decision, record the changes as pending. A failed write
// still becomes a Txn (body 'error' or 'multiError') and takes its zxid.

import { assert, assertNever } from '@zoo/client/protocol';
import type { Txn, TxnBody } from '../tree/txn.js';
import type { ChangeScope } from './pending-changes.js';
import { prepareCreate } from './prepare-create.js';
import { prepareMulti } from './prepare-multi.js';
import { prepareDelete, prepareSetAcl, prepareSetData } from './prepare-update.js';
import type { PrepContext, SubmittedWrite } from './prep-context.js';

export type {
  Identity,
  PrepContext,
  PrepOptions,
  RefusedWrite,
  SubmittedWrite,
  TxnContext,
  WriteRequest,
} from './prep-context.js';
export {
  prepareCloseSession,
  prepareCreateSession,
  prepareDeleteContainer,
  type ReaperOptions,
} from './prepare-session.js';

/** The txn of one client write: its effects, or the error it answers. */
export function prepareWrite(request: SubmittedWrite, ctx: PrepContext): Txn {
  assert(ctx.pending.tree === ctx.tree, 'prep context: pending changes are over another tree');
  // Checked before a message is built: a closure per write would be garbage per write.
  if (ctx.zxid <= ctx.tree.lastZxid) assert(false, `prep zxid ${ctx.zxid} not above applied`);
  if (!Number.isSafeInteger(ctx.timeMs)) assert(false, `prep time ${ctx.timeMs} not an integer`);
  const body = prepareBody(request, ctx);
  return { zxid: ctx.zxid, timeMs: ctx.timeMs, sessionId: ctx.sessionId, cxid: ctx.cxid, body };
}

function prepareBody(request: SubmittedWrite, ctx: PrepContext): TxnBody {
  if (request.type === 'refused') return { type: 'error', err: request.err };
  return request.type === 'multi' ? prepareMulti(request, ctx) : prepareSingle(request, ctx);
}

type SingleWriteRequest = Exclude<SubmittedWrite, { type: 'multi' | 'refused' }>;

function prepareSingle(request: SingleWriteRequest, ctx: PrepContext): TxnBody {
  const scope = ctx.pending.scope();
  const prepared = prepareOne(request, ctx, scope);
  if (typeof prepared === 'number') return { type: 'error', err: prepared };
  scope.commit(ctx.zxid);
  return prepared;
}

function prepareOne(
  request: SingleWriteRequest,
  ctx: PrepContext,
  scope: ChangeScope,
): TxnBody | number {
  switch (request.type) {
    case 'create':
      return prepareCreate(request, ctx, scope);
    case 'delete':
      return prepareDelete(request, ctx, scope);
    case 'setData':
      return prepareSetData(request, ctx, scope);
    case 'setACL':
      return prepareSetAcl(request, ctx, scope);
    default:
      return assertNever(request, 'write request');
  }
}
