// A transaction: every decision a write makes (zxid, time, sequential name, owner, new versions),
// produced by prep/ on the leader and applied unchanged by DataTree.apply on every replica.
// ZooKeeper: TxnHeader + CreateTxn, DeleteTxn, SetDataTxn, SetACLTxn, CheckVersionTxn, MultiTxn,
// ErrorTxn, CreateSessionTxn and CloseSessionTxn.

import type { Acl } from '@zoo/client/protocol';

export interface Txn {
  zxid: bigint;
  /** Wall-clock time the leader stamped on the txn (ms since the epoch); followers copy it. */
  timeMs: number;
  sessionId: bigint;
  cxid: number;
  body: TxnBody;
}

/** A create as the tree applies it (also a sub-op of a multi). */
export interface CreateTxnBody {
  type: 'create';
  path: string;
  data: Buffer | null;
  acl: readonly Acl[];
  /** Raw owner: a session id, the container marker or the TTL marker | ttl (ephemeral-type.ts). */
  ephemeralOwner: bigint;
  /** The parent's childCreates after this create (ZooKeeper: CreateTxn.parentCVersion). */
  parentCVersion: number;
}
export interface DeleteTxnBody {
  type: 'delete';
  path: string;
}
/** `version` is the node's new data version (ZooKeeper: SetDataTxn.version). */
export interface SetDataTxnBody {
  type: 'setData';
  path: string;
  data: Buffer | null;
  version: number;
}
/** `version` is the node's new aversion (ZooKeeper: SetACLTxn.version). */
export interface SetAclTxnBody {
  type: 'setACL';
  path: string;
  acl: readonly Acl[];
  version: number;
}
/** ZooKeeper: CheckVersionTxn — `version` is the checked version + 1, as ZooKeeper records it. */
export interface CheckTxnBody {
  type: 'check';
  path: string;
  version: number;
}

export type MultiSubTxnBody = CreateTxnBody | DeleteTxnBody | SetDataTxnBody | CheckTxnBody;

export type TxnBody =
  | CreateTxnBody
  | DeleteTxnBody
  | SetDataTxnBody
  | SetAclTxnBody
  | CheckTxnBody
  /** A multi whose every op succeeded; applied atomically with one zxid and one time. */
  | { type: 'multi'; ops: TxnBody[] }
  /** A failed single write: applies nothing but still consumes its zxid. */
  | { type: 'error'; err: number }
  /** A failed multi: per-op codes 0 … code … −2 (RuntimeInconsistency); applies nothing. */
  | { type: 'multiError'; errs: number[] }
  /** Session id = Txn.sessionId. */
  | { type: 'createSession'; timeoutMs: number }
  /** Session id = Txn.sessionId; every ephemeral to delete, decided at prep time. */
  | { type: 'closeSession'; ephemeralPaths: string[] }
  /** Issued by the reaper for empty containers and expired TTL nodes; applied as a delete. */
  | { type: 'deleteContainer'; path: string };

export type TxnBodyType = TxnBody['type'];

/** One line, for logs, test transcripts and simulator traces. */
export function describeTxn(t: Txn): string {
  const header = `txn ${hex(t.zxid)} s=${hex(t.sessionId)} cxid=${t.cxid} t=${t.timeMs}`;
  return `${header} ${describeBody(t.body)}`;
}

function describeBody(body: TxnBody): string {
  switch (body.type) {
    case 'create':
      return (
        `create ${body.path} owner=${hex(body.ephemeralOwner)} pcv=${body.parentCVersion}` +
        ` ${describeData(body.data)} acl=${describeAcl(body.acl)}`
      );
    case 'delete':
    case 'deleteContainer':
      return `${body.type} ${body.path}`;
    case 'setData':
      return `setData ${body.path} v=${body.version} ${describeData(body.data)}`;
    case 'setACL':
      return `setACL ${body.path} av=${body.version} acl=${describeAcl(body.acl)}`;
    case 'check':
      return `check ${body.path} v=${body.version}`;
    case 'multi':
      return `multi [${body.ops.map(describeBody).join('; ')}]`;
    case 'error':
      return `error ${body.err}`;
    case 'multiError':
      return `multiError [${body.errs.join(',')}]`;
    case 'createSession':
      return `createSession timeout=${body.timeoutMs}`;
    case 'closeSession':
      return `closeSession [${body.ephemeralPaths.join(',')}]`;
  }
}

function describeData(data: Buffer | null): string {
  return data === null ? 'data=null' : `data=${data.length}B`;
}

function describeAcl(acl: readonly Acl[]): string {
  return acl.map((a) => `${a.perms}:${a.id.scheme}:${a.id.id}`).join(',');
}

function hex(n: bigint): string {
  return n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}
