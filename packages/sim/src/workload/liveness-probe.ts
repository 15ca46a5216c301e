// After the heal, every live workload session must still get work done: it sends a blind set
// and a sync-then-read of one register, pipelined, behind whatever it still has in flight, and
// retries through lost connections until both are answered or its session ends. A session
// whose server holds its requests forever (the connection alive, pings answered) never
// finishes its probe: the liveness checker reports it.

import type { OpContext } from './op-context.js';
import { registerKeys } from './op-context.js';
import { runZnodeCall } from './register-ops.js';
import type { SeenVersions } from './seen-versions.js';

export interface ProbeRecord {
  process: number;
  sessionId: bigint | null;
  startMs: number;
  /** When both ops were answered, or the session ended; null while it waits. */
  completeMs: number | null;
  /** How it ended: 'answered', 'session ended', or null while it waits. */
  ending: 'answered' | 'session ended' | null;
}

const retryMs = 100;

/** Starts the probe on the session of `context`; the record fills in as it goes. */
export function startProbe(
  context: OpContext,
  seen: SeenVersions,
  isSessionOver: () => boolean,
): { record: ProbeRecord; done: Promise<void> } {
  const { world, process, client } = context;
  const record: ProbeRecord = {
    process,
    sessionId: client.sessionId === 0n ? null : client.sessionId,
    startMs: world.nowMs,
    completeMs: null,
    ending: null,
  };
  const path = registerKeys[process % registerKeys.length] ?? '/reg/k0';
  const done = (async () => {
    for (;;) {
      const set = runZnodeCall(
        context,
        { kind: 'set', path, data: context.uniqueData(), expectedVersion: -1 },
        seen,
        true,
      );
      const read = runZnodeCall(context, { kind: 'syncRead', path }, seen, true);
      const ops = await Promise.all([set, read]);
      if (ops.every((op) => op.outcome.type !== 'unknown')) record.ending = 'answered';
      else if (isSessionOver()) record.ending = 'session ended';
      if (record.ending !== null) {
        record.completeMs = world.nowMs;
        return;
      }
      await context.sleep(retryMs);
    }
  })();
  return { record, done };
}
