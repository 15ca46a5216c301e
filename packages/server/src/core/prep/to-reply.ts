// The reply to a write once its txn is applied: error code and body as FinalRequestProcessor
// builds them (create variants, multi results, a failed multi answering err 0 with per-op errors).

import type { CreateRequest, MultiOp, MultiOpResult, Response, Stat } from '@zoo/client/protocol';
import { AssertionError, ErrorCode, assert } from '@zoo/client/protocol';
import type { TxnResult } from '../tree/data-tree.js';
import { multiCreateOf } from './create-mode.js';
import type { SubmittedWrite } from './prep-context.js';

export interface WriteReply {
  err: number;
  /** Null when the reply is header only (errors, and a successful delete). */
  body: Response | null;
}

export function writeReply(request: SubmittedWrite, result: TxnResult): WriteReply {
  return { err: writeReplyErr(result), body: writeReplyBody(request, result) };
}

/** The reply's error code: an error txn's, else Ok (a failed multi too: its ops say why). */
export function writeReplyErr(result: TxnResult): number {
  return result.type === 'error' ? result.err : ErrorCode.Ok;
}

/** writeReply's body alone: the request path sends err and body with no object around them. */
export function writeReplyBody(request: SubmittedWrite, result: TxnResult): Response | null {
  if (result.type === 'error') return null;
  switch (request.type) {
    case 'create':
      if (result.type !== 'create') throw mismatch(request, result);
      return createResponse(request.variant, result);
    case 'delete':
      if (result.type !== 'delete') throw mismatch(request, result);
      return null;
    case 'setData':
      if (result.type !== 'setData') throw mismatch(request, result);
      return { type: 'stat', stat: statOf(result) };
    case 'setACL':
      if (result.type !== 'setACL') throw mismatch(request, result);
      return { type: 'stat', stat: result.stat };
    case 'multi':
      return { type: 'multi', results: multiResults(request.ops, result) };
    case 'refused':
      throw new AssertionError(`a refused write answered by a ${result.type} result`);
  }
}

/** A result applied without stats answers no request that shows one: a bug if it does. */
function statOf(result: { type: string; stat: Stat | null }): Stat {
  if (result.stat === null) throw new AssertionError(`a ${result.type} result without its stat`);
  return result.stat;
}

/**
 * A write answered by a result of another kind: a bug. (Checked with an `if`, not assert with a
 * message function, which would be a closure made per write.)
 */
function mismatch(request: SubmittedWrite, result: TxnResult): AssertionError {
  return new AssertionError(`${request.type} answered by a ${result.type} result`);
}

/** ZooKeeper: op 1 answers CreateResponse{path}; 15, 19 and 21 answer
 * Create2Response{path, stat}. */
function createResponse(
  variant: CreateRequest['variant'],
  result: Extract<TxnResult, { type: 'create' }>,
): Response {
  return { type: 'create', path: result.path, stat: variant === 'create' ? null : statOf(result) };
}

/**
 * ZooKeeper: FinalRequestProcessor (multi) — one result per op; a failed multi reports
 * {type: error} for every op: 0 before the failing one, its code, then −2. A create sent as op 1
 * reports the path only, unless ZooKeeper re-read it as a container or TTL create (create-mode.ts).
 */
function multiResults(ops: readonly MultiOp[], result: TxnResult): MultiOpResult[] {
  if (result.type === 'multiError') {
    assert(result.errs.length === ops.length, 'multi error count differs from op count');
    return result.errs.map((err) => ({ type: 'error', err }));
  }
  assert(result.type === 'multi', () => `multi answered by a ${result.type} result`);
  assert(result.results.length === ops.length, 'multi result count differs from op count');
  return result.results.map((sub, index): MultiOpResult => {
    const op = ops[index];
    assert(op !== undefined, 'multi op missing');
    switch (sub.type) {
      case 'create': {
        const create = op.type === 'create' ? multiCreateOf(op) : 'malformed';
        assert(create !== 'malformed', 'multi create result for a non-create op');
        const stat = create.variant === 'create' ? null : statOf(sub);
        return { type: 'create', path: sub.path, stat };
      }
      case 'delete':
        return { type: 'delete' };
      case 'setData':
        return { type: 'setData', stat: statOf(sub) };
      case 'check':
        return { type: 'check' };
      default:
        throw new AssertionError(`unexpected multi sub-result ${sub.type}`);
    }
  });
}
