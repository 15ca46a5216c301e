// One simulated Zoo server: the real Peer, Zab and PeerLoop over the simulated clock, disk and
// network. It boots from its disk (the last snapshot, the log after it and the epochs), crashes
// at any event, pauses, and reports what it delivers, proposes and leads to the history.

import {
  ClientConnections,
  Peer,
  PeerLoop,
  commitOnOwnAck,
  createZab,
  sha1Digest,
} from '@zoo/server/internals';
import type {
  ByteStream,
  Env,
  Logger,
  PeerInput,
  PlantedBugs,
  ReplicationRole,
  Scheduler,
} from '@zoo/server/internals';
import type { ServerEvent } from '../history/history.js';
import type { SeededRandom } from '@zoo/server/internals';
import type { World } from '../world/world.js';
import type { AcceptedConnection, ClientAcceptor, ClientLinks } from '../net/client-links.js';
import type { PeerEndpoint, PeerMesh } from '../net/peer-mesh.js';
import { SimProcess } from './sim-process.js';
import { SimDisk } from './sim-disk.js';
import { SimClock } from './sim-clock.js';
import { ObservedReplication } from './observed-replication.js';
import type { ReplicationObserver } from './observed-replication.js';

export interface SimServerOptions {
  id: number;
  voters: readonly number[];
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
  plantedBugs?: PlantedBugs;
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
  /**
   * The history's incarnation: a new one at every boot and at every SNAP the server installs,
   * because either way its deliveries start over from a snapshot's zxid.
   */
  private deliveryRun = 0;

  constructor(private readonly options: SimServerOptions) {
    this.process = new SimProcess(`s${options.id}`, options.world);
    this.disk = new SimDisk(options.world, this.process, options.random.fork());
    this.clock = new SimClock(options.world);
    options.mesh.addServer(options.id, this);
    options.clientLinks.addServer(this.process.name, this);
  }

  get id(): number {
    return this.options.id;
  }

  get peer(): Peer | null {
    return this.running?.peer ?? null;
  }

  get isUp(): boolean {
    return this.process.isUp;
  }

  start(): void {
    const { id, mesh } = this.options;
    this.process.boot();
    const platter = this.disk.platter;
    const fromZxid = platter.snapshot?.zxid ?? 0n;
    this.beginDeliveryRun(fromZxid, 'start');
    const observer = this.observer();
    const peer = new Peer(
      {
        serverId: id,
        tickMs: this.options.tickMs,
        snapCount: this.options.snapCount,
        startMs: this.clock.nowMs(),
        digestOf: sha1Digest,
      },
      (replicated) => {
        const zab = createZab(
          { serverId: id, voters: this.options.voters, observers: [], tickMs: this.options.tickMs },
          replicated,
          platter,
          {
            random: this.options.random.fork(),
            ...(this.options.plantedBugs?.commitWithoutQuorum === true
              ? { commitRule: commitOnOwnAck(id) }
              : {}),
          },
        );
        const isAckBeforePersist = this.options.plantedBugs?.ackBeforePersist === true;
        return new ObservedReplication(zab, observer, isAckBeforePersist);
      },
      platter.snapshot,
    );
    const log = this.logger();
    let loop: PeerLoop | null = null;
    const connections = new ClientConnections({
      packetBytesMax: peer.options.packetBytesMax,
      log,
      submit: (input) => loop?.submit(input),
      fourLetterWord: () => null,
    });
    const env: Env = {
      clock: this.clock,
      scheduler: this.scheduler(),
      log,
      txnLog: this.disk,
      peers: mesh.sender(id),
    };
    loop = new PeerLoop(peer, env, connections);
    this.running = { peer, loop, connections };
    peer.start();
    loop.drain();
    mesh.serverStarted(id);
  }

  /** Dies at once: no goodbye to anyone, unsynced writes lost. */
  crash(): void {
    if (!this.process.isUp) return;
    const { id, world, mesh, clientLinks } = this.options;
    world.record(`s${id} crash #${this.process.incarnation}`);
    this.process.crash();
    this.running?.loop.close();
    this.running = null;
    this.disk.crash();
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
    this.running?.peer.replication.invariants();
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
    return {
      snapshotInstalled: (zxid) => this.beginDeliveryRun(zxid, 'installs a SNAP'),
      delivered: (txn, fingerprint) =>
        record({
          type: 'delivered',
          atMs: world.nowMs,
          server: id,
          incarnation: this.deliveryRun,
          zxid: txn.zxid,
          fingerprint,
        }),
      proposed: (txn, fingerprint) =>
        record({
          type: 'proposed',
          atMs: world.nowMs,
          server: id,
          incarnation: this.deliveryRun,
          zxid: txn.zxid,
          fingerprint,
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
