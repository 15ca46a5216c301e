// How a znode's raw ephemeralOwner encodes its kind: 0 persistent, a session id for an ordinary
// ephemeral, Long.MIN_VALUE for a container, 0xFF<<56 | ttl for a TTL node.
// ZooKeeper: EphemeralType (CONTAINER_EPHEMERAL_OWNER, TTL.toEphemeralOwner, get, getValue).

import { assert } from '@zoo/client/protocol';

export type EphemeralKind = 'persistent' | 'ephemeral' | 'container' | 'ttl';

/** ZooKeeper: EphemeralType.CONTAINER_EPHEMERAL_OWNER = Long.MIN_VALUE (0x8000000000000000). */
export const containerEphemeralOwner: bigint = -(1n << 63n);

/** ZooKeeper: EphemeralType.TTL.maxValue() = EXTENDED_FEATURE_VALUE_MASK (40 bits). */
export const ttlMaxMs: bigint = 0xff_ffff_ffffn;

const extendedMask = 0xff00_0000_0000_0000n;
const featureMask = 0x00ff_ff00_0000_0000n;

/** True when `ttl` is a legal TTL (1 … 0xFF_FFFF_FFFF ms). ZooKeeper: EphemeralType.validateTTL. */
export function isValidTtl(ttl: bigint): boolean {
  return ttl >= 1n && ttl <= ttlMaxMs;
}

/** ZooKeeper: EphemeralType.TTL.toEphemeralOwner — stored as a signed 64-bit value, like Java. */
export function ttlEphemeralOwner(ttl: bigint): bigint {
  assert(isValidTtl(ttl), () => `ttl out of range: ${ttl}`);
  return BigInt.asIntN(64, extendedMask | ttl);
}

/**
 * ZooKeeper: EphemeralType.get with extended types on. Zoo never issues a session id whose top
 * byte is 0xFF (wire sheet §2.4), so the TTL marker is unambiguous whatever the server option.
 */
export function ephemeralKindOf(owner: bigint): EphemeralKind {
  if (owner === 0n) return 'persistent';
  const unsigned = BigInt.asUintN(64, owner);
  if (unsigned === 1n << 63n) return 'container';
  if ((unsigned & extendedMask) === extendedMask) {
    assert((unsigned & featureMask) === 0n, () => `unknown extended ephemeral owner ${owner}`);
    return 'ttl';
  }
  return 'ephemeral';
}

/** The TTL in ms of a TTL node's owner. ZooKeeper: EphemeralType.TTL.getValue. */
export function ttlOf(owner: bigint): bigint {
  return BigInt.asUintN(64, owner) & ttlMaxMs;
}

/** What Stat.ephemeralOwner shows: the session for ordinary ephemerals, else 0.
 * ZooKeeper: DataNode.copyStat / getClientEphemeralOwner. */
export function visibleEphemeralOwner(owner: bigint): bigint {
  return ephemeralKindOf(owner) === 'ephemeral' ? owner : 0n;
}
