// One simulated Zoo server: the real Peer, Zab and PeerLoop over the simulated clock, disk and
// network. It boots from its disk (the last snapshot, the log after it and the epochs), crashes
// at any event, pauses, and reports what it delivers, proposes and leads to the history.

import {
  ClientConnections,
  CorruptDataDirError,
  Peer,
  PeerLoop,
  commitOnOwnAck,
  createZab,
  sha1Digest,
} from '@zoo/server/internals';
import type {
  ByteStream,
  DurableState,
  Env,
  Logger,
  PeerInput,
  PlantedBugs,
  ReplicatedState,
  Replication,
  ReplicationRole,
  Scheduler,
  SeededRandom,
} from '@zoo/server/internals';
import type { ServerEvent, Violation } from '../history/history.js';
import { checkRecoveredState } from '../checkers/recovered-state.js';
import type { EphemeralLifetimes } from '../checkers/ephemeral-lifetimes.js';
import { EphemeralAfterClose } from './planted-ephemeral-after-close.js';
import { plantedOutput } from './planted-forward-behind-ack.js';
import type { World } from '../world/world.js';
import type { AcceptedConnection, ClientAcceptor, ClientLinks } from '../net/client-links.js';
import type { PeerEndpoint, PeerMesh } from '../net/peer-mesh.js';
import { SimProcess } from './sim-process.js';
import { SimDisk, type OpenedDisk } from './sim-disk.js';
import type { UnsyncedFate } from '../scenario.js';
import { SimClock } from './sim-clock.js';
import { FingerprintTable, ObservedReplication } from './observed-replication.js';
import type { ReplicationObserver } from './observed-replication.js';

export interface SimServerOptions {
  id: number;
  voters: readonly number[];
  /** Non-voting members; this server is one if its id is among them. */
  observers?: readonly number[];
  tickMs: number;
  /** Txns between checkpoints: small in the simulator, so that runs cross many of them. */
  snapCount: number;
  world: World;
  mesh: PeerMesh;
  clientLinks: ClientLinks;
  random: SeededRandom;
  record: (event: ServerEvent) => void;
  /** Role changes, for the timeline. */
  onRole?: (server: number, role: ReplicationRole, isServing: boolean) => void;
  /** Bugs planted from outside the server code, for the simulator's self-tests. */
  plantedBugs?: SimPlantedBugs;
  /** The server stopped by itself: its disk failed, or its boot did. */
  onStopped?: (stop: ServerStop) => void;
  /** What the server's own checks found: its recovery, its ephemerals (see invariants()). */
  onViolation?: (violation: Violation) => void;
  /** The ensemble's ended sessions, whose ephemerals no member may keep. */
  ephemerals?: EphemeralLifetimes;
  /** Shared by the run's servers, so that equal txns share one fingerprint string. */
  fingerprints?: FingerprintTable;
}

export type SimPlantedBugs = PlantedBugs & {
  /** The durable log answers each batch before its fdatasync. */
  logAckBeforeSync?: boolean;
  /** After a crash, the disk hands back the epochs file a version behind (SimFs). */
  epochsRollBack?: boolean;
  /** The leader proposes a session's last ephemeral create again after its close. */
  ephemeralAfterClose?: boolean;
  /** A learner's forwards wait behind its ACKs (planted-forward-behind-ack.ts). */
  forwardBehindAck?: boolean;
};

export interface ServerStop {
  server: number;
  cause: string;
  /** Recovery refused the data directory (CorruptDataDirError). */
  isRefused: boolean;
  /** A bit had been flipped on its disk (a refusal is then expected, and repaired at heal). */
  wasDamaged: boolean;
}

interface Running {
  peer: Peer;
  loop: PeerLoop;
  connections: ClientConnections;
}

export class SimServer implements ClientAcceptor, PeerEndpoint {
  readonly process: SimProcess;
  readonly disk: SimDisk;
  readonly clock: SimClock;
  private running: Running | null = null;
  private isBooting = false;
  /** Counts boots, so that one a crash interrupted never carries on. */
  private bootAttempt = 0;
  /** Why the last boot refused the data directory (CorruptDataDirError), or null. */
  refusedDataDir: string | null = null;
  /**
   * The history's incarnation: a new one at every boot and at every SNAP the server installs,
   * because either way its deliveries start over from a snapshot's zxid.
   */
  private deliveryRun = 0;
  private readonly ephemeralAfterClose = new EphemeralAfterClose();

  constructor(private readonly options: SimServerOptions) {
    this.process = new SimProcess(`s${options.id}`, options.world);
    this.disk = new SimDisk(options.world, this.process, options.random.fork(), {
      dataDir: `/s${options.id}`,
      ...(options.plantedBugs?.logAckBeforeSync === true ? { plantedAckBeforeSync: true } : {}),
      ...(options.plantedBugs?.epochsRollBack === true ? { plantedEpochsRollBack: true } : {}),
    });
    this.clock = new SimClock(options.world);
    options.mesh.addServer(options.id, this);
    options.clientLinks.addServer(this.process.name, this);
  }

  get id(): number {
    return this.options.id;
  }

  get isObserver(): boolean {
    return !this.options.voters.includes(this.options.id);
  }

  get peer(): Peer | null {
    return this.running?.peer ?? null;
  }

  /** Running, or booting (recovering its data directory). */
  get isUp(): boolean {
    return this.process.isUp || this.isBooting;
  }

  /** Boots: recovers the data directory, then serves from what it holds. */
  start(): void {
    if (this.isUp) return;
    this.bootAttempt += 1;
    this.isBooting = true;
    this.options.world.hasPendingMicrotasks = true;
    void this.boot(this.bootAttempt);
  }

  private async boot(attempt: number): Promise<void> {
    const log = this.logger();
    let incarnation = -1;
    let opened: OpenedDisk;
    try {
      opened = await this.disk.open({
        logger: log,
        // Nothing more can be made durable, so nothing more may be acknowledged: the process
        // stops, as the real server closes itself (start-server.ts).
        onFatal: (error) => {
          if (this.process.isUp && this.process.incarnation === incarnation) {
            this.stop(`disk failure: ${error.message}`);
          }
        },
      });
    } catch (error) {
      if (attempt === this.bootAttempt && this.isBooting) this.bootFailed(error);
      return;
    }
    if (attempt !== this.bootAttempt || !this.isBooting) return;
    this.isBooting = false;
    this.refusedDataDir = null;
    this.checkRecovered(opened);
    incarnation = this.process.boot();
    this.run(opened, log);
  }

  private run(opened: OpenedDisk, log: Logger): void {
    const { id, mesh } = this.options;
    const { recovered } = opened;
    this.beginDeliveryRun(recovered.snapshot?.zxid ?? 0n, 'start');
    const { acceptedEpoch, currentEpoch, isRejoining = false } = recovered;
    const durable = { acceptedEpoch, currentEpoch, isRejoining, log: recovered.log };
    const peer = new Peer(
      {
        serverId: id,
        tickMs: this.options.tickMs,
        snapCount: this.options.snapCount,
        startMs: this.clock.nowMs(),
        digestOf: sha1Digest,
      },
      (replicated) => this.replication(replicated, durable),
      recovered.snapshot,
    );
    let loop: PeerLoop | null = null;
    const connections = new ClientConnections({
      packetBytesMax: peer.options.packetBytesMax,
      log,
      submit: (input) => loop?.submit(input),
      fourLetterWord: () => null,
      packetSent: (connectionId) => peer.packetSent(connectionId),
    });
    const env: Env = {
      clock: this.clock,
      scheduler: this.scheduler(),
      log,
      txnLog: opened.txnLog,
      peers: mesh.sender(id),
    };
    loop = new PeerLoop(peer, env, connections);
    this.running = { peer, loop, connections };
    peer.start();
    loop.drain();
    mesh.serverStarted(id);
  }

  private replication(replicated: ReplicatedState, durable: DurableState): Replication {
    const { id, plantedBugs, voters, observers = [], tickMs } = this.options;
    const zab = createZab({ serverId: id, voters, observers, tickMs }, replicated, durable, {
      random: this.options.random.fork(),
      ...(plantedBugs?.commitWithoutQuorum === true ? { commitRule: commitOnOwnAck(id) } : {}),
    });
    const planted = plantedBugs?.ephemeralAfterClose === true ? this.ephemeralAfterClose : null;
    const followUp = planted?.followUp.bind(planted);
    return new ObservedReplication(zab, this.observer(), plantedOutput(plantedBugs), followUp);
  }

  /** What recovery handed back must be what the platter held when the last life ended. */
  private checkRecovered(opened: OpenedDisk): void {
    if (opened.durableBefore === null) return;
    const found = checkRecoveredState(this.id, opened.durableBefore, opened.recovered);
    for (const violation of found) this.options.onViolation?.(violation);
  }

  /** Recovery threw: the member does not serve (a corrupt directory waits for its repair). */
  private bootFailed(error: unknown): void {
    const { id, world } = this.options;
    const message = error instanceof Error ? error.message : String(error);
    world.record(`s${id} refuses to start: ${message}`);
    this.isBooting = false;
    const isCorrupt = error instanceof CorruptDataDirError;
    if (isCorrupt) this.refusedDataDir = message;
    this.disk.crash();
    this.options.onStopped?.({
      server: id,
      cause: isCorrupt ? `refused its data: ${message}` : `boot failed: ${message}`,
      isRefused: isCorrupt,
      wasDamaged: this.disk.isDamaged,
    });
  }

  /** Dies at once: no goodbye to anyone; what the disk had not synced meets `fate`. */
  crash(fate?: UnsyncedFate): void {
    if (!this.isUp) return;
    const { id, world } = this.options;
    if (this.isBooting) {
      // Mid-recovery: its calls in flight never complete, and the next boot starts over.
      this.isBooting = false;
      const met = this.disk.crash(fate);
      world.record(`s${id} crash while recovering, unsynced ${met}`);
      return;
    }
    this.halt(`crash #${this.process.incarnation}`, fate);
  }

  /** The process exits on its own (its disk failed): like a crash, told to the timeline. */
  private stop(cause: string): void {
    this.halt(`stops: ${cause}`);
    this.options.onStopped?.({
      server: this.options.id,
      cause,
      isRefused: false,
      wasDamaged: this.disk.isDamaged,
    });
  }

  private halt(what: string, fate?: UnsyncedFate): void {
    const { id, world, mesh, clientLinks } = this.options;
    this.process.crash();
    this.running?.loop.close();
    this.running = null;
    const met = this.disk.crash(fate);
    world.record(`s${id} ${what}, unsynced ${met}`);
    clientLinks.resetServer(this.process.name, { tellServer: false });
    mesh.serverStopped(id);
    this.options.onRole?.(id, 'looking', false);
  }

  submit(input: PeerInput): void {
    this.running?.loop.submit(input);
  }

  accept(stream: ByteStream): AcceptedConnection {
    const running = this.running;
    if (running === null) return { receive: () => undefined, closed: () => undefined };
    const connection = running.connections.open(stream);
    return {
      receive: (chunk) => connection.receive(chunk),
      closed: () => running.connections.closed(connection),
    };
  }

  /** The core's own consistency checks (DESIGN: invariants() after every step). */
  invariants(): void {
    const peer = this.running?.peer;
    if (peer === undefined) return;
    peer.replication.invariants();
    const ended = this.options.ephemerals?.check(this.id, peer.tree) ?? [];
    for (const violation of ended) this.options.onViolation?.(violation);
  }

  private beginDeliveryRun(fromZxid: bigint, cause: string): void {
    const { id, world, record } = this.options;
    this.deliveryRun += 1;
    const incarnation = this.deliveryRun;
    world.record(`s${id} ${cause} #${incarnation} from 0x${fromZxid.toString(16)}`);
    record({ type: 'started', atMs: world.nowMs, server: id, incarnation, fromZxid });
  }

  private observer(): ReplicationObserver {
    const { id, world, record } = this.options;
    const fingerprints = this.options.fingerprints ?? new FingerprintTable();
    return {
      snapshotInstalled: (zxid) => this.beginDeliveryRun(zxid, 'installs a SNAP'),
      delivered: (txn, fingerprint) => {
        this.options.ephemerals?.delivered(txn);
        record({
          type: 'delivered',
          atMs: world.nowMs,
          server: id,
          incarnation: this.deliveryRun,
          zxid: txn.zxid,
          fingerprint: fingerprints.intern(fingerprint),
          origin: { sessionId: txn.sessionId, cxid: txn.cxid },
        });
      },
      proposed: (txn, fingerprint) =>
        record({
          type: 'proposed',
          atMs: world.nowMs,
          server: id,
          incarnation: this.deliveryRun,
          zxid: txn.zxid,
          fingerprint: fingerprints.intern(fingerprint),
        }),
      roleChanged: (role, leader, isServing) => {
        world.record(`s${id} ${role} leader=${leader ?? '-'} serving=${isServing}`);
        this.options.onRole?.(id, role, isServing);
        if (role !== 'leading' || !isServing) return;
        const epoch = this.running?.peer.replication.epoch ?? -1;
        record({
          type: 'established',
          atMs: world.nowMs,
          server: id,
          incarnation: this.deliveryRun,
          epoch,
        });
      },
    };
  }

  private scheduler(): Scheduler {
    const process = this.process;
    return {
      defer: (task) => process.after(0, task),
      every: (intervalMs, task) => {
        let isStopped = false;
        const fire = (): void => {
          if (isStopped) return;
          task();
          process.after(intervalMs, fire);
        };
        process.after(intervalMs, fire);
        return () => {
          isStopped = true;
        };
      },
    };
  }

  /** Warnings and errors go into the trace (they are part of the run); the rest is dropped. */
  private logger(): Logger {
    const { world, id } = this.options;
    return {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => world.record(`s${id} warn ${message}`),
      error: (message) => world.record(`s${id} error ${message}`),
    };
  }
}
