import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ServerEvent } from '../history/history.js';
import {
  checkZabInvariants,
  describeServerEvent,
  epochOfZxid,
  formatZxid,
  zabViolationsPerRuleMax,
} from './zab-invariants.js';

const zx = (epoch: number, counter: number): bigint => (BigInt(epoch) << 32n) | BigInt(counter);
const fp = (zxid: bigint): string => `txn-${zxid.toString(16)}`;

type Life = { server: number; incarnation: number };
const life = (server: number, incarnation = 0): Life => ({ server, incarnation });

/** Writes server events in order, one virtual millisecond apart. */
class Log {
  readonly events: ServerEvent[] = [];

  start(who: Life, fromZxid = 0n): this {
    this.events.push({ type: 'started', atMs: this.events.length + 1, ...who, fromZxid });
    return this;
  }
  establish(who: Life, epoch: number): this {
    this.events.push({ type: 'established', atMs: this.events.length + 1, ...who, epoch });
    return this;
  }
  propose(who: Life, zxid: bigint, fingerprint = fp(zxid)): this {
    const atMs = this.events.length + 1;
    this.events.push({ type: 'proposed', atMs, ...who, zxid, fingerprint });
    return this;
  }
  deliver(who: Life | Life[], zxids: bigint | bigint[], print?: string): this {
    for (const one of Array.isArray(who) ? who : [who]) {
      for (const zxid of Array.isArray(zxids) ? zxids : [zxids]) {
        const [atMs, fingerprint] = [this.events.length + 1, print ?? fp(zxid)];
        this.events.push({ type: 'delivered', atMs, ...one, zxid, fingerprint });
      }
    }
    return this;
  }
}

const [s1, s2, s3] = [life(1), life(2), life(3)];
const all = [s1, s2, s3];

/** Three servers; server 1 leads epoch 1 (two txns), server 2 leads epoch 2 (one txn). */
function healthy(): Log {
  return new Log()
    .start(s1)
    .start(s2)
    .start(s3)
    .establish(s1, 1)
    .propose(s1, zx(1, 1))
    .propose(s1, zx(1, 2))
    .deliver(all, [zx(1, 1), zx(1, 2)])
    .establish(s2, 2)
    .propose(s2, zx(2, 1))
    .deliver(all, zx(2, 1));
}

/** Server 1 establishes epoch 1 and proposes `txns` txns; nobody has delivered yet. */
function epochOne(txns: number): Log {
  const log = new Log().establish(s1, 1);
  for (let counter = 1; counter <= txns; counter += 1) log.propose(s1, zx(1, counter));
  return log;
}

function rulesOf(events: readonly ServerEvent[]): string[] {
  return checkZabInvariants(events).map((v) => v.message.split(':')[0] ?? '');
}

describe('checkZabInvariants accepts valid runs', () => {
  test('accepts a healthy run with two epochs', () => {
    expect(checkZabInvariants(healthy().events)).toEqual([]);
  });

  test('accepts a restarted follower that re-delivers the txns above its snapshot', () => {
    const log = healthy().start(life(3, 1), zx(1, 1));
    log.deliver(life(3, 1), [zx(1, 2), zx(2, 1)]);
    expect(checkZabInvariants(log.events)).toEqual([]);
  });

  test('accepts a new leader whose older txns are inside its restored snapshot', () => {
    const log = healthy().start(life(3, 1), zx(2, 1)).establish(life(3, 1), 3);
    log.propose(life(3, 1), zx(3, 1)).deliver(all.slice(0, 2), zx(3, 1));
    expect(checkZabInvariants(log.events)).toEqual([]);
  });

  test('accepts a proposed txn that no server ever delivered', () => {
    const log = healthy().propose(s2, zx(2, 2));
    expect(checkZabInvariants(log.events)).toEqual([]);
  });
});

const cases: { name: string; rule: string; log: () => Log; mentions: string[] }[] = [
  {
    name: 'two servers establish the same epoch',
    rule: 'Leadership',
    log: () => healthy().establish(s3, 2),
    mentions: ['epoch 2', 'server 2 (incarnation 0)', 'server 3 (incarnation 0)'],
  },
  {
    name: 'the same server re-establishes its epoch after a restart',
    rule: 'Leadership',
    log: () => healthy().start(life(2, 1), zx(2, 1)).establish(life(2, 1), 2),
    mentions: ['epoch 2', 'server 2 (incarnation 1)'],
  },
  {
    name: 'a server delivers a txn nobody proposed',
    rule: 'Integrity',
    log: () => healthy().deliver(all, zx(2, 2)),
    mentions: ['0x200000002', 'no leader had proposed'],
  },
  {
    name: 'a server delivers a txn before it was proposed',
    rule: 'Integrity',
    log: () => healthy().deliver(s1, zx(2, 2)).propose(s2, zx(2, 2)),
    mentions: ['server 1 (incarnation 0)', '0x200000002'],
  },
  {
    name: 'a delivered fingerprint differs from the proposed one',
    rule: 'Integrity',
    log: () => healthy().propose(s2, zx(2, 2)).deliver(all, zx(2, 2), 'forged'),
    mentions: ['fp=forged', `fp=${fp(zx(2, 2))}`],
  },
  {
    name: 'a server proposes in an epoch it did not establish',
    rule: 'Integrity',
    log: () => healthy().propose(s3, zx(2, 2)),
    mentions: ['server 3 (incarnation 0)', 'epoch 2'],
  },
  {
    name: 'two servers deliver different txns at one zxid',
    rule: 'Agreement',
    log: () =>
      healthy()
        .propose(s2, zx(2, 2), 'a')
        .propose(s2, zx(2, 2), 'b')
        .deliver(s1, zx(2, 2), 'a')
        .deliver(s3, zx(2, 2), 'b'),
    mentions: ['0x200000002', 'fp=a', 'fp=b', 'server 3 (incarnation 0)'],
  },
  {
    name: 'a server delivers zxids out of order',
    rule: 'TotalOrder',
    log: () =>
      healthy()
        .propose(s2, zx(2, 2))
        .propose(s2, zx(2, 3))
        .deliver(s1, [zx(2, 3), zx(2, 2)]),
    mentions: ['server 1 (incarnation 0)', 'delivered 0x200000002', 'after 0x200000003'],
  },
  {
    name: 'a server delivers the same zxid twice in one incarnation',
    rule: 'TotalOrder',
    log: () => healthy().deliver(s3, zx(2, 1)),
    mentions: ['server 3 (incarnation 0)', 'delivered 0x200000001', 'after 0x200000001'],
  },
  {
    name: 'two servers deliver shared txns in different orders',
    rule: 'TotalOrder',
    log: () =>
      epochOne(2)
        .deliver(s1, [zx(1, 1), zx(1, 2)])
        .deliver(s2, [zx(1, 2), zx(1, 1)]),
    mentions: ['the other way round'],
  },
  {
    name: 'a server skips a txn that others delivered',
    rule: 'PrefixConsistency',
    log: () =>
      epochOne(3)
        .deliver(s1, [zx(1, 1), zx(1, 2), zx(1, 3)])
        .deliver(s2, [zx(1, 1), zx(1, 3)]),
    mentions: ['server 2 (incarnation 0)', 'skipping 0x100000002', 'server 1'],
  },
  {
    name: 'a restarted server skips the txn right after its snapshot',
    rule: 'PrefixConsistency',
    log: () => healthy().start(life(3, 1), zx(1, 1)).deliver(life(3, 1), zx(2, 1)),
    mentions: ['server 3 (incarnation 1)', 'snapshot 0x100000001', 'skipping 0x100000002'],
  },
  {
    name: 'a restarted server re-delivers a txn inside its snapshot',
    rule: 'PrefixConsistency',
    log: () =>
      healthy()
        .start(life(3, 1), zx(1, 2))
        .deliver(life(3, 1), [zx(1, 2), zx(2, 1)]),
    mentions: ['delivered 0x100000002', 'up to 0x100000002'],
  },
  {
    name: 'a server delivers a later proposal of an epoch without the earlier one',
    rule: 'LocalPrimaryOrder',
    log: () => healthy().propose(s2, zx(2, 2)).propose(s2, zx(2, 3)).deliver(s3, zx(2, 3)),
    mentions: ['server 3 (incarnation 0)', '0x200000003', '0x200000002', 'epoch 2'],
  },
  {
    name: 'a new leader lacks an older txn delivered before it was elected',
    rule: 'PrimaryIntegrity',
    log: () =>
      epochOne(2)
        .deliver(s1, [zx(1, 1), zx(1, 2)])
        .deliver(s2, zx(1, 1))
        .establish(s2, 2)
        .propose(s2, zx(2, 1)),
    mentions: ['server 2 (incarnation 0)', 'epoch 2', 'not delivered 0x100000002'],
  },
  {
    name: 'a new leader lacks an older txn that a server delivers later in the run',
    rule: 'PrimaryIntegrity',
    log: () =>
      epochOne(2)
        .deliver([s1, s2], zx(1, 1))
        .establish(s2, 2)
        .propose(s2, zx(2, 1))
        .deliver(s2, zx(2, 1))
        .deliver(s3, [zx(1, 1), zx(1, 2)]),
    mentions: ['server 2 (incarnation 0)', '0x100000002', 'server 3'],
  },
  {
    name: 'a new leader delivers an older txn only after proposing in its epoch',
    rule: 'PrimaryIntegrity',
    log: () =>
      epochOne(1)
        .deliver(s1, zx(1, 1))
        .establish(s2, 2)
        .propose(s2, zx(2, 1))
        .deliver(s2, [zx(1, 1), zx(2, 1)]),
    mentions: ['server 2 (incarnation 0)', 'not delivered 0x100000001'],
  },
];

describe('checkZabInvariants rejects broken runs', () => {
  test.each(cases)('$rule: rejects a run where $name', ({ rule, log, mentions }) => {
    const violations = checkZabInvariants(log().events);
    const ours = violations.filter((v) => v.message.startsWith(`${rule}: `));
    expect(ours.length).toBeGreaterThan(0);
    for (const v of violations) expect(v.checker).toBe('zab');
    const text = ours.map((v) => v.message).join('\n');
    for (const mention of mentions) expect(text).toContain(mention);
  });

  test('reports at most the cap per rule and counts the rest', () => {
    const log = healthy();
    for (let i = 0; i < zabViolationsPerRuleMax + 5; i += 1) log.deliver(s1, zx(9, i + 1));
    const integrity = checkZabInvariants(log.events).filter((v) => /^Integrity/.test(v.message));
    expect(integrity).toHaveLength(zabViolationsPerRuleMax + 1);
    expect(integrity.at(-1)?.message).toBe('Integrity: 5 more violations not shown');
  });
});

describe('describeServerEvent and zxid helpers', () => {
  test('prints each kind of event on one line with hex zxids', () => {
    const who = life(2, 1);
    const log = new Log().start(who, zx(1, 5)).establish(who, 3).propose(who, zx(3, 1), 'x');
    expect(log.deliver(s1, zx(3, 1), 'x').events.map(describeServerEvent)).toEqual([
      '1ms s2#1 started from 0x100000005',
      '2ms s2#1 established epoch 3',
      '3ms s2#1 proposed 0x300000001 fp=x',
      '4ms s1#0 delivered 0x300000001 fp=x',
    ]);
  });

  test('splits a zxid into its epoch', () => {
    expect(epochOfZxid(zx(7, 0xffffffff))).toBe(7);
    expect(formatZxid(zx(1, 10))).toBe('0x10000000a');
  });
});

// A valid run drawn at random: epochs with a leader each, txns proposed in order, followers
// catching up on the committed prefix in random bursts, random restarts from random snapshots.
const servers = 3;
const txnArb = fc.record({
  catchUp: fc.array(fc.boolean(), { minLength: servers, maxLength: servers }),
  restart: fc.option(fc.integer({ min: 1, max: servers }), { nil: null }),
  snapshotPercent: fc.nat(100),
});
const planArb = fc.array(
  fc.record({
    leader: fc.integer({ min: 1, max: servers }),
    restartLeader: fc.boolean(),
    snapshotPercent: fc.nat(100),
    txns: fc.array(txnArb, { maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 5 },
);
type Plan = typeof planArb extends fc.Arbitrary<infer T> ? T : never;

function validRun(plan: Plan): ServerEvent[] {
  const log = new Log();
  const proposed: bigint[] = [];
  const state = [0, 1, 2, 3].map((server) => ({ who: life(server), delivered: 0 }));
  const at = (server: number) => state[server] ?? { who: life(server), delivered: 0 };
  const restart = (server: number, percent: number): void => {
    const s = at(server);
    const snapshot = Math.floor((s.delivered * percent) / 100);
    s.who = life(server, s.who.incarnation + 1);
    s.delivered = snapshot;
    log.start(s.who, proposed[snapshot - 1] ?? 0n);
  };
  const catchUp = (server: number): void => {
    const s = at(server);
    log.deliver(s.who, proposed.slice(s.delivered));
    s.delivered = proposed.length;
  };
  for (let server = 1; server <= servers; server += 1) log.start(at(server).who);
  plan.forEach((epochPlan, i) => {
    const leader = epochPlan.leader;
    if (epochPlan.restartLeader) restart(leader, epochPlan.snapshotPercent);
    catchUp(leader);
    log.establish(at(leader).who, i + 1);
    epochPlan.txns.forEach((txn, counter) => {
      const zxid = zx(i + 1, counter + 1);
      log.propose(at(leader).who, zxid);
      proposed.push(zxid);
      if (txn.restart !== null && txn.restart !== leader) restart(txn.restart, txn.snapshotPercent);
      txn.catchUp.forEach((yes, s) => yes && catchUp(s + 1));
    });
  });
  return log.events;
}

type Delivered = Extract<ServerEvent, { type: 'delivered' }>;
const isDelivered = (e: ServerEvent): e is Delivered => e.type === 'delivered';
const sameLife = (a: ServerEvent, b: ServerEvent): boolean =>
  a.server === b.server && a.incarnation === b.incarnation;

/** Indices of deliveries followed, in the same incarnation, by another delivery. */
function followedDeliveries(events: readonly ServerEvent[]): { a: Delivered; i: number }[] {
  const out: { a: Delivered; i: number }[] = [];
  events.forEach((a, i) => {
    if (!isDelivered(a)) return;
    if (events.some((b, k) => k > i && isDelivered(b) && sameLife(a, b))) out.push({ a, i });
  });
  return out;
}

describe('checkZabInvariants over random runs', () => {
  test('accepts every valid run with random restarts', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(checkZabInvariants(validRun(plan))).toEqual([]);
      }),
    );
  });

  test('rejects a run with two adjacent deliveries of one incarnation swapped', () => {
    fc.assert(
      fc.property(planArb, fc.nat(), (plan, pick) => {
        const events = validRun(plan);
        const pairs = followedDeliveries(events);
        fc.pre(pairs.length > 0);
        const { a, i } = pairs[pick % pairs.length] ?? { a: null, i: 0 };
        const j = events.findIndex((b, k) => k > i && isDelivered(b) && sameLife(b, a ?? b));
        const b = events[j];
        if (a === null || b === undefined || !isDelivered(b)) return;
        events[i] = { ...a, zxid: b.zxid, fingerprint: b.fingerprint };
        events[j] = { ...b, zxid: a.zxid, fingerprint: a.fingerprint };
        expect(rulesOf(events)).toContain('TotalOrder');
      }),
    );
  });

  test('rejects a run with one delivery dropped from the middle of an incarnation', () => {
    fc.assert(
      fc.property(planArb, fc.nat(), (plan, pick) => {
        const events = validRun(plan);
        // Only a txn someone else also delivered stays committed once this delivery is gone.
        const droppable = followedDeliveries(events).filter(({ a }) =>
          events.some((b) => isDelivered(b) && !sameLife(a, b) && b.zxid === a.zxid),
        );
        fc.pre(droppable.length > 0);
        const { i } = droppable[pick % droppable.length] ?? { i: 0 };
        events.splice(i, 1);
        expect(rulesOf(events).length).toBeGreaterThan(0);
      }),
    );
  });

  test('rejects a run where one delivery carries a different fingerprint', () => {
    fc.assert(
      fc.property(planArb, fc.nat(), (plan, pick) => {
        const events = validRun(plan);
        const deliveries = events.flatMap((e, i) => (isDelivered(e) ? [i] : []));
        fc.pre(deliveries.length > 0);
        const i = deliveries[pick % deliveries.length] ?? 0;
        const e = events[i];
        if (e === undefined || !isDelivered(e)) return;
        events[i] = { ...e, fingerprint: 'forged' };
        expect(rulesOf(events)).toContain('Integrity');
      }),
    );
  });
});
