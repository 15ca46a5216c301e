// A simulated run as data: the scenario in (seed, ensemble, workload, fault schedule) and the
// result out. `simulate(scenario)` is a pure function of the scenario: same scenario, same trace.

import type { History, Violation } from './history/history.js';
import type { RecipeBug } from './workload/planted-recipe-bugs.js';

/** The kinds of fault a schedule may draw from (`--faults`). */
export const faultKinds = [
  'partition',
  'crash',
  'pause',
  'clock',
  'reset',
  'slow',
  'disk',
  /** Multi-crash schedules in the windows where ZAB implementations lost data (templates). */
  'multiCrash',
  /** Ephemeral creates racing their session's close or expiry (ZOOKEEPER-1208 class). */
  'sessionRace',
  /** The leader cut off with exactly one follower (2 | 3 of 5). */
  'leaderPair',
  /** One member's replication slowed, and reconnecting clients sent to it. */
  'lagging',
  /** Client hosts crash, restart and pause; clients are cut from servers. */
  'client',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** One fault, applied at `atMs` of virtual time. Server ids are 1-based. */
export type Fault =
  /** Servers in different groups cannot reach each other (clients are cut by partitionClients). */
  | { type: 'partition'; groups: number[][] }
  /** Cut whoever leads at that moment from every other server. */
  | { type: 'isolateLeader' }
  /** Messages from `from` to `to` are lost (the link breaks one way only). */
  | { type: 'oneWay'; from: number; to: number }
  /** Each server reaches only its ring neighbours (a majority ring). */
  | { type: 'ring' }
  /** Two halves that reach each other only through one bridge server (the middle id). */
  | { type: 'bridge' }
  /** The listed clients cannot reach the listed servers (packets lost both ways). */
  | { type: 'partitionClients'; clients: number[]; servers: number[] }
  | { type: 'heal' }
  /**
   * Crash at once (`leader`: whoever leads then); what its disk had not synced is lost, kept or
   * torn, as `unsynced` says (drawn from the seed when absent).
   */
  | { type: 'crash'; server: number | 'leader'; unsynced?: UnsyncedFate }
  /**
   * Crash in a dangerous window: right after the server's next write reaches the page cache
   * (before its fsync completes), right after the log says a write is durable (before the ACKs
   * leave), or during a sync from a leader. `unsynced` as for `crash`.
   */
  | { type: 'crashAt'; server: number | 'leader'; window: CrashWindow; unsynced?: UnsyncedFate }
  | { type: 'restart'; server: number }
  /** Freeze a process (a long GC pause): it handles nothing until `forMs` later. */
  | { type: 'pause'; server: number | 'leader'; forMs: number }
  /** Set a server's clock offset and drift. */
  | { type: 'clock'; server: number; offsetMs: number; driftPpm: number }
  /** Reset every connection of a server (clients and peers), possibly mid-message. */
  | { type: 'reset'; server: number }
  /** Add latency to every link of a server, or remove it (extraMs 0). */
  | { type: 'slow'; server: number; extraMs: number }
  /** Stall a server's fsyncs by `extraMs` each (a failing or overloaded disk), or end it (0). */
  | { type: 'diskStall'; server: number; extraMs: number }
  /**
   * The server's next sync fails with EIO (a failing device) or its next write with ENOSPC (a
   * full disk): its log stops, and the server with it, until a restart.
   */
  | { type: 'diskError'; server: number | 'leader'; code: 'EIO' | 'ENOSPC' }
  /**
   * The server crashes and one bit of its stored data flips. Only a minority's disks are ever
   * damaged; a damaged member restarts only at the heal, once a leader serves, and its
   * directory is wiped (to resync) if recovery refuses it.
   */
  | { type: 'bitFlip'; server: number }
  /**
   * A client host dies: its connections reset, its session is left to expire, and what it had
   * in flight stays unknown. `restartClient` starts the process again with a new session.
   */
  | { type: 'crashClient'; client: number }
  | { type: 'restartClient'; client: number }
  /** Freeze a client process (a long GC pause): its session may expire meanwhile. */
  | { type: 'pauseClient'; client: number; forMs: number }
  /**
   * A new client of `server` creates an ephemeral while its session ends: it closes the session
   * with the create in flight (`close`), or goes silent for `pauseMs` and creates the moment it
   * wakes, about when its session expires (`expire`). See nemesis/session-race.ts.
   */
  | { type: 'sessionRace'; server: number; ending: SessionEnding; pauseMs: number }
  /**
   * Cut whoever leads at that moment, together with one follower, from everyone else: the
   * follower is the voter `follower`, or the next voter after it if that one leads.
   */
  | { type: 'isolateLeaderPair'; follower: number }
  /**
   * Peer messages to `server` (or, if it leads then, to the next member after it) arrive
   * `delayMs` late for `forMs`: it falls behind without being cut off. While it lags, clients'
   * connection attempts go to it, and after `delayMs` every client connection to another server
   * is reset, so that the clients try to resume their sessions on the lagging member.
   */
  | { type: 'lagMember'; server: number; delayMs: number; forMs: number };

export type SessionEnding = 'close' | 'expire';

/**
 * `logAckBeforeSync`: the durable log answers a batch before its fdatasync. `watchAfterReply`:
 * each watch event reaches its client only after the next reply (planted on the client's
 * connections, workload/planted-watch-bugs.ts). `epochsRollBack`: after a crash the disk hands
 * back the epochs file a version behind. `ephemeralAfterClose`: the leader proposes a session's
 * last ephemeral create again right after its close.
 * `lastZxidSeenZeroed`: the simulated client link zeroes a ConnectRequest's lastZxidSeen.
 * `staleResume`: that, and the peer network answers a learner's revalidation "valid" at once.
 * `forwardBehindAck`: a learner's forwarded requests wait behind its queued ACKs.
 */
export const plantedBugs = [
  'commitWithoutQuorum',
  'ackBeforePersist',
  'logAckBeforeSync',
  'watchAfterReply',
  'epochsRollBack',
  'ephemeralAfterClose',
  'lastZxidSeenZeroed',
  'staleResume',
  'forwardBehindAck',
] as const;
export type PlantedBug = (typeof plantedBugs)[number];

/** `afterEpochsBeforeAck`: new epochs are durable, the epoch's ACK has not left. */
export type CrashWindow =
  'duringWrite' | 'afterWriteBeforeAck' | 'duringSync' | 'afterEpochsBeforeAck';

/** What a crash does to the disk's changes not yet synced: none, all, or a prefix torn inside. */
export type UnsyncedFate = 'lost' | 'kept' | 'torn';
export const unsyncedFates: readonly UnsyncedFate[] = ['lost', 'kept', 'torn'];

/**
 * Weights over the fault kinds a schedule draws (nemesis/fault-profiles.ts). `even`, the
 * default, draws every fault of every enabled kind alike, as before profiles existed.
 */
export const faultProfiles = [
  'even',
  'partition-heavy',
  'crash-heavy',
  'disk-heavy',
  'client-heavy',
] as const;
export type FaultProfile = (typeof faultProfiles)[number];

export interface FaultStep {
  atMs: number;
  fault: Fault;
}

/** Every server id of a scenario: the voters 1..nodes, then the observers. */
export function serverIds(scenario: Pick<Scenario, 'nodes' | 'observers'>): number[] {
  return Array.from({ length: scenario.nodes + (scenario.observers ?? 0) }, (_, i) => i + 1);
}

export interface Scenario {
  seed: number;
  /** Voting servers, 1 to 7: a majority of them is the quorum. */
  nodes: number;
  /** Observers (ids after the voters): they serve and forward writes, never vote. */
  observers?: number;
  clients: number;
  /** Virtual time the faults and workload run; a quiet heal-and-check phase follows. */
  durationMs: number;
  faults: readonly FaultKind[];
  /** How the schedule weights the enabled kinds; `even` when absent. */
  profile?: FaultProfile;
  /** The fault schedule; drawn from the seed when absent (fast-check passes its own). */
  schedule?: readonly FaultStep[];
  /** Planted bugs that the suite uses to prove the checkers catch them. Never in production. */
  plantedBug?: PlantedBug;
  /** A recipe bug planted in the workload, to prove the recipe checker catches it. */
  plantedRecipeBug?: RecipeBug;
}

/** One row element of the HTML timeline (nodes × time). */
export interface TimelineEntry {
  /** `s1`..`sN` for servers, `c1`..`cN` for clients. */
  lane: string;
  startMs: number;
  /** Null: an instant. */
  endMs: number | null;
  kind: 'role' | 'down' | 'paused' | 'partitioned' | 'op' | 'fault' | 'violation';
  label: string;
  /** For ops: ok, fail or unknown. */
  status?: 'ok' | 'fail' | 'unknown';
}

export interface SimStats {
  simulatedMs: number;
  wallMs: number;
  events: number;
  faults: number;
  opsChecked: number;
}

export interface SimResult {
  scenario: Scenario;
  /** The schedule that ran (drawn or given). */
  schedule: readonly FaultStep[];
  /** SHA-256 over every trace line: equal for equal scenarios. */
  traceDigest: string;
  violations: Violation[];
  history: History;
  timeline: TimelineEntry[];
  stats: SimStats;
}
