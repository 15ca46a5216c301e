// The changes every committed txn made to the tree, per path, in zxid order: what a watch can
// fire for. Rebuilt from the history's delivered txns (their fingerprints, the describeTxn line
// the ZAB checker compares), replaying only which nodes exist and who owns the ephemerals, so
// that a closeSession expands to the deletes the server's tree makes. Paths with a space, a ';'
// or a ',' cannot be told apart in that line; the workload uses none.

import type { ServerEvent } from '../history/history.js';

export type ChangeType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

export interface TreeChange {
  /** Position in the whole run's change order (zxid, then the order inside the txn). */
  seq: number;
  zxid: bigint;
  path: string;
  type: ChangeType;
}

/** Nodes that exist before any txn (ZooKeeper's own). */
function isBuiltIn(path: string): boolean {
  return path === '/' || path === '/zookeeper' || path.startsWith('/zookeeper/');
}

export function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** Whether `path` is `root` or below it. */
export function isWithin(path: string, root: string): boolean {
  if (root === '/') return true;
  return path === root || path.startsWith(`${root}/`);
}

type TxnOp =
  | { kind: 'create'; path: string; owner: bigint }
  | { kind: 'delete' | 'setData'; path: string }
  | { kind: 'closeSession'; paths: string[] };

/** Which nodes exist, by owner (0 for persistent ones), while the txns are replayed. */
interface NodeOwners {
  owners: Map<string, bigint>;
  ephemerals: Map<bigint, Set<string>>;
}

const headerPattern = /^txn (0x[0-9a-f]+) s=(-?0x[0-9a-f]+) cxid=\S+ t=\S+ (.*)$/s;
const createPattern = /^create (\S+) owner=(-?0x[0-9a-f]+)/;
const pathOpPattern = /^(delete|deleteContainer|setData) (\S+)/;

/** The ops of one fingerprint that change the tree (error, check, setACL and sessions do not). */
export function parseTxnOps(
  fingerprint: string,
): { zxid: bigint; session: bigint; ops: TxnOp[] } | null {
  const header = headerPattern.exec(fingerprint);
  if (header === null) return null;
  const [, zxidText = '', sessionText = '', body = ''] = header;
  return { zxid: BigInt(zxidText), session: hexToBigint(sessionText), ops: bodyOps(body) };
}

function hexToBigint(text: string): bigint {
  return text.startsWith('-') ? -BigInt(text.slice(1)) : BigInt(text);
}

function bodyOps(body: string): TxnOp[] {
  if (body.startsWith('multi [')) {
    const inner = body.slice('multi ['.length, body.lastIndexOf(']'));
    return inner.split('; ').flatMap((part) => bodyOps(part));
  }
  if (body.startsWith('closeSession [')) {
    const inner = body.slice('closeSession ['.length, body.indexOf(']'));
    return [{ kind: 'closeSession', paths: inner === '' ? [] : inner.split(',') }];
  }
  const create = createPattern.exec(body);
  if (create !== null) {
    return [{ kind: 'create', path: create[1] ?? '', owner: hexToBigint(create[2] ?? '0x0') }];
  }
  const pathOp = pathOpPattern.exec(body);
  if (pathOp === null) return [];
  const kind = pathOp[1] === 'setData' ? 'setData' : 'delete';
  return [{ kind, path: pathOp[2] ?? '' }];
}

/** Every path's changes, and queries on the tree at any zxid. */
export class ChangeLog {
  private readonly byPath = new Map<string, TreeChange[]>();
  private readonly subtrees = new Map<string, TreeChange[]>();
  private readonly all: TreeChange[] = [];

  /** From the txns the servers delivered: the first fingerprint seen for each zxid counts. */
  static fromServerEvents(events: readonly ServerEvent[]): ChangeLog {
    const byZxid = new Map<bigint, string>();
    for (const event of events) {
      if (event.type === 'delivered' && !byZxid.has(event.zxid)) {
        byZxid.set(event.zxid, event.fingerprint);
      }
    }
    const zxids = [...byZxid.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new ChangeLog(zxids.map((zxid) => byZxid.get(zxid) ?? ''));
  }

  /** `fingerprints` in zxid order. */
  constructor(fingerprints: readonly string[]) {
    const nodes: NodeOwners = { owners: new Map(), ephemerals: new Map() };
    for (const fingerprint of fingerprints) {
      const txn = parseTxnOps(fingerprint);
      if (txn === null) continue;
      for (const op of txn.ops) this.applyOp(txn, op, nodes);
    }
  }

  /** The changes of one path (its own, and childrenChanged for its children), in order. */
  ofPath(path: string): readonly TreeChange[] {
    return this.byPath.get(path) ?? [];
  }

  /** The changes a recursive watch on `root` sees: all but childrenChanged, at or below it. */
  ofSubtree(root: string): readonly TreeChange[] {
    let list = this.subtrees.get(root);
    if (list === undefined) {
      list = this.all.filter((c) => c.type !== 'childrenChanged' && isWithin(c.path, root));
      this.subtrees.set(root, list);
    }
    return list;
  }

  /** Whether the node exists once every txn up to `zxid` has applied. */
  existsAt(path: string, zxid: bigint): boolean {
    const last = this.lastOf(path, zxid, 'deleted');
    return last === undefined ? isBuiltIn(path) : last.type === 'created';
  }

  /** The node's mzxid at `zxid` (its last create or setData), or null if never changed. */
  mzxidAt(path: string, zxid: bigint): bigint | null {
    return this.lastOf(path, zxid, 'dataChanged')?.zxid ?? null;
  }

  /** The node's pzxid at `zxid` (its create, or a child's create or delete), or null. */
  pzxidAt(path: string, zxid: bigint): bigint | null {
    return this.lastOf(path, zxid, 'childrenChanged')?.zxid ?? null;
  }

  /** The path's last change up to `zxid` that is its create or of type `type`. */
  private lastOf(path: string, zxid: bigint, type: ChangeType): TreeChange | undefined {
    const list = this.ofPath(path);
    for (let i = firstAfter(list, zxid) - 1; i >= 0; i -= 1) {
      const change = list[i];
      if (change !== undefined && (change.type === 'created' || change.type === type)) {
        return change;
      }
    }
    return undefined;
  }

  private applyOp(txn: { zxid: bigint; session: bigint }, op: TxnOp, nodes: NodeOwners): void {
    switch (op.kind) {
      case 'create':
        nodes.owners.set(op.path, op.owner);
        if (op.owner !== 0n) {
          const owned = nodes.ephemerals.get(op.owner) ?? new Set<string>();
          nodes.ephemerals.set(op.owner, owned.add(op.path));
        }
        this.add(txn.zxid, op.path, 'created');
        this.add(txn.zxid, parentOf(op.path), 'childrenChanged');
        return;
      case 'delete':
        this.delete(txn.zxid, op.path, nodes);
        return;
      case 'setData':
        this.add(txn.zxid, op.path, 'dataChanged');
        return;
      case 'closeSession': {
        // As the tree's killSession: the listed paths still there, then any other ephemeral of
        // the session, in path order.
        for (const path of op.paths) if (nodes.owners.has(path)) this.delete(txn.zxid, path, nodes);
        const leftover = [...(nodes.ephemerals.get(txn.session) ?? [])].sort();
        for (const path of leftover) this.delete(txn.zxid, path, nodes);
        return;
      }
    }
  }

  private delete(zxid: bigint, path: string, nodes: NodeOwners): void {
    const owner = nodes.owners.get(path);
    nodes.owners.delete(path);
    if (owner !== undefined) nodes.ephemerals.get(owner)?.delete(path);
    this.add(zxid, path, 'deleted');
    this.add(zxid, parentOf(path), 'childrenChanged');
  }

  private add(zxid: bigint, path: string, type: ChangeType): void {
    const change: TreeChange = { seq: this.all.length, zxid, path, type };
    this.all.push(change);
    let list = this.byPath.get(path);
    if (list === undefined) {
      list = [];
      this.byPath.set(path, list);
    }
    list.push(change);
  }
}

/** Index of the first change with a zxid above `zxid` (lists are in zxid order). */
export function firstAfter(list: readonly TreeChange[], zxid: bigint): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid]?.zxid ?? 0n) <= zxid) low = mid + 1;
    else high = mid;
  }
  return low;
}
