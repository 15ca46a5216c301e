// The tree's indexes of nodes by what their owner field makes them: each session's ephemerals,
// the containers and the TTL nodes (ZooKeeper: DataTree.ephemerals, containers, ttls). The
// DataTree tells it of every node linked and unlinked; closeSession and the reaper read it.

import { ephemeralKindOf } from './ephemeral-type.js';

const emptyPaths: ReadonlySet<string> = new Set();

export class OwnedNodes {
  /** Ordinary ephemerals per owning session: a (possibly empty) set until it closes, as in ZK. */
  readonly ephemerals = new Map<bigint, Set<string>>();
  readonly containers = new Set<string>();
  readonly ttls = new Set<string>();

  /** A node of `owner` (raw: a session, the container or the TTL marker) was linked. */
  track(path: string, owner: bigint): void {
    const kind = ephemeralKindOf(owner);
    if (kind === 'container') this.containers.add(path);
    else if (kind === 'ttl') this.ttls.add(path);
    else if (kind === 'ephemeral') {
      const paths = this.ephemerals.get(owner);
      if (paths === undefined) this.ephemerals.set(owner, new Set([path]));
      else paths.add(path);
    }
  }

  untrack(path: string, owner: bigint): void {
    const kind = ephemeralKindOf(owner);
    if (kind === 'container') this.containers.delete(path);
    else if (kind === 'ttl') this.ttls.delete(path);
    else if (kind === 'ephemeral') this.ephemerals.get(owner)?.delete(path);
  }

  ephemeralsOf(sessionId: bigint): ReadonlySet<string> {
    return this.ephemerals.get(sessionId) ?? emptyPaths;
  }

  /** The session's closeSession was applied: it owns nothing any more. */
  forgetSession(sessionId: bigint): void {
    this.ephemerals.delete(sessionId);
  }

  /** Ordinary ephemerals only. ZooKeeper: DataTree.getEphemeralsCount. */
  get ephemeralCount(): number {
    let count = 0;
    for (const paths of this.ephemerals.values()) count += paths.size;
    return count;
  }
}
