// startCluster: a whole Zoo ensemble inside this process — each member with its own loopback
// client port and a ws peer link to every other member — plus the controls a test needs:
// find the leader, stop or kill a member, restart it, cut it off from its peers and heal it.
// Like Curator's TestingCluster, but in Node.

import { join } from 'node:path';
import { openMemberStorage, type MemberStorage } from './member-storage.js';
import type { ServerInstance } from './server-instance.js';
import { loggerOf, type ServerOptions } from './server-options.js';
import type { PeerNetwork } from './adapters/ws-peer-network.js';
import { startEnsembleMember } from './start-ensemble-member.js';
import type { EnsembleMemberAddress } from './admin/admin-snapshot.js';

export interface StartClusterOptions extends ServerOptions {
  /** Voting members, any number from 1 (default 3): a majority of them is the quorum. */
  size?: number;
  /** Non-voting members that serve reads and forward writes (default 0). */
  observers?: number;
  /** First client port (member i gets base + i − 1); default 0: free ports. */
  basePort?: number;
  /**
   * Keeps each member's acknowledged writes on disk under this directory, one folder per
   * member: named by its client port when `basePort` is given (so ensembles on other ports
   * never collide), else `member-<id>`. A restarted member, or the same ensemble started again,
   * recovers from it. Without it the members keep their state in memory.
   */
  dataDir?: string;
  /**
   * Admin HTTP ports (`/commands`, `/metrics`): member i gets adminPort + i − 1; 0 gives each
   * a free one. Off unless given.
   */
  adminPort?: number;
}

export interface ClusterMember {
  readonly id: number;
  readonly isObserver: boolean;
  /** `host:port` of this member's client port (stable across restarts). */
  readonly connectString: string;
  readonly port: number;
  /** The member's admin HTTP port (null when off or stopped). */
  readonly adminPort: number | null;
  readonly isRunning: boolean;
}

export interface ZooCluster {
  /** Every member's client address, comma-separated: what ZooKeeper clients take. */
  readonly connectString: string;
  readonly members: readonly ClusterMember[];
  /** The id of the serving leader, or null while there is none. */
  leader(): number | null;
  /** Resolves with the leader's id once a leader serves and every running member serves too. */
  waitForLeader(timeoutMs?: number): Promise<number>;
  /** Closes a member's client port and peer links (as a clean shutdown). */
  stop(id: number): Promise<void>;
  /** Stops a member abruptly: its sockets close at once. */
  kill(id: number): Promise<void>;
  /**
   * Starts a stopped member again on the same ports. With a dataDir it recovers what it had
   * logged; in memory it comes back empty (as after losing its disk). Either way it then
   * catches up from the leader (DIFF, TRUNC or SNAP).
   */
  restart(id: number): Promise<void>;
  /** Cuts a member off from every peer (its clients stay connected); `heal` undoes it. */
  isolate(id: number): void;
  heal(id: number): void;
  /** The member's role: 'leading', 'following', 'observing' or 'looking' (null if stopped). */
  roleOf(id: number): string | null;
  /** The member's last applied zxid and a digest of its whole tree (null if stopped). */
  stateOf(id: number): { zxid: bigint; digest: string } | null;
  close(): Promise<void>;
}

interface MemberSlot {
  id: number;
  isObserver: boolean;
  port: number;
  peerPort: number;
  /** Requested admin port (0: free; kept once bound, so a restart reuses it), null when off. */
  adminPort: number | null;
  /** The member's storage while it runs (its data directory, or none: in memory). */
  storage: MemberStorage | null;
  instance: ServerInstance | null;
  network: PeerNetwork | null;
}

/** The cluster's members and what starting one needs, shared by startCluster and its controls. */
interface ClusterState {
  options: StartClusterOptions;
  host: string;
  slots: MemberSlot[];
  voters: number[];
  observers: number[];
  /** Every started member's peer address, handed to each member's network. */
  peerAddresses: Map<number, { host: string; port: number }>;
}

export async function startCluster(options: StartClusterOptions = {}): Promise<ZooCluster> {
  const slots = memberSlots(options);
  const cluster: ClusterState = {
    options,
    host: options.host ?? '127.0.0.1',
    slots,
    voters: slots.filter((s) => !s.isObserver).map((s) => s.id),
    observers: slots.filter((s) => s.isObserver).map((s) => s.id),
    peerAddresses: new Map(),
  };
  for (const slot of slots) await startSlot(cluster, slot);
  for (const slot of slots) slot.network?.setPeers(cluster.peerAddresses);
  return clusterControls(cluster);
}

/** One slot per member, voters first: ids 1..size vote, the observers follow. */
function memberSlots(options: StartClusterOptions): MemberSlot[] {
  const size = options.size ?? 3;
  // ZooKeeper takes any number of voters; an even one only tolerates no more failures.
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`cluster size must be a whole number of voters ≥ 1, got ${size}`);
  }
  const observerCount = options.observers ?? 0;
  if (!Number.isInteger(observerCount) || observerCount < 0) {
    throw new RangeError(`observers must be a whole number ≥ 0, got ${observerCount}`);
  }
  const slots: MemberSlot[] = [];
  for (let id = 1; id <= size + observerCount; id += 1) {
    const port =
      options.basePort === undefined || options.basePort === 0 ? 0 : options.basePort + id - 1;
    const adminBase = options.adminPort;
    slots.push({
      id,
      isObserver: id > size,
      port,
      peerPort: 0,
      adminPort: adminBase === undefined ? null : adminBase === 0 ? 0 : adminBase + id - 1,
      storage: null,
      instance: null,
      network: null,
    });
  }
  return slots;
}

/** Starts the slot's member; it keeps the ports it got, so a restart comes back on them. */
async function startSlot(cluster: ClusterState, slot: MemberSlot): Promise<void> {
  const { options, host } = cluster;
  const log = loggerOf(options, `zoo-${slot.id}`, 'warn');
  const storage = await openMemberStorage({
    dataDir: memberDataDir(options, slot),
    snapRetainCount: options.snapRetainCount,
    logger: log,
    onFatal: (error) => {
      log.error(`disk failure, member ${slot.id} stops: ${error.message}`);
      void stopSlot(slot);
    },
  });
  slot.storage = storage;
  let member: Awaited<ReturnType<typeof startEnsembleMember>>;
  try {
    const { adminPort: _base, ...server } = options;
    member = await startEnsembleMember(
      slot.adminPort === null ? server : { ...server, adminPort: slot.adminPort },
      {
        membership: {
          serverId: slot.id,
          voters: cluster.voters,
          observers: cluster.observers,
          tickMs: options.tickMs ?? 2000,
        },
        peerHost: host,
        peerPort: slot.peerPort,
        clientPort: slot.port,
        storage,
        log,
        ensembleAddresses: () => ensembleAddresses(cluster),
      },
    );
  } catch (error) {
    slot.storage = null;
    await storage.close();
    throw error;
  }
  const { instance, network } = member;
  slot.peerPort = network.port;
  slot.network = network;
  slot.port = instance.port;
  slot.adminPort = instance.adminPort;
  slot.instance = instance;
  cluster.peerAddresses.set(slot.id, { host, port: network.port });
}

/** Every member's addresses, as conf, leader and voting_view report them. */
function ensembleAddresses(cluster: ClusterState): EnsembleMemberAddress[] {
  return cluster.slots.map((slot) => {
    const peerPort = cluster.peerAddresses.get(slot.id)?.port ?? slot.peerPort;
    return {
      id: slot.id,
      isObserver: slot.isObserver,
      peerAddress: `${cluster.host}:${peerPort}`,
      clientAddress: `${cluster.host}:${slot.port}`,
    };
  });
}

/** The member's folder under the cluster's dataDir, or null in memory. */
function memberDataDir(options: StartClusterOptions, slot: MemberSlot): string | null {
  if (options.dataDir === undefined) return null;
  const hasFixedPorts = options.basePort !== undefined && options.basePort !== 0;
  return join(options.dataDir, hasFixedPorts ? String(slot.port) : `member-${slot.id}`);
}

async function stopSlot(slot: MemberSlot): Promise<void> {
  const { instance, network, storage } = slot;
  slot.instance = null;
  slot.network = null;
  slot.storage = null;
  await instance?.close();
  await network?.close();
  await storage?.close();
}

function slotOf(cluster: ClusterState, id: number): MemberSlot {
  const slot = cluster.slots.find((s) => s.id === id);
  if (slot === undefined) throw new RangeError(`no cluster member ${id}`);
  return slot;
}

function leaderOf(cluster: ClusterState): number | null {
  for (const slot of cluster.slots) {
    const replication = slot.instance?.peer.replication;
    if (replication?.role === 'leading' && replication.isServing) return slot.id;
  }
  return null;
}

async function waitForLeader(cluster: ClusterState, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const id = leaderOf(cluster);
    const running = cluster.slots.filter((s) => s.instance !== null);
    if (id !== null && running.every((s) => s.instance?.peer.isServing === true)) return id;
    if (Date.now() > deadline) throw new Error(`no serving leader within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A member as the caller sees it: live views of the slot, which a restart updates. */
function memberView(slot: MemberSlot, host: string): ClusterMember {
  return {
    id: slot.id,
    isObserver: slot.isObserver,
    get port() {
      return slot.port;
    },
    get connectString() {
      return `${host}:${slot.port}`;
    },
    get adminPort() {
      return slot.instance === null ? null : slot.adminPort;
    },
    get isRunning() {
      return slot.instance !== null;
    },
  };
}

function clusterControls(cluster: ClusterState): ZooCluster {
  const { slots, host } = cluster;
  return {
    connectString: slots.map((s) => `${host}:${s.port}`).join(','),
    members: slots.map((slot) => memberView(slot, host)),
    leader: () => leaderOf(cluster),
    waitForLeader: (timeoutMs = 30_000) => waitForLeader(cluster, timeoutMs),
    stop: (id) => stopSlot(slotOf(cluster, id)),
    kill: (id) => stopSlot(slotOf(cluster, id)),
    async restart(id) {
      const slot = slotOf(cluster, id);
      if (slot.instance !== null) throw new Error(`member ${id} is running`);
      await startSlot(cluster, slot);
      slot.network?.setPeers(cluster.peerAddresses);
    },
    isolate(id) {
      slotOf(cluster, id).network?.isolate();
      for (const slot of slots) if (slot.id !== id) slot.network?.cut(id);
    },
    heal(id) {
      slotOf(cluster, id).network?.healAll();
      for (const slot of slots) if (slot.id !== id) slot.network?.heal(id);
    },
    roleOf(id) {
      return slotOf(cluster, id).instance?.peer.replication.role ?? null;
    },
    stateOf(id) {
      const peer = slotOf(cluster, id).instance?.peer;
      return peer === undefined ? null : { zxid: peer.lastZxid, digest: peer.tree.digest() };
    },
    async close() {
      for (const slot of slots) await stopSlot(slot);
    },
  };
}
