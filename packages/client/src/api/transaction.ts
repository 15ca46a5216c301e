// multi: the transaction builder, the ops it collects, and the per-op results. A failed
// transaction rejects with TransactionError, which carries every op's result.

import { ErrorCode, ZooError, assert } from '../protocol/index.js';
import type { MultiOp, MultiOpResult, Response, Stat } from '../protocol/index.js';
import { createRequestOf, toData } from './create-request.js';
import type { CreateOptions, ZnodeData } from './create-request.js';

export type TransactionOp =
  | { type: 'create'; path: string; data?: ZnodeData; options?: CreateOptions }
  | { type: 'delete'; path: string; version?: number }
  | { type: 'setData'; path: string; data: ZnodeData; version?: number }
  | { type: 'check'; path: string; version: number };

export type TransactionResult =
  | { type: 'create'; path: string; stat: Stat | null }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat }
  | { type: 'check' };

/** Per-op outcome of a failed transaction: 0 for ops before the failure, −2 after it. */
export type TransactionOpOutcome = TransactionResult | { type: 'error'; code: number };

/**
 * The first failing op's code and path, with every op's outcome. ZooKeeper:
 * ZooKeeper.multiInternal throws the first non-zero ErrorResult with the results attached.
 */
export class TransactionError extends ZooError {
  readonly results: TransactionOpOutcome[];
  readonly failedIndex: number;

  constructor(options: {
    code: number;
    path: string;
    results: TransactionOpOutcome[];
    index: number;
  }) {
    super(options.code, options.path);
    this.results = options.results;
    this.failedIndex = options.index;
  }
}

export function multiOpOf(op: TransactionOp): MultiOp {
  switch (op.type) {
    case 'create':
      return createRequestOf({ path: op.path, data: op.data, create: op.options, withStat: false });
    case 'delete':
      return { type: 'delete', path: op.path, version: op.version ?? -1 };
    case 'setData':
      return { type: 'setData', path: op.path, data: toData(op.data), version: op.version ?? -1 };
    case 'check':
      return { type: 'check', path: op.path, version: op.version };
  }
}

/** The results of a committed transaction, or TransactionError for a failed one. */
export function transactionResultsOf(
  ops: readonly TransactionOp[],
  response: Response,
): TransactionResult[] {
  assert(response.type === 'multi', () => `multi answered with ${response.type}`);
  const outcomes = response.results.map(outcomeOf);
  const failed = outcomes.findIndex((o) => o.type === 'error' && o.code !== ErrorCode.Ok);
  if (failed >= 0) {
    const failure = outcomes[failed];
    const code = failure?.type === 'error' ? failure.code : ErrorCode.SystemError;
    const path = ops[failed]?.path ?? '';
    throw new TransactionError({ code, path, results: outcomes, index: failed });
  }
  return outcomes.filter((o): o is TransactionResult => o.type !== 'error');
}

function outcomeOf(result: MultiOpResult): TransactionOpOutcome {
  switch (result.type) {
    case 'create':
      return { type: 'create', path: result.path, stat: result.stat };
    case 'delete':
    case 'check':
      return { type: result.type };
    case 'setData':
      return { type: 'setData', stat: result.stat };
    case 'error':
      return { type: 'error', code: result.err };
    case 'getData':
    case 'getChildren':
      return { type: 'error', code: ErrorCode.MarshallingError };
  }
}

/** Collects ops for one atomic multi; commit() sends them. */
export class Transaction {
  private readonly ops: TransactionOp[] = [];
  private readonly commitOps: (ops: TransactionOp[]) => Promise<TransactionResult[]>;

  constructor(commit: (ops: TransactionOp[]) => Promise<TransactionResult[]>) {
    this.commitOps = commit;
  }

  create(path: string, data?: ZnodeData, options?: CreateOptions): this {
    this.ops.push({
      type: 'create',
      path,
      ...(data === undefined ? {} : { data }),
      ...(options === undefined ? {} : { options }),
    });
    return this;
  }

  delete(path: string, version = -1): this {
    this.ops.push({ type: 'delete', path, version });
    return this;
  }

  setData(path: string, data: ZnodeData, version = -1): this {
    this.ops.push({ type: 'setData', path, data, version });
    return this;
  }

  check(path: string, version: number): this {
    this.ops.push({ type: 'check', path, version });
    return this;
  }

  commit(): Promise<TransactionResult[]> {
    return this.commitOps([...this.ops]);
  }
}
