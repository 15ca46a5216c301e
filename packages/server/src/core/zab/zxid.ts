// Zxid arithmetic: a zxid is (epoch << 32) | counter, so zxids order first by epoch, then by
// counter. ZooKeeper: ZxidUtils (makeZxid, getEpochFromZxid, getCounterFromZxid).

import { assert } from '@zoo/client/protocol';

/**
 * ZooKeeper: Leader.propose — a proposal whose counter would be 0xffffffff is refused and the
 * leader steps down, so that a new epoch restarts the counter (XidRolloverException).
 */
export const zxidCounterMax = 0xffffffff;

const counterBits = 32n;
const counterMask = 0xffffffffn;

export function makeZxid(epoch: number, counter: number): bigint {
  assert(Number.isSafeInteger(epoch) && epoch >= 0, () => `zxid epoch ${epoch}`);
  assert(
    Number.isSafeInteger(counter) && counter >= 0 && counter <= zxidCounterMax,
    () => `zxid counter ${counter}`,
  );
  return (BigInt(epoch) << counterBits) | BigInt(counter);
}

export function epochOf(zxid: bigint): number {
  assert(zxid >= 0n, () => `epoch of a negative zxid ${zxid}`);
  return Number(zxid >> counterBits);
}

export function counterOf(zxid: bigint): number {
  assert(zxid >= 0n, () => `counter of a negative zxid ${zxid}`);
  return Number(zxid & counterMask);
}

/** One way to print a zxid: 0x<hex>, as ZooKeeper's logs do. */
export function hexZxid(zxid: bigint): string {
  return zxid < 0n ? `-0x${(-zxid).toString(16)}` : `0x${zxid.toString(16)}`;
}
