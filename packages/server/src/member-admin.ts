// What a running member answers about itself: the four-letter words on its client port and,
// on its admin port, ZooKeeper's AdminServer commands and Prometheus metrics. Both read one
// ServerSnapshot captured at the moment a question arrives.

import { hostname } from 'node:os';
import type { Peer } from './core/peer/peer.js';
import { captureServerState } from './runtime/capture-server-state.js';
import {
  fourLetterWordAction,
  fourLetterWords,
  runFourLetterWord,
} from './admin/four-letter-words.js';
import { formatVersion, zooVersion } from './admin/java-format.js';
import type { ServerSnapshot, QuorumConfigSnapshot } from './admin/server-snapshot.js';
import type { AdminSnapshot, EnsembleMemberAddress } from './admin/admin-snapshot.js';
import { serverLine } from './admin/admin-snapshot.js';
import { adminCommandList, adminCommandResponse } from './admin/admin-commands.js';
import { encodeJson } from './admin/json-value.js';
import type { AdminHttpHandlers } from './adapters/admin-http.js';
import type { MemberMetrics } from './admin/member-metrics.js';

/** What the answers read from the running member. */
export interface MemberAdminContext {
  peer: Peer;
  whitelist: ReadonlySet<string>;
  isEnsemble: boolean;
  startedAtMs: number;
  /** The bound client port, or the configured one before the listener is up. */
  clientPort: () => number;
  dataDir: string;
  dataLogDir: string;
  /** Every member's addresses (an ensemble member), for conf, leader and voting_view. */
  ensembleAddresses: () => readonly EnsembleMemberAddress[];
  lastSnapshot: () => { zxid: bigint; timestampMs: number } | null;
  initLimitTicks: number;
  syncLimitTicks: number;
}

export function captureMemberState(context: MemberAdminContext): ServerSnapshot {
  const { startedAtMs } = context;
  return captureServerState({
    peer: context.peer,
    isEnsemble: context.isEnsemble,
    clientPort: context.clientPort(),
    dataDir: context.dataDir,
    dataLogDir: context.dataLogDir,
    startedAtMs,
    builtAtMs: startedAtMs,
    traceMask: 306n,
    env: [
      // kazoo's server_version() parses this line, so it carries srvr's version text.
      ['zookeeper.version', formatVersion(zooVersion, startedAtMs)],
      ['host.name', hostname()],
    ],
    quorum: context.isEnsemble ? quorumConfig(context) : null,
  });
}

/** conf's quorum lines: `zoo status` and other tools find the ensemble's members there. */
function quorumConfig(context: MemberAdminContext): QuorumConfigSnapshot {
  const members = context.ensembleAddresses();
  const self = members.find((member) => member.id === context.peer.options.serverId);
  // ZooKeeper prints the ports alone here; Zoo's one peer port serves quorum and election.
  const peerAddress = self?.peerAddress ?? '';
  const peerPort = peerAddress.slice(peerAddress.lastIndexOf(':') + 1);
  return {
    initLimit: context.initLimitTicks,
    syncLimit: context.syncLimitTicks,
    electionAlg: 3,
    electionPort: peerPort,
    quorumPort: peerPort,
    peerType: self?.isObserver === true ? 1 : 0,
    membership: [...members.map(serverLine), 'version=0'],
  };
}

/** The answer to a four-letter word, or null for a code that is not one. */
export function answerFourLetterWord(code: number, context: MemberAdminContext): string | null {
  const { peer, whitelist } = context;
  const word = fourLetterWords.get(code);
  if (word === undefined) return null;
  const action = fourLetterWordAction(word, whitelist);
  if (action === 'resetServerStats') peer.stats.reset();
  if (action === 'resetConnectionStats') peer.resetConnectionStats();
  // ZooKeeper counts a four-letter word as a received packet before answering it, and its
  // answer as a sent one after (so a second srvr sees the first one's answer counted).
  peer.stats.packetsReceived += 1;
  queueMicrotask(() => (peer.stats.packetsSent += 1));
  return runFourLetterWord(word, captureMemberState(context), whitelist);
}

export function captureAdminSnapshot(context: MemberAdminContext): AdminSnapshot {
  const server = captureMemberState(context);
  if (!context.isEnsemble) {
    return {
      server,
      ensemble: null,
      lastSnapshot: context.lastSnapshot(),
      initialConfiguration: '',
    };
  }
  const { peer } = context;
  const members = context.ensembleAddresses();
  const replication = peer.replication;
  return {
    server,
    ensemble: {
      serverId: peer.options.serverId,
      leaderId: replication.leader,
      zabState:
        replication.role === 'looking'
          ? 'election'
          : replication.isServing
            ? 'broadcast'
            : 'synchronization',
      members,
    },
    lastSnapshot: context.lastSnapshot(),
    initialConfiguration: members.map(serverLine).join('\n'),
  };
}

/** The admin port's answers: commands as ZooKeeper's JSON, metrics from the member's registry. */
export function adminHttpHandlers(
  context: MemberAdminContext,
  metrics: MemberMetrics,
): AdminHttpHandlers {
  const { peer } = context;
  return {
    command(name) {
      if (name === null) return encodeJson(adminCommandList());
      const response = adminCommandResponse(name, {
        isServing: () => peer.isServing,
        perform: (action) =>
          action === 'resetServerStats' ? peer.stats.reset() : peer.resetConnectionStats(),
        capture: () => captureAdminSnapshot(context),
      });
      return encodeJson(response);
    },
    metrics: () => metrics.exposition(),
  };
}
