// Quota statistics kept inside the tree, as ZooKeeper 3.8 keeps them: /zookeeper/quota<P>/
// zookeeper_stats holds "count=N,bytes=M" for the subtree of <P>, updated by DataTree.apply on
// each create, delete and setData below <P>. ZooKeeper: DataTree quota code, PathTrie, StatsTrack.

import { assert } from '@zoo/client/protocol';
import type { MutableZNode } from './z-node.js';
import type { NodesByPath } from './node-index.js';

/** ZooKeeper: Quotas.quotaZookeeper, Quotas.limitNode and Quotas.statNode. */
export const quotaRootPath = '/zookeeper/quota';
const zookeeperPath = '/zookeeper';
export const limitNodeName = 'zookeeper_limits';
export const statNodeName = 'zookeeper_stats';

const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;

/**
 * ZooKeeper: new StatsTrack(byte[]) — `key=long` pairs split on runs of ',' or ';', each pair on
 * '=' with Java's split (trailing empty pieces dropped; an empty value reads −1). Returns null
 * where Java throws (null data, a pair without a value, a value that is not a long): ZooKeeper
 * would fail the txn apply there; Zoo leaves the stats node as it is instead. Java's
 * Long.parseLong also takes non-ASCII Unicode digits; Zoo takes ASCII digits only.
 */
export function parseStatsTrack(data: Buffer | null): Map<string, bigint> | null {
  if (data === null) return null;
  const text = data.toString('utf8');
  const stats = new Map<string, bigint>();
  if (text.length === 0) return stats;
  for (const pair of javaSplit(text, /[,;]+/)) {
    const [key, raw] = javaSplit(pair, '=');
    if (key === undefined || raw === undefined) return null;
    const value = raw === '' ? -1n : parseJavaLong(raw);
    if (value === null) return null;
    stats.set(key, value);
  }
  return stats;
}

/**
 * ZooKeeper: StatsTrack.toString — count and bytes first (−1 when absent), then, only if there are
 * other keys, a spurious '=' (so 3.4's parser ignores them) and ';key=value' sorted by key.
 */
export function formatStatsTrack(stats: ReadonlyMap<string, bigint>): string {
  const count = stats.get('count') ?? -1n;
  const bytes = stats.get('bytes') ?? -1n;
  const keys = [...stats.keys()].filter((key) => key !== 'count' && key !== 'bytes');
  // Java's Collections.sort on String compares UTF-16 code units, as Array.prototype.sort does.
  keys.sort();
  const extra = keys.map((key) => `;${key}=${stats.get(key) ?? -1n}`).join('');
  return `count=${count},bytes=${bytes}${keys.length > 0 ? '=' : ''}${extra}`;
}

/** Java's String.split with limit 0: no match gives the whole text; trailing empties drop. */
function javaSplit(text: string, separator: RegExp | string): string[] {
  const parts = text.split(separator);
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function parseJavaLong(text: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(text)) return null;
  const value = BigInt(text);
  return value < int64Min || value > int64Max ? null : value;
}

/** Java's String.trim() removes every char ≤ U+0020, so such a path component is blank. */
function isBlank(part: string): boolean {
  for (let i = 0; i < part.length; i++) if (part.charCodeAt(i) > 0x20) return false;
  return true;
}

/**
 * The key PathTrie files `path` under: its non-blank components joined by '/', or null when none
 * is left (ZooKeeper never reports a quota on the root: getMaxPrefixWithQuota).
 */
export function quotaPathKey(path: string): string | null {
  const parts = path.split('/').filter((part) => !isBlank(part));
  return parts.length === 0 ? null : `/${parts.join('/')}`;
}

/**
 * The quota'd paths (ZooKeeper: DataTree.pTrie) and the upkeep of their stats nodes. The DataTree
 * calls one hook after each create, delete and setData; each returns how many bytes of node data
 * it rewrote, so the tree's data-size counter stays exact. A write costs O(depth).
 */
export class QuotaStats {
  /** Quota key → how many limit nodes name it (one, unless two quota paths share a key). */
  private readonly limits = new Map<string, number>();

  /** `beforeChange` runs before a stats node's data is rewritten (a snapshot walk keeps it). */
  constructor(
    private readonly nodes: NodesByPath<MutableZNode>,
    private readonly beforeChange: (path: string, node: MutableZNode) => void = () => {},
  ) {}

  /**
   * ZooKeeper: DataTree.createNode — a new limit node under /zookeeper/quota adds its parent's
   * path to the trie; a new stats node recounts that path's subtree; then the nearest quota'd
   * prefix of `path` counts one more node and its `bytes`.
   */
  afterCreate(path: string, bytes: number): number {
    let rewritten = 0;
    // Only a path under /zookeeper/quota can have its parent there: others are not split.
    const { parent, name } = path.startsWith(quotaRootPath) ? split(path) : notQuotaNode;
    if (parent.startsWith(quotaRootPath)) {
      const target = parent.slice(quotaRootPath.length);
      if (name === limitNodeName) this.addLimit(target);
      if (name === statNodeName) rewritten += this.updateQuotaForPath(target);
    }
    const prefix = this.maxPrefixWithQuota(path);
    if (prefix !== null) rewritten += this.updateQuotaStat(prefix, BigInt(bytes), 1n);
    return rewritten;
  }

  /**
   * ZooKeeper: DataTree.deleteNode — a deleted limit node takes its path out of the trie, then the
   * nearest quota'd prefix counts one node and `bytes` less. ZooKeeper tests only that the parent
   * starts with /zookeeper and strips /zookeeper/quota's length, which throws or unsets an
   * unrelated quota for a parent outside /zookeeper/quota; Zoo ignores such a limit node.
   */
  afterDelete(path: string, bytes: number): number {
    const target = limitTargetOf(path);
    if (target !== null) this.removeLimit(target);
    const prefix = this.maxPrefixWithQuota(path);
    return prefix === null ? 0 : this.updateQuotaStat(prefix, BigInt(-bytes), -1n);
  }

  /** ZooKeeper: DataTree.setData — the nearest quota'd prefix's bytes move by the difference. */
  afterSetData(path: string, bytesDiff: number): number {
    const prefix = this.maxPrefixWithQuota(path);
    return prefix === null ? 0 : this.updateQuotaStat(prefix, BigInt(bytesDiff), 0n);
  }

  /**
   * ZooKeeper: DataTree.getMaxPrefixWithQuota / PathTrie.findMaxPrefix — the longest quota'd
   * prefix of `path`, component-wise, or null. Nested quotas are legal here (only zkCli refuses
   * them): the innermost wins and the outer one is not updated.
   */
  maxPrefixWithQuota(path: string): string | null {
    if (this.limits.size === 0) return null;
    let prefix = '';
    let found: string | null = null;
    for (const part of path.split('/')) {
      if (isBlank(part)) continue;
      prefix += `/${part}`;
      if (this.limits.has(prefix)) found = prefix;
    }
    return found;
  }

  /** The quota'd paths, sorted. */
  quotaPaths(): string[] {
    return [...this.limits.keys()].sort();
  }

  /**
   * Rebuilds the trie from the limit nodes after a restore (ZooKeeper: DataTree.setupQuota).
   * ZooKeeper's traverseNode takes only childless limit nodes and also recounts every stats node;
   * Zoo takes every limit node, as createNode does, and keeps the stats data as the snapshot has
   * it, so a restored replica equals the one that took the snapshot, index and digest alike.
   * The two agree whenever the stats were kept from the stats node's creation (zkCli setquota).
   */
  rebuild(): void {
    this.limits.clear();
    // A limit node's parent starts with /zookeeper/quota, so it lies under /zookeeper: walking
    // only that subtree finds them all (walking and splitting a million paths cost ~0.2 s).
    const stack = [...(this.nodes.get(zookeeperPath)?.children.values() ?? [])];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      const target = limitTargetOf(node.path);
      if (target !== null) this.addLimit(target);
      for (const child of node.children.values()) stack.push(child);
    }
  }

  /** The trie is exactly what the tree's limit nodes imply (O(n)). */
  invariants(): void {
    const expected = new Map<string, number>();
    for (const path of this.nodes.keys()) {
      const key = quotaKeyOfLimit(path);
      if (key !== null) expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    assert(expected.size === this.limits.size, () => `quota index size ${this.limits.size}`);
    for (const [key, refs] of expected) {
      const held = this.limits.get(key);
      assert(held === refs, () => `quota index holds ${key} ${held ?? 0}×, tree ${refs}×`);
    }
  }

  private addLimit(target: string): void {
    // ZooKeeper: PathTrie.addPath throws on '' (a limit node right under /zookeeper/quota);
    // Zoo tracks no quota there, which is what ZooKeeper would report for the root anyway.
    const key = quotaPathKey(target);
    if (key !== null) this.limits.set(key, (this.limits.get(key) ?? 0) + 1);
  }

  private removeLimit(target: string): void {
    const key = quotaPathKey(target);
    if (key === null) return;
    const refs = this.limits.get(key) ?? 0;
    if (refs > 1) this.limits.set(key, refs - 1);
    else this.limits.delete(key);
  }

  /**
   * ZooKeeper: DataTree.updateQuotaStat — parse, add, write back. The stats node's data changes
   * but not its version, mzxid or mtime, and no watch fires. A missing stats node is skipped.
   */
  private updateQuotaStat(prefix: string, bytesDiff: bigint, countDiff: bigint): number {
    const path = `${quotaRootPath}${prefix}/${statNodeName}`;
    const node = this.nodes.get(path);
    if (node === undefined) return 0;
    const stats = parseStatsTrack(node.data);
    if (stats === null) return 0;
    this.beforeChange(path, node);
    // Java long arithmetic: wraps at 64 bits.
    stats.set('count', BigInt.asIntN(64, (stats.get('count') ?? -1n) + countDiff));
    stats.set('bytes', BigInt.asIntN(64, (stats.get('bytes') ?? -1n) + bytesDiff));
    return replaceData(node, formatStatsTrack(stats));
  }

  /**
   * ZooKeeper: DataTree.updateQuotaForPath/getCounts — the stats node gets a fresh
   * "count=N,bytes=M" for `target`'s subtree, itself included ('' is the root, as in ZooKeeper's
   * node table; a target that names no node counts 0). Other keys in the old data are dropped.
   */
  private updateQuotaForPath(target: string): number {
    const statsPath = `${quotaRootPath}${target}/${statNodeName}`;
    const node = this.nodes.get(statsPath);
    assert(node !== undefined, () => `stats node for ${target} missing as it is created`);
    this.beforeChange(statsPath, node);
    let count = 0n;
    let bytes = 0n;
    const stack = [target === '' ? '/' : target];
    for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
      const current = this.nodes.get(path);
      if (current === undefined) continue;
      count += 1n;
      bytes += BigInt(current.dataLength);
      for (const path of current.children.keys()) stack.push(path);
    }
    const stats = new Map([
      ['count', count],
      ['bytes', bytes],
    ]);
    return replaceData(node, formatStatsTrack(stats));
  }
}

/** What split gives for the purposes here of any path outside /zookeeper/quota. */
const notQuotaNode = { parent: '', name: '' };

/** ZooKeeper splits at the last '/': a child of the root has parent ''. */
function split(path: string): { parent: string; name: string } {
  const slash = path.lastIndexOf('/');
  return { parent: path.slice(0, slash), name: path.slice(slash + 1) };
}

/** For a limit node under /zookeeper/quota, the path its quota is on (raw, not yet a key). */
function limitTargetOf(path: string): string | null {
  if (!path.startsWith(quotaRootPath)) return null;
  const { parent, name } = split(path);
  if (name !== limitNodeName || !parent.startsWith(quotaRootPath)) return null;
  return parent.slice(quotaRootPath.length);
}

function quotaKeyOfLimit(path: string): string | null {
  const target = limitTargetOf(path);
  return target === null ? null : quotaPathKey(target);
}

/** Sets the node's data to `text`; returns the change in data length. */
function replaceData(node: MutableZNode, text: string): number {
  const data = Buffer.from(text, 'utf8');
  const change = data.length - node.dataLength;
  node.data = data;
  return change;
}
