// The liveness phase right after the heal: every workload client finishes the op it was in, then
// its session (if still live) sends a probe; the world runs until the probes are done (and no
// request waits), or the liveness bound passes; then checkers/liveness.ts judges what still
// waits. A probe starts only after the client's last op: that op may be a sync-then-read of two
// requests in turn, which the session checker takes as one op no other request comes between.

import type { Violation } from './history/history.js';
import type { World } from './world/world.js';
import type { WorkloadClient } from './workload/workload-client.js';
import type { InFlightRequests } from './workload/in-flight-requests.js';
import { checkLiveness } from './checkers/liveness.js';
import type { ProbeRecord } from './workload/liveness-probe.js';
import { settle, waitFor } from './settle.js';

/** Ten session timeouts of the simulator (4 s each): see checkers/liveness.ts. */
export const livenessBoundMs = 40_000;

export async function healedLiveness(parts: {
  world: World;
  clients: readonly WorkloadClient[];
  requests: InFlightRequests;
  /** Each client's run loop (same order), which ends when its last op does. */
  runs: readonly Promise<unknown>[];
  violations: Violation[];
}): Promise<void> {
  const { world, requests } = parts;
  const healMs = world.nowMs;
  const records: ProbeRecord[] = [];
  const unfinished = new Set(parts.clients.map((client) => client.process.name));
  const probes = parts.clients.map(async (client, index) => {
    await parts.runs[index];
    unfinished.delete(client.process.name);
    const probe = client.probe();
    if (probe === null) return;
    records.push(probe.record);
    await probe.done;
  });
  await settle(world, Promise.all(probes), livenessBoundMs);
  const deadlineMs = healMs + livenessBoundMs;
  await waitFor(world, () => requests.waiting().length === 0, deadlineMs - world.nowMs);
  const input = { healMs, nowMs: world.nowMs, boundMs: livenessBoundMs };
  const waiting = requests.waiting();
  parts.violations.push(...checkLiveness({ ...input, waiting, probes: records }));
  if (world.nowMs - healMs >= livenessBoundMs && unfinished.size > 0) {
    parts.violations.push({
      checker: 'liveness',
      message:
        `${[...unfinished].join(', ')}: the op in flight at the heal (${healMs}ms) had not ` +
        `ended at ${world.nowMs}ms`,
    });
  }
}
