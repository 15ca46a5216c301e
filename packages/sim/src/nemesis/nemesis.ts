// Applies a fault schedule to a simulated ensemble: partitions, crashes (also inside the windows
// where ZAB implementations lost data: mid-write, after the write before the ACK, during sync),
// restarts, pauses, clock skew, connection resets, slow links, and disks that stall, lose or
// tear unsynced writes at a crash, fail a call, or flip a bit.

import type { PeerMessage } from '@zoo/server/internals';
import type { CrashWindow, Fault, FaultStep, UnsyncedFate } from '../scenario.js';
import type { SeededRandom } from '@zoo/server/internals';
import type { World } from '../world/world.js';
import type { TimelineRecorder } from '../world/timeline-recorder.js';
import type { Connectivity } from '../net/connectivity.js';
import type { ClientLinks } from '../net/client-links.js';
import type { PeerMesh } from '../net/peer-mesh.js';
import type { SimServer } from '../node/sim-server.js';
import type { WorkloadClient } from '../workload/workload-client.js';
import { describeFault } from './describe-fault.js';
import { armDiskError, DiskDamage } from './disk-damage.js';
import { SessionRaces } from './session-race.js';
import { LaggingMember } from './lagging-member.js';
import { leaderPairGroups } from './leader-pair.js';

/** A crash armed for a window that never came is dropped after this long. */
const armedCrashMaxMs = 10_000;
const syncMessages: ReadonlySet<PeerMessage['type']> = new Set(['diff', 'trunc', 'snap']);

export interface NemesisParts {
  world: World;
  servers: readonly SimServer[];
  /** Filled once the workload starts. */
  clients: readonly WorkloadClient[];
  connectivity: Connectivity;
  mesh: PeerMesh;
  links: ClientLinks;
  timeline: TimelineRecorder;
  random: SeededRandom;
}

export class Nemesis {
  faultsInjected = 0;
  /** Servers armed to crash when a sync message reaches them, until the given time. */
  private readonly crashOnSync = new Map<number, number>();
  private readonly disks: DiskDamage;
  private readonly races: SessionRaces;
  private readonly lagging: LaggingMember;

  constructor(private readonly parts: NemesisParts) {
    parts.mesh.observer = (_from, to, message) => this.onPeerDelivery(to, message);
    this.disks = new DiskDamage(parts.world, parts.servers, () => this.leader());
    this.races = new SessionRaces(parts);
    this.lagging = new LaggingMember(parts);
  }

  /** Schedules every step, `startMs` being the schedule's time zero. */
  schedule(steps: readonly FaultStep[], startMs: number): void {
    for (const step of steps) {
      this.parts.world.at(startMs + step.atMs, () => this.apply(step.fault));
    }
  }

  apply(fault: Fault): void {
    const { world, connectivity, timeline } = this.parts;
    this.faultsInjected += 1;
    const label = describeFault(fault);
    world.record(`fault ${label}`);
    timeline.instant('faults', 'fault', label, world.nowMs);
    switch (fault.type) {
      case 'partition':
        connectivity.partition(fault.groups);
        return this.markPartitions();
      case 'isolateLeader': {
        const leader = this.leader();
        if (leader !== null) connectivity.isolate(leader.id);
        return this.markPartitions();
      }
      case 'isolateLeaderPair':
      case 'lagMember':
        return this.applyTargeted(fault);
      case 'oneWay':
        connectivity.oneWay(fault.from, fault.to);
        return this.markPartitions();
      case 'ring':
        connectivity.ring();
        return this.markPartitions();
      case 'bridge':
        connectivity.bridge();
        return this.markPartitions();
      case 'partitionClients':
        connectivity.cutClients(fault.clients, fault.servers);
        return this.markPartitions();
      case 'heal':
        connectivity.heal();
        return this.markPartitions();
      case 'crash':
        return this.crash(this.target(fault.server), fault.unsynced);
      case 'crashAt':
        return this.armCrash(this.target(fault.server), fault.window, fault.unsynced);
      case 'restart':
        return this.restart(this.server(fault.server));
      case 'diskError':
        return armDiskError(this.target(fault.server), fault.code);
      case 'bitFlip':
        return this.flipBit(this.server(fault.server));
      case 'pause':
        return this.pause(this.target(fault.server), fault.forMs);
      case 'clock':
        return this.skewClock(fault);
      case 'reset':
        return this.reset(fault.server);
      case 'slow':
        connectivity.slow(`s${fault.server}`, fault.extraMs);
        return;
      case 'diskStall': {
        const server = this.server(fault.server);
        if (server !== null) server.disk.stallMs = fault.extraMs;
        return;
      }
      case 'crashClient':
        return this.client(fault.client)?.crash();
      case 'restartClient':
        return this.client(fault.client)?.restart();
      case 'pauseClient':
        return this.client(fault.client)?.pause(fault.forMs);
      case 'sessionRace':
        return this.races.start(fault);
    }
  }

  /** Drops every client connection and peer link of the server, if it is up. */
  private reset(id: number): void {
    const server = this.server(id);
    if (server === null || !server.isUp) return;
    this.parts.links.resetServer(server.process.name, { tellServer: true });
    this.parts.mesh.resetServer(server.id);
  }

  /** The end of the faults: heal, wake, restart, and let disks and links run normally. */
  healAll(): void {
    const { world, connectivity, servers } = this.parts;
    world.record('heal all');
    connectivity.heal();
    connectivity.clearSlow();
    this.lagging.end();
    this.crashOnSync.clear();
    for (const server of servers) {
      server.disk.stallMs = 0;
      server.disk.hooks = {};
      server.disk.fs.armedError = null;
      if (server.isUp) continue;
      if (this.disks.isDamaged(server)) this.disks.restartOnceLed(server, (s) => this.start(s));
      else this.restart(server);
    }
    for (const client of this.parts.clients) client.restart();
    this.markPartitions();
  }

  private crash(server: SimServer | null, unsynced?: UnsyncedFate): void {
    if (server === null || !server.isUp) return;
    server.crash(unsynced);
    this.parts.timeline.begin(`s${server.id}`, 'down', 'crashed', this.parts.world.nowMs);
  }

  /** A damaged disk's member waits for the heal (see DiskDamage). */
  private restart(server: SimServer | null): void {
    if (server === null || server.isUp) return;
    if (this.disks.isDamaged(server)) {
      this.parts.world.record(`s${server.id} stays down: its damaged disk waits for the heal`);
      return;
    }
    this.start(server);
  }

  /** The faults aimed at the leader's pair or at a lagging member, who depend on the leader. */
  private applyTargeted(fault: Extract<Fault, { type: 'isolateLeaderPair' | 'lagMember' }>) {
    if (fault.type === 'lagMember') return this.lagging.start(fault, this.leader()?.id ?? null);
    const { servers, connectivity } = this.parts;
    const ids = servers.map((server) => server.id);
    const voters = servers.filter((server) => !server.isObserver).map((server) => server.id);
    const groups = leaderPairGroups(this.leader()?.id ?? null, fault.follower, { voters, ids });
    if (groups !== null) connectivity.partition(groups);
    this.markPartitions();
  }

  private skewClock(fault: Extract<Fault, { type: 'clock' }>): void {
    const server = this.server(fault.server);
    if (server === null) return;
    server.clock.offsetMs += fault.offsetMs;
    server.clock.driftPpm = fault.driftPpm;
  }

  /** The server crashes and a bit of its disk flips, read back when it next recovers. */
  private flipBit(server: SimServer | null): void {
    if (server === null || !this.disks.mayDamage(server)) return;
    this.crash(server);
    this.disks.flipBit(server);
  }

  private start(server: SimServer): void {
    this.parts.timeline.end(`s${server.id}`, 'down', this.parts.world.nowMs);
    server.start();
  }

  private pause(server: SimServer | null, forMs: number): void {
    if (server === null || !server.isUp) return;
    const { world, timeline } = this.parts;
    server.process.pause(forMs);
    const lane = `s${server.id}`;
    timeline.begin(lane, 'paused', `paused ${forMs} ms`, world.nowMs);
    world.after(forMs, () => timeline.end(lane, 'paused', world.nowMs));
  }

  private armCrash(server: SimServer | null, window: CrashWindow, unsynced?: UnsyncedFate): void {
    if (server === null || !server.isUp) return;
    const { world } = this.parts;
    const untilMs = world.nowMs + armedCrashMaxMs;
    const disarm = (): void => {
      server.disk.hooks = {};
    };
    switch (window) {
      case 'duringWrite':
        // Written but not yet synced when the process dies: lost, kept or torn.
        server.disk.hooks = {
          written: () => {
            disarm();
            if (world.nowMs <= untilMs) world.after(0, () => this.crash(server, unsynced));
          },
        };
        return;
      case 'afterWriteBeforeAck':
      case 'afterEpochsBeforeAck': {
        // Durable, but the ACKs (and the leader's self-ACK) never leave; for the epochs window,
        // a new epoch accepted (or, at NEWLEADER, made current) is durable, its ACK never sent.
        const crash = (): void => {
          disarm();
          if (world.nowMs <= untilMs) this.crash(server, unsynced);
        };
        const isEpochs = window === 'afterEpochsBeforeAck';
        server.disk.hooks = isEpochs ? { epochsDurable: crash } : { writeDurable: crash };
        return;
      }
      case 'duringSync':
        this.crashOnSync.set(server.id, untilMs);
        return;
    }
  }

  private onPeerDelivery(to: number, message: PeerMessage): void {
    const untilMs = this.crashOnSync.get(to);
    if (untilMs === undefined || !syncMessages.has(message.type)) return;
    this.crashOnSync.delete(to);
    const { world, random } = this.parts;
    if (world.nowMs > untilMs) return;
    // Somewhere inside the sync: before, while or after it persists what it received.
    world.after(random.nextFloat() * 3, () => this.crash(this.server(to)));
  }

  private markPartitions(): void {
    const { world, connectivity, servers, timeline } = this.parts;
    for (const server of servers) {
      const lane = `s${server.id}`;
      if (connectivity.isPartitioned(server.id)) {
        timeline.begin(lane, 'partitioned', connectivity.describe(), world.nowMs);
      } else {
        timeline.end(lane, 'partitioned', world.nowMs);
      }
    }
    for (const client of this.parts.clients) {
      const lane = client.process.name;
      const cut = servers.filter((server) => connectivity.cutsClient(lane, `s${server.id}`));
      if (cut.length > 0) {
        const label = `cut from ${cut.map((server) => `s${server.id}`).join(',')}`;
        timeline.begin(lane, 'partitioned', label, world.nowMs);
      } else {
        timeline.end(lane, 'partitioned', world.nowMs);
      }
    }
  }

  private target(server: number | 'leader'): SimServer | null {
    return server === 'leader' ? this.leader() : this.server(server);
  }

  private client(id: number): WorkloadClient | null {
    return this.parts.clients.find((client) => client.process.name === `c${id}`) ?? null;
  }

  private server(id: number): SimServer | null {
    return this.parts.servers.find((server) => server.id === id) ?? null;
  }

  private leader(): SimServer | null {
    return (
      this.parts.servers.find((server) => {
        const replication = server.peer?.replication;
        return replication?.role === 'leading' && replication.isServing;
      }) ?? null
    );
  }
}
