// Liveness after the heal: once every fault is over, a live session's requests are answered (or
// its connection or session ends, which the client reports as a definite connection loss or
// expiry), and the cluster keeps completing new ops. A session that waits forever is what a
// safety checker never sees: nothing wrong is ever answered, nothing is answered at all.
//
// The bound is generous (ten session timeouts of virtual time from the heal): after a heal an
// election, a sync and the expiry of the sessions lost with the faults may each take a while
// (a soak saw an election end 24.7 s after its heal); a hang never ends at all.

import type { Violation } from '../history/history.js';
import type { InFlightRequest } from '../workload/in-flight-requests.js';
import type { ProbeRecord } from '../workload/liveness-probe.js';
import { formatZxid } from './zab-invariants.js';

const checker = 'liveness';

export interface LivenessInput {
  healMs: number;
  /** When the check runs: at least `boundMs` after the heal if anything still waits. */
  nowMs: number;
  boundMs: number;
  /** Requests still waiting on open connections of hosts that still run. */
  waiting: readonly InFlightRequest[];
  /** The probe of every session that was live at the heal. */
  probes: readonly ProbeRecord[];
}

function sessionOf(process: number, sessionId: bigint | null): string {
  return `c${process} session ${sessionId === null ? 'none' : formatZxid(sessionId)}`;
}

export function checkLiveness(input: LivenessInput): Violation[] {
  const { healMs, nowMs, boundMs } = input;
  const out: Violation[] = [];
  for (const request of input.waiting) {
    const waitedMs = nowMs - Math.max(request.sentMs, healMs);
    if (waitedMs < boundMs) continue;
    out.push({
      checker,
      message:
        `${sessionOf(request.process, request.sessionId)}: ${request.name} (xid ` +
        `${request.xid}) sent at ${request.sentMs}ms on connection ${request.connection} to ` +
        `${request.server} still had no reply at ${nowMs}ms, ${nowMs - healMs} ms after the ` +
        `heal, and its connection stayed open`,
    });
  }
  for (const probe of input.probes) {
    const tookMs = (probe.completeMs ?? nowMs) - probe.startMs;
    if (probe.completeMs !== null && tookMs <= boundMs) continue;
    if (probe.completeMs === null && tookMs < boundMs) continue;
    out.push({
      checker,
      message:
        `${sessionOf(probe.process, probe.sessionId)}: a set and a sync-then-read sent at ` +
        `the heal (${probe.startMs}ms) ` +
        (probe.completeMs === null
          ? `were still unanswered at ${nowMs}ms`
          : `took ${tookMs} ms (bound ${boundMs} ms)`),
    });
  }
  return out;
}
