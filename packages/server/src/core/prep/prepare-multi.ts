// Validates a multi op by op against the state the earlier ops leave, all or nothing, with one
// zxid and one time. ZooKeeper: PrepRequestProcessor.pRequestHelper (multi branch) — on the first
// failing op the others report 0 before it and RuntimeInconsistency (−2) after it.

import type { MultiOp, MultiRequest } from '@zoo/client/protocol';
import { ErrorCode, assertNever } from '@zoo/client/protocol';
import type { TxnBody } from '../tree/txn.js';
import { multiCreateOf } from './create-mode.js';
import type { ChangeScope } from './pending-changes.js';
import { prepareCreate } from './prepare-create.js';
import { prepareCheck, prepareDelete, prepareSetData } from './prepare-update.js';
import type { PrepContext } from './prep-context.js';

export function prepareMulti(request: MultiRequest, ctx: PrepContext): TxnBody {
  // ZooKeeper reads the whole record first: a create with an unknown flag (header 1, 15 or 19)
  // makes it unreadable, and the request fails as a whole with MarshallingError.
  const ops: MultiOp[] = [];
  for (const op of request.ops) {
    if (op.type !== 'create') {
      ops.push(op);
      continue;
    }
    const create = multiCreateOf(op);
    if (create === 'malformed') return { type: 'error', err: ErrorCode.MarshallingError };
    ops.push({ ...op, ...create });
  }
  const scope = ctx.pending.scope();
  const bodies: TxnBody[] = [];
  for (const [index, op] of ops.entries()) {
    const prepared = prepareOp(op, ctx, scope);
    // MarshallingError is where ZooKeeper's prep hits a Java null (a null ACL id): that
    // exception leaves the multi loop, and the whole request becomes one error txn.
    if (prepared === ErrorCode.MarshallingError) return { type: 'error', err: prepared };
    if (typeof prepared === 'number') {
      const errs = ops.map((_, i) => {
        if (i < index) return ErrorCode.Ok;
        return i === index ? prepared : ErrorCode.RuntimeInconsistency;
      });
      return { type: 'multiError', errs };
    }
    bodies.push(prepared);
  }
  scope.commit(ctx.zxid);
  return { type: 'multi', ops: bodies };
}

function prepareOp(op: MultiOp, ctx: PrepContext, scope: ChangeScope): TxnBody | number {
  switch (op.type) {
    case 'create':
      return prepareCreate(op, ctx, scope);
    case 'delete':
      return prepareDelete(op, ctx, scope);
    case 'setData':
      return prepareSetData(op, ctx, scope);
    case 'check':
      return prepareCheck(op, ctx, scope);
    default:
      return assertNever(op, 'multi op');
  }
}
