// Validates a Txn and snapshot nodes decoded from a peer's (or a file's) bytes: every field typed
// and in range, paths well formed, owners of a known kind, a snapshot file's nodes parents first:
// a txn's shape never trips a DataTree assertion (whether it fits is the leader's to get right).

import type { Acl } from '@zoo/client/protocol';
import { AssertionError, validatePath } from '@zoo/client/protocol';
import { parentOf } from '../core/tree/path.js';
import { ephemeralKindOf, type EphemeralKind } from '../core/tree/ephemeral-type.js';
import type { SnapshotNode, SnapshotSession } from '../core/tree/tree-snapshot.js';
import type { Txn, TxnBody } from '../core/tree/txn.js';
import { WireObject, decodeFail, int32Of, stringOf } from './wire-object.js';

export function readTxn(value: unknown, where: string): Txn {
  const o = WireObject.of(value, where);
  return {
    zxid: o.int64('zxid'),
    timeMs: o.safeInteger('timeMs'),
    sessionId: o.int64('sessionId'),
    cxid: o.int32('cxid'),
    body: readTxnBody(o.get('body'), o.at('body'), false),
  };
}

type BodyReaders = { [K in TxnBody['type']]: (o: WireObject) => Extract<TxnBody, { type: K }> };

// A table, so a body type added to TxnBody without a reader here is a compile error.
const bodyReaders: BodyReaders = {
  create: (o) => ({
    type: 'create',
    path: pathOf(o, 'path'),
    data: o.bytesOrNull('data'),
    acl: readAcls(o, 'acl'),
    ephemeralOwner: ownerOf(o, 'ephemeralOwner'),
    parentCVersion: o.int32('parentCVersion'),
  }),
  delete: (o) => ({ type: 'delete', path: pathOf(o, 'path') }),
  setData: (o) => ({
    type: 'setData',
    path: pathOf(o, 'path'),
    data: o.bytesOrNull('data'),
    version: o.int32('version'),
  }),
  setACL: (o) => ({
    type: 'setACL',
    path: pathOf(o, 'path'),
    acl: readAcls(o, 'acl'),
    version: o.int32('version'),
  }),
  check: (o) => ({ type: 'check', path: pathOf(o, 'path'), version: o.int32('version') }),
  multi: (o) => ({ type: 'multi', ops: o.list('ops', (op, at) => readTxnBody(op, at, true)) }),
  error: (o) => ({ type: 'error', err: o.int32('err') }),
  multiError: (o) => ({ type: 'multiError', errs: o.list('errs', int32Of) }),
  createSession: (o) => ({ type: 'createSession', timeoutMs: o.int32('timeoutMs') }),
  closeSession: (o) => ({
    type: 'closeSession',
    ephemeralPaths: o.list('ephemeralPaths', validPathOf),
  }),
  deleteContainer: (o) => ({ type: 'deleteContainer', path: pathOf(o, 'path') }),
};

/** What DataTree.apply accepts inside a multi. */
const multiSubTypes: ReadonlySet<string> = new Set(['create', 'delete', 'setData', 'check']);

function isBodyType(type: string): type is TxnBody['type'] {
  return Object.hasOwn(bodyReaders, type);
}

/** Every txn body type the codec reads (for coverage tests). */
export const txnBodyTypes: readonly TxnBody['type'][] = Object.keys(bodyReaders).filter(isBodyType);

function readTxnBody(value: unknown, where: string, isInMulti: boolean): TxnBody {
  const o = WireObject.of(value, where);
  const type = o.string('type');
  if (!isBodyType(type)) {
    return decodeFail(o.at('type'), `unknown txn body type ${JSON.stringify(type)}`);
  }
  if (isInMulti && !multiSubTypes.has(type)) {
    return decodeFail(o.at('type'), `${type} cannot be part of a multi`);
  }
  return bodyReaders[type](o);
}

export function readAcls(o: WireObject, key: string): Acl[] {
  return o.list(key, (value, where) => {
    const acl = WireObject.of(value, where);
    const id = acl.object('id');
    return { perms: acl.int32('perms'), id: { scheme: id.string('scheme'), id: id.string('id') } };
  });
}

export function validPathOf(value: unknown, where: string): string {
  const path = stringOf(value, where);
  if (!validatePath(path)) decodeFail(where, `invalid path ${JSON.stringify(path.slice(0, 80))}`);
  return path;
}

function pathOf(o: WireObject, key: string): string {
  return validPathOf(o.get(key), o.at(key));
}

/** A raw owner the tree can classify; ephemeralKindOf asserts on an unknown extended type. */
function ownerOf(o: WireObject, key: string): bigint {
  return checkedOwner(o.int64(key), o.at(key));
}

/** `owner`, if the tree can classify it; a DecodeError naming `where` if not. */
export function checkedOwner(owner: bigint, where: string): bigint {
  kindOfOwner(owner, where);
  return owner;
}

export function readSnapshotSessions(value: unknown, where: string): SnapshotSession[] {
  return WireObject.of({ sessions: value }, where).list('sessions', (item, at) => {
    const session = WireObject.of(item, at);
    return { sessionId: session.int64('sessionId'), timeoutMs: session.int32('timeoutMs') };
  });
}

/**
 * What a tree can load, however the nodes were decoded: valid paths, root first, every other
 * node after its parent, no duplicates, no child of an ephemeral, known owner types, no zxid
 * above the snapshot's, times that are integers. Throws a DecodeError naming the node.
 */
export function checkSnapshotNodes(
  nodes: readonly SnapshotNode[],
  zxid: bigint,
  where: string,
): void {
  const kinds = new Map<string, EphemeralKind>();
  for (const [index, node] of nodes.entries()) {
    const at = `${where}[${index}]`;
    const path = validPathOf(node.path, `${at}.path`);
    if (kinds.has(path)) decodeFail(at, `${path} listed twice`);
    if (path === '/' ? kinds.size !== 0 : kinds.size === 0) decodeFail(at, 'root must be first');
    if (path !== '/') {
      const parentKind = kinds.get(parentOf(path));
      if (parentKind === undefined) decodeFail(at, `${path} comes before its parent`);
      if (parentKind === 'ephemeral') decodeFail(at, `${path} is under an ephemeral`);
    }
    if (node.czxid > zxid || node.mzxid > zxid || node.pzxid > zxid) {
      decodeFail(at, `${path} has a zxid above the snapshot's 0x${zxid.toString(16)}`);
    }
    if (!Number.isSafeInteger(node.ctime) || !Number.isSafeInteger(node.mtime)) {
      decodeFail(at, `${path} has a time that is not an integer`);
    }
    kinds.set(path, kindOfOwner(node.ephemeralOwner, at));
  }
  if (nodes.length === 0) decodeFail(where, 'no root');
}

function kindOfOwner(owner: bigint, where: string): EphemeralKind {
  try {
    return ephemeralKindOf(owner);
  } catch (error) {
    if (error instanceof AssertionError) return decodeFail(where, error.message);
    throw error;
  }
}

/**
 * One node of a snapshot, its fields checked (a snapshot file's nodes, checkSnapshotNodes checks
 * as a whole; a SNAP's, the learner's tree as it links them).
 */
export function readSnapshotNode(o: WireObject): SnapshotNode {
  return {
    path: pathOf(o, 'path'),
    data: o.bytesOrNull('data'),
    acl: readAcls(o, 'acl'),
    czxid: o.int64('czxid'),
    mzxid: o.int64('mzxid'),
    pzxid: o.int64('pzxid'),
    ctime: o.safeInteger('ctime'),
    mtime: o.safeInteger('mtime'),
    version: o.int32('version'),
    childCreates: o.int32('childCreates'),
    aversion: o.int32('aversion'),
    ephemeralOwner: ownerOf(o, 'ephemeralOwner'),
  };
}
