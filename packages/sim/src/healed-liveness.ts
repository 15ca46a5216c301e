// The liveness phase right after the heal: every live workload session sends a probe, and the
// world runs until the probes and the clients' last ops are done (and no request waits), or the
// liveness bound passes; then checkers/liveness.ts judges what still waits.

import type { Violation } from './history/history.js';
import type { World } from './world/world.js';
import type { WorkloadClient } from './workload/workload-client.js';
import type { InFlightRequests } from './workload/in-flight-requests.js';
import { checkLiveness } from './checkers/liveness.js';
import { settle, waitFor } from './settle.js';

/** Ten session timeouts of the simulator (4 s each): see checkers/liveness.ts. */
export const livenessBoundMs = 40_000;

export async function healedLiveness(parts: {
  world: World;
  clients: readonly WorkloadClient[];
  requests: InFlightRequests;
  /** The clients' run loops, which end when their last op does. */
  runs: Promise<unknown>;
  violations: Violation[];
}): Promise<void> {
  const { world, requests } = parts;
  const healMs = world.nowMs;
  const probes = parts.clients.flatMap((client) => client.probe() ?? []);
  const done = Promise.all([parts.runs, ...probes.map((probe) => probe.done)]);
  await settle(world, done, livenessBoundMs);
  const deadlineMs = healMs + livenessBoundMs;
  await waitFor(world, () => requests.waiting().length === 0, deadlineMs - world.nowMs);
  const records = probes.map((probe) => probe.record);
  const input = { healMs, nowMs: world.nowMs, boundMs: livenessBoundMs };
  parts.violations.push(
    ...checkLiveness({ ...input, waiting: requests.waiting(), probes: records }),
  );
}
