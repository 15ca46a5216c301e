// Bugs planted in the simulated client network, outside the client and server code, to prove
// that a checker catches what they break. Never used by an honest run.

/** A frame's length prefix, then the ConnectRequest's protocolVersion, then lastZxidSeen. */
const lastZxidSeenOffset = 4 + 4;

/**
 * `lastZxidSeenZeroed`: a connection's first write starts with its ConnectRequest; its
 * lastZxidSeen is set to 0 on the way, so any member takes the session, however far behind
 * the client it is. The client's own bytes are left alone (the write is copied).
 */
export function zeroLastZxidSeen(firstWrite: Buffer): Buffer {
  if (firstWrite.length < lastZxidSeenOffset + 8) return firstWrite;
  const rewritten = Buffer.from(firstWrite);
  rewritten.writeBigInt64BE(0n, lastZxidSeenOffset);
  return rewritten;
}
