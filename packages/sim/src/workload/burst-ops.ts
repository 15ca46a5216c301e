// Pipelined requests: a burst of 2 to 16 register ops (creates, conditional sets and deletes,
// multis, reads, sync-then-reads) issued at once on one session, none waiting for another's
// reply. A session with many requests in flight is what a real client does under load, and
// what hid a hang: a learner that let one forwarded write wait behind its ACK had the next one
// overtake it, so the leader committed the session's writes out of order and the follower never
// answered them. Each op is recorded as it is issued (ids in request order), so the checkers
// see them overlap, ordered only by the session's FIFO order.

import type { OpContext } from './op-context.js';
import { registerOp } from './register-ops.js';
import type { SeenVersions } from './seen-versions.js';

export const burstSizeMin = 2;
export const burstSizeMax = 16;

export async function burstOps(context: OpContext, seen: SeenVersions): Promise<void> {
  const size = context.random.nextInt(burstSizeMin, burstSizeMax);
  const ops: Promise<void>[] = [];
  // Each call sends its request before it returns: the burst leaves in this order. Now and
  // then a pause of a few ms (never a wait for a reply), so that the requests reach the server
  // in several pieces, each a turn of its loop, as from a client that issues them over time.
  for (let i = 0; i < size; i += 1) {
    ops.push(registerOp(context, seen, true));
    if (i + 1 < size && context.random.chance(0.3)) {
      await context.sleep(context.random.nextInt(1, 5));
    }
  }
  await Promise.all(ops);
}
