// The order in which ZooKeeper 3.8 lists a connection's identities (whoAmI): they live in a set
// over a java.util.concurrent.ConcurrentHashMap (ServerCnxn.authInfo), so they come out in the
// order of its hash table, not the order they were added. This replays that table — Java's hash
// codes, its bins, and how a resize splits each bin — so Zoo lists them in the same order.

import { assert } from '@zoo/client/protocol';
import type { Identity } from '../acl/identity.js';

/** A ConcurrentHashMap made with `new ConcurrentHashMap<>()` starts with 16 bins. */
const initialBins = 16;

/** java.lang.String.hashCode: over UTF-16 units, in 32-bit arithmetic. */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  }
  return hash;
}

/** The Jute-generated org.apache.zookeeper.data.Id.hashCode. */
function idHash(identity: Identity): number {
  const withScheme = (Math.imul(37, 17) + javaStringHash(identity.scheme)) | 0;
  return (Math.imul(37, withScheme) + javaStringHash(identity.id)) | 0;
}

/** ConcurrentHashMap.spread: the high half folded into the low, sign bit cleared. */
function spread(hash: number): number {
  return (hash ^ (hash >>> 16)) & 0x7fffffff;
}

interface Entry {
  hash: number;
  identity: Identity;
}

/**
 * Identities in the order a ConcurrentHashMap-backed set iterates them, having been added in
 * the order given (one thread, so no contention changes the table).
 */
export function javaConcurrentSetOrder(identities: readonly Identity[]): Identity[] {
  let bins: Entry[][] = Array.from({ length: initialBins }, () => []);
  let count = 0;
  for (const identity of identities) {
    const hash = spread(idHash(identity));
    const bin = bins[hash & (bins.length - 1)];
    assert(bin !== undefined, 'every hash has a bin');
    const isKnown = bin.some(
      (entry) => entry.identity.scheme === identity.scheme && entry.identity.id === identity.id,
    );
    if (isKnown) continue;
    bin.push({ hash, identity });
    count += 1;
    // addCount: resize once the count reaches three quarters of the bins.
    if (count >= bins.length - (bins.length >>> 2)) bins = transfer(bins);
  }
  return bins.flat().map((entry) => entry.identity);
}

/**
 * ConcurrentHashMap.transfer: each bin splits into a low and a high bin by one more hash bit.
 * The trailing run of entries that all go one way moves as it is; the entries before it are
 * put in front of their new bin one at a time, so they end up reversed.
 */
function transfer(bins: Entry[][]): Entry[][] {
  const size = bins.length;
  const next: Entry[][] = Array.from({ length: size * 2 }, () => []);
  bins.forEach((bin, index) => {
    if (bin.length === 0) return;
    const bits = bin.map((entry) => entry.hash & size);
    let lastRun = bits.length - 1;
    while (lastRun > 0 && bits[lastRun - 1] === bits[lastRun]) lastRun -= 1;
    const runBit = bits[lastRun];
    const low: Entry[] = [];
    const high: Entry[] = [];
    (runBit === 0 ? low : high).push(...bin.slice(lastRun));
    for (const entry of bin.slice(0, lastRun)) {
      ((entry.hash & size) === 0 ? low : high).unshift(entry);
    }
    next[index] = low;
    next[index + size] = high;
  });
  return next;
}
