// What must hold once the faults are over and the ensemble has healed: every server up and
// serving, all replicas' trees identical (digest), and no ephemeral left by a session that is
// gone. Checked on the real servers' state, not on the history.

import type { Violation } from './history/history.js';
import type { SimServer } from './node/sim-server.js';

export interface ConvergenceState {
  isConverged: boolean;
  describe: string;
}

/** Whether every server is up, serving, at the same zxid with the same tree digest. */
export function convergence(servers: readonly SimServer[]): ConvergenceState {
  const parts: string[] = [];
  const digests = new Set<string>();
  const zxids = new Set<bigint>();
  let isReady = true;
  for (const server of servers) {
    const peer = server.peer;
    if (peer === null) {
      parts.push(`s${server.id} down`);
      isReady = false;
      continue;
    }
    const { role, isServing } = peer.replication;
    const digest = peer.tree.digest();
    digests.add(digest);
    zxids.add(peer.lastZxid);
    if (!isServing) isReady = false;
    parts.push(
      `s${server.id} ${role}${isServing ? '' : '(not serving)'} ` +
        `zxid=0x${peer.lastZxid.toString(16)} digest=${digest.slice(0, 12)}`,
    );
  }
  return {
    isConverged: isReady && digests.size === 1 && zxids.size === 1,
    describe: parts.join('; '),
  };
}

/**
 * The serving leader as `id@epoch`, or null. A new leadership gives every session a full timeout
 * from the moment it leads, so sessions lost without a close expire only that long after it.
 */
export function servingLeader(servers: readonly SimServer[]): string | null {
  for (const server of servers) {
    const replication = server.peer?.replication;
    if (replication?.role === 'leading' && replication.isServing) {
      return `${server.id}@${replication.epoch}`;
    }
  }
  return null;
}

/**
 * After every client closed its session and every other session had time to expire, no server
 * may hold an ephemeral node or a session.
 */
export function leftoverEphemerals(servers: readonly SimServer[]): Violation[] {
  const violations: Violation[] = [];
  for (const server of servers) {
    const peer = server.peer;
    if (peer === null) continue;
    const owners = [...peer.tree.sessionsWithEphemerals()];
    if (owners.length === 0) continue;
    const described = owners
      .slice(0, 5)
      .map(([owner, paths]) => `0x${owner.toString(16)}: ${[...paths].slice(0, 3).join(', ')}`);
    violations.push({
      checker: 'ephemerals',
      message: `s${server.id} still holds ephemerals of ended sessions: ${described.join('; ')}`,
    });
  }
  return violations;
}
