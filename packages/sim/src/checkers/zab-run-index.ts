// The ZAB checker's one pass over a run's server events: each server life's deliveries, the
// leaderships, and the proposal order per epoch, indexed by numbers and objects (no string keys
// built per event: a run holds tens of thousands of deliveries, and this pass is most of the
// checker's time).

import type { ServerEvent } from '../history/history.js';

/** ZooKeeper: ZxidUtils.getEpochFromZxid — the high 32 bits. */
export function epochOfZxid(zxid: bigint): number {
  return Number(zxid >> 32n);
}

export interface Delivery {
  server: number;
  zxid: bigint;
  fingerprint: string;
  atMs: number;
  /** Position in the event list: "before" means a smaller index. */
  index: number;
}

/** One life of one server: from a (re)start, deliveries run on from its snapshot `fromZxid`. */
export interface Incarnation {
  server: number;
  incarnation: number;
  fromZxid: bigint;
  deliveries: Delivery[];
  /** Event index at which this life first established each epoch. */
  establishedAt: Map<number, number>;
  /** Event index of this life's first proposal in each epoch. */
  firstProposalAt: Map<number, number>;
}

export interface Establishment {
  server: number;
  incarnation: number;
  epoch: number;
  atMs: number;
  life: Incarnation;
}

/** The run, indexed once for every rule. */
export interface Run {
  incarnations: Incarnation[];
  /** The life of each event, by event index. */
  lifeOf: Incarnation[];
  establishments: Establishment[];
  /** Per epoch, the zxids in the order they were first proposed; and each one's place there. */
  proposalOrder: Map<number, bigint[]>;
  proposalIndex: Map<bigint, number>;
  /** Every zxid anyone delivered, ascending: the run's committed sequence. */
  committed: bigint[];
  /** Who delivered each zxid first, to name a witness in messages. */
  firstDelivery: Map<bigint, Delivery>;
}

export function indexRun(events: readonly ServerEvent[]): Run {
  const lives = new Lives();
  const run: Run = {
    incarnations: lives.all,
    lifeOf: [],
    establishments: [],
    proposalOrder: new Map(),
    proposalIndex: new Map(),
    committed: [],
    firstDelivery: new Map(),
  };
  for (let index = 0; index < events.length; index += 1) {
    const e = events[index] as ServerEvent;
    const life = lives.of(e.server, e.incarnation);
    run.lifeOf.push(life);
    if (e.type === 'started') life.fromZxid = e.fromZxid;
    else if (e.type === 'established') {
      const { server, incarnation, epoch, atMs } = e;
      run.establishments.push({ server, incarnation, epoch, atMs, life });
      if (!life.establishedAt.has(e.epoch)) life.establishedAt.set(e.epoch, index);
    } else if (e.type === 'delivered') {
      const { server, zxid, fingerprint, atMs } = e;
      const delivery: Delivery = { server, zxid, fingerprint, atMs, index };
      life.deliveries.push(delivery);
      if (!run.firstDelivery.has(zxid)) run.firstDelivery.set(zxid, delivery);
    } else {
      indexProposal(run, life, e.zxid, index);
    }
  }
  run.committed = [...run.firstDelivery.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return run;
}

function indexProposal(run: Run, life: Incarnation, zxid: bigint, index: number): void {
  const epoch = epochOfZxid(zxid);
  if (!life.firstProposalAt.has(epoch)) life.firstProposalAt.set(epoch, index);
  if (run.proposalIndex.has(zxid)) return;
  let order = run.proposalOrder.get(epoch);
  if (order === undefined) {
    order = [];
    run.proposalOrder.set(epoch, order);
  }
  run.proposalIndex.set(zxid, order.push(zxid) - 1);
}

/** Server lives by server and incarnation number, in the order they first appear. */
class Lives {
  readonly all: Incarnation[] = [];
  private readonly byServer = new Map<number, Map<number, Incarnation>>();

  of(server: number, incarnation: number): Incarnation {
    let ofServer = this.byServer.get(server);
    if (ofServer === undefined) {
      ofServer = new Map();
      this.byServer.set(server, ofServer);
    }
    let life = ofServer.get(incarnation);
    if (life === undefined) {
      life = {
        server,
        incarnation,
        fromZxid: 0n,
        deliveries: [],
        establishedAt: new Map(),
        firstProposalAt: new Map(),
      };
      ofServer.set(incarnation, life);
      this.all.push(life);
    }
    return life;
  }
}

/** Where each zxid first appears in a life's deliveries (built only for the lives that need it). */
export function firstPositions(life: Incarnation): Map<bigint, number> {
  const firstAt = new Map<bigint, number>();
  life.deliveries.forEach((d, at) => {
    if (!firstAt.has(d.zxid)) firstAt.set(d.zxid, at);
  });
  return firstAt;
}
