// The wiring every ensemble member shares, whether the ensemble runs in one process
// (startCluster) or one member per process (startMember): a ws peer network whose events feed the
// member's loop, and a server instance that replicates with ZAB over that network.

import type { PeerAddresses } from './adapters/peer-network.js';
import { startWsPeerNetwork } from './adapters/ws-peer-network.js';
import type { PeerNetwork } from './adapters/ws-peer-network.js';
import type { Logger } from './runtime/env.js';
import type { EnsembleMemberAddress } from './admin/admin-snapshot.js';
import type { MemberStorage } from './member-storage.js';
import { startServerInstance } from './server-instance.js';
import type { ServerInstance } from './server-instance.js';
import type { ServerOptions } from './server-options.js';
import { createZab } from './zab-factory.js';
import type { EnsembleMembership } from './zab-factory.js';

export interface EnsembleMemberOptions {
  membership: EnsembleMembership;
  /** Where this member listens for its peers; port 0 picks a free one. */
  peerHost: string;
  peerPort: number;
  /** The other members' peer addresses when known at start; otherwise given later (setPeers). */
  peers?: PeerAddresses;
  /** Client port; 0 picks a free one. */
  clientPort: number;
  /** Opened storage (the member boots from what it recovered); closed with the member. */
  storage: MemberStorage;
  log: Logger;
  /** Every member's addresses, for the admin answers (conf, leader, voting_view). */
  ensembleAddresses: () => readonly EnsembleMemberAddress[];
}

export interface EnsembleMember {
  readonly instance: ServerInstance;
  readonly network: PeerNetwork;
}

/** Starts the member's peer network, then its server instance replicating over it. */
export async function startEnsembleMember(
  server: ServerOptions,
  member: EnsembleMemberOptions,
): Promise<EnsembleMember> {
  const { membership, storage, log } = member;
  // The network starts first (the instance sends through it), so its events reach the instance
  // only once it exists; until then there is no loop to feed and no peer that could need one.
  let instance: ServerInstance | null = null;
  const network = await startWsPeerNetwork({
    serverId: membership.serverId,
    host: member.peerHost,
    port: member.peerPort,
    ...(member.peers === undefined ? {} : { peers: member.peers }),
    log,
    events: {
      onMessage: (from, message) => instance?.submit({ type: 'peerMessage', from, message }),
      onPeerConnected: (peerId) => instance?.submit({ type: 'peerConnected', peerId }),
      onPeerDisconnected: (peerId) => instance?.submit({ type: 'peerDisconnected', peerId }),
    },
  });
  try {
    instance = await startServerInstance({
      ...server,
      logger: log,
      serverId: membership.serverId,
      port: member.clientPort,
      txnLog: storage.txnLog,
      recovered: storage.recovered,
      dataDir: storage.dataDir,
      dataLogDir: storage.dataLogDir,
      peers: network,
      mode: 'ensemble',
      ensembleAddresses: member.ensembleAddresses,
      initLimitTicks: membership.initLimitTicks ?? 10,
      syncLimitTicks: membership.syncLimitTicks ?? 5,
      createReplication: (host) => createZab(membership, host, storage.durable),
    });
  } catch (error) {
    // A member that cannot serve clients must not keep its peer port open either.
    await network.close();
    throw error;
  }
  return { instance, network };
}
