// One znode as the DataTree stores it, and how its Stat is shown to clients.
// ZooKeeper: DataNode + StatPersisted; `childCreates` is StatPersisted.cversion (creates only).
// Laid out for a million znodes (docs/architecture.md, "The znode tree in memory"): the data is
// a one-byte string, not a Buffer (a Buffer object costs ~90 bytes more), the children are the
// child nodes themselves keyed by their own paths (no name strings), and the times are kept as
// small integers (a double field would point to a boxed number of its own).

import type { Acl, Stat } from '@zoo/client/protocol';
import { visibleEphemeralOwner } from './ephemeral-type.js';

/** Read-only view of a stored znode. Never mutate what DataTree hands out. */
export interface ZNode {
  /** The tree's key for this node (the same string, not a copy). */
  readonly path: string;
  /** A fresh copy of the data on every read. */
  readonly data: Buffer | null;
  /** The data as a latin1 string (one char per byte), as stored; null for null data. */
  readonly latin1Data: string | null;
  readonly dataLength: number;
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
  /** The child nodes by path, in insertion order (ZooKeeper's order is unspecified). */
  readonly children: ReadonlyMap<string, ZNode>;
  readonly numChildren: number;
}

/** A node's data as it keeps it: see storedOf. */
export type StoredData = string | Buffer | null;

export interface ZNodeInit {
  path: string;
  /** Taken as is: storedOf (or storedOfRange) made it, and nobody else holds it. */
  stored: StoredData;
  acl: readonly Acl[];
  zxid: bigint;
  timeMs: number;
  ephemeralOwner: bigint;
}

/** One shared zero: an owner decoded from a peer message is a fresh BigInt each time. */
const noOwner = 0n;
/** A time is kept as high × 2^31 + low, both small integers (V8 stores them unboxed). */
const timeSplit = 2 ** 31;

function highOf(ms: number): number {
  return Math.floor(ms / timeSplit);
}

/**
 * Data up to this size is kept as a latin1 string, one char per byte (one small object, where a
 * Buffer costs about 90 bytes more); larger data stays a Buffer of its own, handed out without a
 * copy, so that clients reading a big znode over and over do not copy it per read.
 */
const stringDataBytesMax = 1024;

/** What a node stores for `data`: a copy, never the caller's buffer. */
export function storedOf(data: Buffer | null): StoredData {
  if (data === null) return null;
  return data.length <= stringDataBytesMax ? data.toString('latin1') : Buffer.from(data);
}

/**
 * storedOf for the `start`–`end` bytes of `bytes` (a snapshot file's), copied straight out of
 * it: no Buffer view is made for a small node's data, and the file's buffer can be dropped.
 */
export function storedOfRange(bytes: Buffer, start: number, end: number): string | Buffer {
  if (end - start <= stringDataBytesMax) return bytes.toString('latin1', start, end);
  return Buffer.from(bytes.subarray(start, end));
}

/** The tree's own, mutable node. ZooKeeper: DataTree.createStat fills a new node the same way. */
export class MutableZNode implements ZNode {
  readonly path: string;
  /** The data: a latin1 string when small, a Buffer when large (storedOf), null for none. */
  private stored: StoredData;
  acl: readonly Acl[];
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ephemeralOwner: bigint;
  private ctimeHigh: number;
  private ctimeLow: number;
  private mtimeHigh: number;
  private mtimeLow: number;
  version: number;
  childCreates: number;
  aversion: number;
  /** The last snapshot walk that emitted this node (snapshot-walk.ts); 0: none. */
  walkedBy: number;
  /**
   * The children by their paths (the same strings: the tree's index looks nodes up here, see
   * node-index.ts). Null until the first child: most znodes are leaves, and an empty Map costs
   * ~100 bytes.
   */
  private childNodes: Map<string, MutableZNode> | null;

  // Every field is set here, in one order, so all nodes share one hidden class.
  constructor(init: ZNodeInit) {
    this.path = init.path;
    this.stored = init.stored;
    this.acl = init.acl;
    this.czxid = init.zxid;
    this.mzxid = init.zxid;
    this.pzxid = init.zxid;
    this.ephemeralOwner = init.ephemeralOwner === 0n ? noOwner : init.ephemeralOwner;
    this.ctimeHigh = highOf(init.timeMs);
    this.ctimeLow = init.timeMs - this.ctimeHigh * timeSplit;
    this.mtimeHigh = this.ctimeHigh;
    this.mtimeLow = this.ctimeLow;
    this.version = 0;
    this.childCreates = 0;
    this.aversion = 0;
    this.walkedBy = 0;
    this.childNodes = null;
  }

  /** A small node's data as a fresh Buffer; a large node's own Buffer (never to be changed). */
  get data(): Buffer | null {
    const stored = this.stored;
    return typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored;
  }

  set data(data: Buffer | null) {
    this.stored = storedOf(data);
  }

  get latin1Data(): string | null {
    const stored = this.stored;
    return stored === null || typeof stored === 'string' ? stored : stored.toString('latin1');
  }

  get dataLength(): number {
    return this.stored === null ? 0 : this.stored.length;
  }

  get ctimeMs(): number {
    return this.ctimeHigh * timeSplit + this.ctimeLow;
  }

  set ctimeMs(ms: number) {
    this.ctimeHigh = highOf(ms);
    this.ctimeLow = ms - this.ctimeHigh * timeSplit;
  }

  get mtimeMs(): number {
    return this.mtimeHigh * timeSplit + this.mtimeLow;
  }

  set mtimeMs(ms: number) {
    this.mtimeHigh = highOf(ms);
    this.mtimeLow = ms - this.mtimeHigh * timeSplit;
  }

  get children(): ReadonlyMap<string, MutableZNode> {
    return this.childNodes ?? noChildren;
  }

  childAt(path: string): MutableZNode | undefined {
    return this.childNodes === null ? undefined : this.childNodes.get(path);
  }

  get numChildren(): number {
    return this.childNodes === null ? 0 : this.childNodes.size;
  }

  /** Only NodeIndex calls it (which keeps its map of parents with it). */
  addChild(child: MutableZNode): void {
    (this.childNodes ??= new Map()).set(child.path, child);
  }

  removeChild(child: MutableZNode): void {
    const nodes = this.childNodes;
    if (nodes === null) return;
    nodes.delete(child.path);
    // A fresh Map later keeps insertion order just as well; an empty one only holds memory.
    if (nodes.size === 0) this.childNodes = null;
  }
}

const noChildren: ReadonlyMap<string, MutableZNode> = new Map();

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
    dataLength: node.dataLength,
    numChildren: node.numChildren,
    pzxid: node.pzxid,
  };
}
