// What the admin HTTP commands report beyond the four-letter words' ServerSnapshot: the
// ensemble as this member sees it, its last snapshot and its initial configuration. Plain data,
// captured by the runtime when a command arrives.

import type { ServerSnapshot } from './server-snapshot.js';

export interface AdminSnapshot {
  server: ServerSnapshot;
  /** Null for a standalone server. */
  ensemble: EnsembleSnapshot | null;
  /** The newest snapshot this member wrote or recovered (null: none yet). */
  lastSnapshot: { zxid: bigint; timestampMs: number } | null;
  /** `server.N=…` lines of the configuration the member started with ('' standalone). */
  initialConfiguration: string;
}

export interface EnsembleSnapshot {
  serverId: number;
  /** The leader this member follows or is; null while electing. */
  leaderId: number | null;
  /** ZAB's phase, as ZooKeeper's zabstate names it. */
  zabState: 'election' | 'discovery' | 'synchronization' | 'broadcast';
  members: readonly EnsembleMemberAddress[];
}

export interface EnsembleMemberAddress {
  id: number;
  isObserver: boolean;
  /** `host:port` of the member's peer link (Zoo uses one port for quorum and election). */
  peerAddress: string;
  /** `host:port` clients connect to. */
  clientAddress: string;
}

/** ZooKeeper's QuorumVerifier line: `server.1=host:2888:3888:participant;host:2181`. */
export function serverLine(member: EnsembleMemberAddress): string {
  const role = member.isObserver ? 'observer' : 'participant';
  const port = member.peerAddress.slice(member.peerAddress.lastIndexOf(':') + 1);
  return `server.${member.id}=${member.peerAddress}:${port}:${role};${member.clientAddress}`;
}
