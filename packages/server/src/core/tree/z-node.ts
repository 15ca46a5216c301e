// One znode as the DataTree stores it, and how its Stat is shown to clients.
// ZooKeeper: DataNode + StatPersisted; `childCreates` is StatPersisted.cversion (creates only).

import type { Acl, Stat } from '@zoo/client/protocol';
import { visibleEphemeralOwner } from './ephemeral-type.js';

/** Read-only view of a stored znode. Never mutate what DataTree hands out. */
export interface ZNode {
  readonly data: Buffer | null;
  /** Interned: many nodes share one array. */
  readonly acl: readonly Acl[];
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly ctimeMs: number;
  readonly mtimeMs: number;
  readonly version: number;
  /** Children ever created under this node (int32); deletes do not lower it. */
  readonly childCreates: number;
  readonly aversion: number;
  /** Raw owner (session id, container or TTL marker); see ephemeral-type.ts. */
  readonly ephemeralOwner: bigint;
  readonly pzxid: bigint;
  /** Child names, in insertion order (ZooKeeper's order is unspecified). */
  readonly children: ReadonlySet<string>;
  readonly numChildren: number;
}

export interface ZNodeInit {
  data: Buffer | null;
  acl: readonly Acl[];
  zxid: bigint;
  timeMs: number;
  ephemeralOwner: bigint;
}

/** One shared zero: an owner decoded from a peer message is a fresh BigInt each time. */
const noOwner = 0n;

/** The tree's own, mutable node. ZooKeeper: DataTree.createStat fills a new node the same way. */
export class MutableZNode implements ZNode {
  data: Buffer | null;
  acl: readonly Acl[];
  czxid: bigint;
  mzxid: bigint;
  ctimeMs: number;
  mtimeMs: number;
  version = 0;
  childCreates = 0;
  aversion = 0;
  ephemeralOwner: bigint;
  pzxid: bigint;
  /** The last snapshot walk that emitted this node (snapshot-walk.ts); 0: none. */
  walkedBy = 0;
  /** Null until the first child: most znodes are leaves, and an empty Set costs ~100 bytes. */
  private childNames: Set<string> | null = null;

  constructor(init: ZNodeInit) {
    this.data = init.data;
    this.acl = init.acl;
    this.czxid = init.zxid;
    this.mzxid = init.zxid;
    this.pzxid = init.zxid;
    this.ctimeMs = init.timeMs;
    this.mtimeMs = init.timeMs;
    this.ephemeralOwner = init.ephemeralOwner === 0n ? noOwner : init.ephemeralOwner;
  }

  get children(): ReadonlySet<string> {
    return this.childNames ?? noChildren;
  }

  get numChildren(): number {
    return this.childNames === null ? 0 : this.childNames.size;
  }

  addChild(name: string): void {
    (this.childNames ??= new Set()).add(name);
  }

  removeChild(name: string): void {
    const names = this.childNames;
    if (names === null) return;
    names.delete(name);
    // A fresh Set later keeps insertion order just as well; an empty one only holds memory.
    if (names.size === 0) this.childNames = null;
  }
}

const noChildren: ReadonlySet<string> = new Set();

/**
 * The client-visible Stat. ZooKeeper: DataNode.copyStat — cversion = 2 × childCreates −
 * numChildren in int32 arithmetic, so every child create or delete moves it by exactly one;
 * containers and TTL nodes show owner 0; null data shows length 0.
 */
export function statOfNode(node: ZNode): Stat {
  return {
    czxid: node.czxid,
    mzxid: node.mzxid,
    ctime: BigInt(node.ctimeMs),
    mtime: BigInt(node.mtimeMs),
    version: node.version,
    cversion: (node.childCreates * 2 - node.numChildren) | 0,
    aversion: node.aversion,
    ephemeralOwner: visibleEphemeralOwner(node.ephemeralOwner),
    dataLength: node.data === null ? 0 : node.data.length,
    numChildren: node.numChildren,
    pzxid: node.pzxid,
  };
}
