// The 16-byte session password, derived from the session id exactly as ZooKeeper does, so that
// Zoo's passwords match a real server's bit for bit (wire sheet §2.5).

import { assert } from '@zoo/client/protocol';

const passwordBytes = 16;
// ZooKeeper: ZooKeeperServer.superSecret — the seed is sessionId XOR this constant.
const superSecret = 0xb3415c00n;
// java.util.Random's linear congruential generator (48-bit state).
const multiplier = 0x5deece66dn;
const addend = 0xbn;
const stateMask = (1n << 48n) - 1n;

/**
 * ZooKeeper: ZooKeeperServer.generatePasswd — `new Random(sessionId ^ superSecret)`, then
 * `nextBytes(16)`.
 * Test vector: 0x010000c117460000 → 5882333b05c1bec1f6783fce56cd1d44.
 */
export function sessionPassword(sessionId: bigint): Buffer {
  assert(
    sessionId >= -(1n << 63n) && sessionId < 1n << 63n,
    `session id out of the int64 range: ${sessionId}`,
  );
  // Java Random(seed): the state is (seed XOR multiplier) mod 2^48; the seed's two's-complement
  // bits are what count, so negative ids are taken modulo 2^64 first.
  let state = (BigInt.asUintN(64, sessionId ^ superSecret) ^ multiplier) & stateMask;
  const bytes = Buffer.alloc(passwordBytes);
  for (let offset = 0; offset < passwordBytes; offset += 4) {
    state = (state * multiplier + addend) & stateMask;
    // next(32): the top 32 of the 48 state bits; nextBytes emits them least significant first.
    let word = Number(state >> 16n);
    for (let index = 0; index < 4; index += 1) {
      bytes[offset + index] = word & 0xff;
      word = Math.floor(word / 256);
    }
  }
  return bytes;
}
