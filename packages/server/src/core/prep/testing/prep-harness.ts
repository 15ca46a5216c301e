// A small driver for the tree, prep and reads in tests: builds requests, stamps zxids and times,
// and runs prepare → apply → applied → reply the way the commit pipeline does.

import type {
  Acl,
  CreateRequest,
  CreateVariant,
  MultiOp,
  RequestAcl,
  Stat,
} from '@zoo/client/protocol';
import { OPEN_ACL_UNSAFE } from '@zoo/client/protocol';
import type { Identity } from '../../acl/identity.js';
import { executeRead, type ReadOutcome, type ReadRequest } from '../../reads/execute-read.js';
import { DataTree, type TreeEvent, type TxnResult } from '../../tree/data-tree.js';
import type { Txn } from '../../tree/txn.js';
import { PendingChanges } from '../pending-changes.js';
import type { PrepContext, PrepOptions, WriteRequest } from '../prep-context.js';
import { prepareWrite } from '../prepare-request.js';
import { writeReply, type WriteReply } from '../to-reply.js';

export interface CreateOptions {
  data?: Buffer | null;
  acl?: RequestAcl[];
  flags?: number;
  variant?: CreateVariant;
  ttl?: bigint;
}

export function createRequest(path: string, options: CreateOptions = {}): CreateRequest {
  return {
    type: 'create',
    variant: options.variant ?? 'create2',
    path,
    data: options.data === undefined ? Buffer.from('x') : options.data,
    acl: options.acl ?? [...OPEN_ACL_UNSAFE],
    flags: options.flags ?? 0,
    ttl: options.ttl ?? -1n,
  };
}

export const req = {
  create: createRequest,
  delete: (path: string, version = -1): WriteRequest => ({ type: 'delete', path, version }),
  setData: (path: string, data: Buffer | null = Buffer.from('y'), version = -1): WriteRequest => ({
    type: 'setData',
    path,
    data,
    version,
  }),
  setAcl: (path: string, acl: Acl[], version = -1): WriteRequest => ({
    type: 'setACL',
    path,
    acl,
    version,
  }),
  check: (path: string, version: number): MultiOp => ({ type: 'check', path, version }),
  multi: (ops: MultiOp[]): WriteRequest => ({ type: 'multi', ops }),
} as const;

export interface WriteOutcome {
  txn: Txn;
  result: TxnResult;
  events: TreeEvent[];
  reply: WriteReply;
}

export interface ContextOverrides {
  sessionId?: bigint;
  identities?: readonly Identity[];
  options?: Partial<PrepOptions>;
  checkSession?: (isEphemeralCreate: boolean) => number;
  timeMs?: number;
}

export class PrepHarness {
  readonly tree = new DataTree();
  readonly pending = new PendingChanges(this.tree);
  zxid = 0n;
  timeMs = 1_000_000;
  sessionId = 0x100n;
  identities: readonly Identity[] = [{ scheme: 'ip', id: '127.0.0.1' }];
  options: PrepOptions = { extendedTypesEnabled: true, skipAcl: false, packetBytesMax: 0xfffff };

  /** The context of the next txn (the zxid after the last one handed out). */
  context(overrides: ContextOverrides = {}): PrepContext {
    const ctx: PrepContext = {
      tree: this.tree,
      pending: this.pending,
      zxid: this.zxid + 1n,
      timeMs: overrides.timeMs ?? this.timeMs,
      cxid: 7,
      sessionId: overrides.sessionId ?? this.sessionId,
      identities: overrides.identities ?? this.identities,
      options: { ...this.options, ...overrides.options },
    };
    if (overrides.checkSession !== undefined) ctx.checkSession = overrides.checkSession;
    return ctx;
  }

  /** Prepares without applying (the txn stays pending). */
  prepare(request: WriteRequest, overrides: ContextOverrides = {}): Txn {
    const txn = prepareWrite(request, this.context(overrides));
    this.zxid = txn.zxid;
    return txn;
  }

  /** Applies a prepared txn and drops its pending records, as the commit pipeline does. */
  apply(txn: Txn): { result: TxnResult; events: TreeEvent[] } {
    const applied = this.tree.apply(txn);
    this.pending.applied(txn.zxid);
    return applied;
  }

  /** Prepare, apply and build the reply. */
  write(request: WriteRequest, overrides: ContextOverrides = {}): WriteOutcome {
    const txn = this.prepare(request, overrides);
    const { result, events } = this.apply(txn);
    return { txn, result, events, reply: writeReply(request, result) };
  }

  /** The error code a write answers with (0 on success; a failed multi's first non-zero code). */
  errorOf(request: WriteRequest, overrides: ContextOverrides = {}): number {
    const { reply } = this.write(request, overrides);
    if (reply.err !== 0 || reply.body?.type !== 'multi') return reply.err;
    for (const result of reply.body.results) {
      if (result.type === 'error' && result.err !== 0) return result.err;
    }
    return 0;
  }

  read(request: ReadRequest, overrides: ContextOverrides = {}): ReadOutcome {
    return executeRead(request, {
      tree: this.tree,
      sessionId: overrides.sessionId ?? this.sessionId,
      identities: overrides.identities ?? this.identities,
      skipAcl: overrides.options?.skipAcl ?? this.options.skipAcl,
    });
  }

  /** Creates each path (persistent, data 'x') and fails the test run if one does not succeed. */
  mkdirs(...paths: string[]): void {
    for (const path of paths) {
      const err = this.errorOf(createRequest(path));
      if (err !== 0) throw new Error(`setup create ${path} failed with ${err}`);
    }
  }

  stat(path: string): Stat {
    const node = this.tree.getNode(path);
    if (node === undefined) throw new Error(`no node ${path}`);
    return this.tree.statOf(node);
  }
}
