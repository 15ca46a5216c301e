// The ZAB checker: reads what the servers did (deliveries, proposals, leaderships, restarts) and
// checks the invariants ZooKeeper's TLA+ protocol spec names (zookeeper-specifications/
// protocol-spec/Zab.tla). It sees only ServerEvents; each failure names servers, epochs and zxids.

import type { ServerEvent, Violation } from '../history/history.js';
import { epochOfZxid, firstPositions, indexRun } from './zab-run-index.js';
import type { Delivery, Establishment, Incarnation, Run } from './zab-run-index.js';

export { epochOfZxid };

const checker = 'zab';

/** At most this many violations per rule: one broken txn should not bury the report. */
export const zabViolationsPerRuleMax = 20;

/** A zxid as ZooKeeper prints it (hex; the epoch is the high 32 bits). */
export function formatZxid(zxid: bigint): string {
  return `0x${zxid.toString(16)}`;
}

/** One line per server event, for traces and messages. */
export function describeServerEvent(e: ServerEvent): string {
  const who = `s${e.server}#${e.incarnation}`;
  switch (e.type) {
    case 'delivered':
    case 'proposed':
      return `${e.atMs}ms ${who} ${e.type} ${formatZxid(e.zxid)} fp=${e.fingerprint}`;
    case 'established':
      return `${e.atMs}ms ${who} established epoch ${e.epoch}`;
    case 'started':
      return `${e.atMs}ms ${who} started from ${formatZxid(e.fromZxid)}`;
  }
}

/** Collects violations, at most `zabViolationsPerRuleMax` per rule, then says how many more. */
class RuleReport {
  private readonly counts = new Map<string, number>();
  private readonly violations: Violation[] = [];

  add(rule: string, message: string): void {
    const count = (this.counts.get(rule) ?? 0) + 1;
    this.counts.set(rule, count);
    if (count <= zabViolationsPerRuleMax) {
      this.violations.push({ checker, message: `${rule}: ${message}` });
    }
  }

  finish(): Violation[] {
    const hidden = [...this.counts].filter(([, count]) => count > zabViolationsPerRuleMax);
    const more = (rule: string, count: number): string =>
      `${rule}: ${count - zabViolationsPerRuleMax} more violations not shown`;
    return [...this.violations, ...hidden.map(([r, c]) => ({ checker, message: more(r, c) }))];
  }
}

function who(server: number, incarnation: number): string {
  return `server ${server} (incarnation ${incarnation})`;
}

/** Index of the first element of ascending `sorted` greater than `zxid`. */
function upperBound(sorted: readonly bigint[], zxid: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] ?? 0n) <= zxid) low = mid + 1;
    else high = mid;
  }
  return low;
}

function witness(run: Run, zxid: bigint): string {
  const first = run.firstDelivery.get(zxid);
  return first === undefined ? 'nobody' : `server ${first.server} at ${first.atMs}ms`;
}

// ZooKeeper: Zab.tla Leadership — at most one established leader per epoch.
function checkLeadership(run: Run, report: RuleReport): void {
  const leaders = new Map<number, Establishment>();
  for (const e of run.establishments) {
    const first = leaders.get(e.epoch);
    if (first === undefined) {
      leaders.set(e.epoch, e);
      continue;
    }
    report.add(
      'Leadership',
      `epoch ${e.epoch} established by ${who(first.server, first.incarnation)} at ` +
        `${first.atMs}ms and again by ${who(e.server, e.incarnation)} at ${e.atMs}ms`,
    );
  }
}

// ZooKeeper: Zab.tla Integrity — a delivered txn was broadcast by a primary; here also: only by
// the incarnation that established the txn's epoch, and before anyone delivered it.
function checkIntegrity(events: readonly ServerEvent[], run: Run, report: RuleReport): void {
  /** Per zxid, the distinct fingerprints proposed for it so far (almost always one). */
  const proposals = new Map<bigint, string[]>();
  const reported = new Set<string>();
  events.forEach((e, index) => {
    if (e.type === 'proposed') {
      const epoch = epochOfZxid(e.zxid);
      const life = run.lifeOf[index] as Incarnation;
      const establishedAt = life.establishedAt.get(epoch);
      const isEstablished = establishedAt !== undefined && establishedAt < index;
      const unestablished = isEstablished ? '' : `proposed:${e.server}/${e.incarnation}/${epoch}`;
      if (!isEstablished && !reported.has(unestablished)) {
        reported.add(unestablished);
        report.add(
          'Integrity',
          `${who(e.server, e.incarnation)} proposed ${formatZxid(e.zxid)} at ${e.atMs}ms ` +
            `without having established epoch ${epoch}`,
        );
      }
      const fingerprints = proposals.get(e.zxid);
      if (fingerprints === undefined) proposals.set(e.zxid, [e.fingerprint]);
      else if (!fingerprints.includes(e.fingerprint)) fingerprints.push(e.fingerprint);
    }
    if (e.type !== 'delivered') return;
    const other = proposals.get(e.zxid) ?? [];
    if (other.includes(e.fingerprint)) return;
    const pair = `delivered:${e.zxid}/${e.fingerprint}`;
    if (reported.has(pair)) return;
    reported.add(pair);
    const why =
      other.length === 0
        ? 'no leader had proposed that zxid'
        : `it was proposed as ${other.map((f) => `fp=${f}`).join(', ')}`;
    report.add(
      'Integrity',
      `${who(e.server, e.incarnation)} delivered ${formatZxid(e.zxid)} fp=${e.fingerprint} ` +
        `at ${e.atMs}ms but ${why}`,
    );
  });
}

// ZooKeeper: Zab.tla Agreement / PrefixConsistency — one txn per zxid on every server.
function checkAgreement(events: readonly ServerEvent[], run: Run, report: RuleReport): void {
  const reported = new Set<string>();
  for (const e of events) {
    if (e.type !== 'delivered') continue;
    const first = run.firstDelivery.get(e.zxid);
    if (first === undefined || first.fingerprint === e.fingerprint) continue;
    const pair = `${e.zxid}/${e.fingerprint}`;
    if (reported.has(pair)) continue;
    reported.add(pair);
    report.add(
      'Agreement',
      `${formatZxid(e.zxid)} delivered as fp=${first.fingerprint} by server ${first.server} ` +
        `at ${first.atMs}ms but as fp=${e.fingerprint} by ${who(e.server, e.incarnation)} ` +
        `at ${e.atMs}ms`,
    );
  }
}

// ZooKeeper: Zab.tla TotalOrder / GlobalPrimaryOrder — each life delivers zxids strictly
// increasing, and any two lives deliver the zxids they share in the same order.
function checkTotalOrder(run: Run, report: RuleReport): void {
  const unordered = new Set<Incarnation>();
  for (const life of run.incarnations) {
    let previous: Delivery | null = null;
    for (const d of life.deliveries) {
      if (previous !== null && d.zxid <= previous.zxid) {
        report.add(
          'TotalOrder',
          `${who(life.server, life.incarnation)} delivered ${formatZxid(d.zxid)} at ` +
            `${d.atMs}ms after ${formatZxid(previous.zxid)} at ${previous.atMs}ms`,
        );
        unordered.add(life);
      }
      previous = d;
    }
  }
  // Two strictly increasing lives agree on every pair, so only an unordered one can disagree.
  run.incarnations.forEach((a, i) => {
    for (const b of run.incarnations.slice(i + 1)) {
      if (unordered.has(a) || unordered.has(b)) comparePairOrder({ a, b }, report);
    }
  });
}

function comparePairOrder(pair: { a: Incarnation; b: Incarnation }, report: RuleReport): void {
  let last: { zxid: bigint; at: number } | null = null;
  const firstAt = firstPositions(pair.b);
  for (const d of pair.a.deliveries) {
    const at = firstAt.get(d.zxid);
    if (at === undefined) continue;
    if (last !== null && at < last.at) {
      report.add(
        'TotalOrder',
        `${who(pair.a.server, pair.a.incarnation)} delivered ${formatZxid(last.zxid)} before ` +
          `${formatZxid(d.zxid)} but ${who(pair.b.server, pair.b.incarnation)} delivered them ` +
          `the other way round`,
      );
      return;
    }
    last = { zxid: d.zxid, at };
  }
}

// ZooKeeper: Zab.tla PrefixConsistency — a life delivers a contiguous run of the committed
// sequence starting right after its snapshot: it never skips a txn someone else delivered.
function checkPrefix(run: Run, report: RuleReport): void {
  for (const life of run.incarnations) {
    const name = who(life.server, life.incarnation);
    let next = upperBound(run.committed, life.fromZxid);
    let previous: bigint | null = null;
    for (const d of life.deliveries) {
      if (d.zxid <= life.fromZxid) {
        report.add(
          'PrefixConsistency',
          `${name} delivered ${formatZxid(d.zxid)} at ${d.atMs}ms although its snapshot ` +
            `already holds everything up to ${formatZxid(life.fromZxid)}`,
        );
        continue;
      }
      if (previous !== null && d.zxid <= previous) continue; // TotalOrder reports it.
      const at = upperBound(run.committed, d.zxid) - 1;
      const skipped = run.committed[next];
      if (at > next && skipped !== undefined) {
        const after =
          previous === null ? `its snapshot ${formatZxid(life.fromZxid)}` : formatZxid(previous);
        const more = at - next > 1 ? ` and ${at - next - 1} more` : '';
        report.add(
          'PrefixConsistency',
          `${name} delivered ${formatZxid(d.zxid)} at ${d.atMs}ms right after ${after}, ` +
            `skipping ${formatZxid(skipped)} (delivered by ${witness(run, skipped)})${more}`,
        );
      }
      next = at + 1;
      previous = d.zxid;
    }
  }
}

// ZooKeeper: Zab.tla LocalPrimaryOrder — if a primary broadcast a before b, whoever delivers b
// delivered a before it (here: earlier in the same life, or a is inside its snapshot).
function checkLocalPrimaryOrder(run: Run, report: RuleReport): void {
  for (const life of run.incarnations) {
    const delivered = new Set<bigint>();
    const satisfied = new Map<number, number>();
    for (const d of life.deliveries) {
      const epoch = epochOfZxid(d.zxid);
      const order = run.proposalOrder.get(epoch) ?? [];
      const k = run.proposalIndex.get(d.zxid);
      delivered.add(d.zxid);
      if (k === undefined) continue; // Integrity reports a txn nobody proposed.
      let p = satisfied.get(epoch) ?? 0;
      while (p < k) {
        const a = order[p];
        if (a === undefined || (a > life.fromZxid && !delivered.has(a))) break;
        p += 1;
      }
      const missing = order[p];
      if (p < k && missing !== undefined) {
        report.add(
          'LocalPrimaryOrder',
          `${who(life.server, life.incarnation)} delivered ${formatZxid(d.zxid)} at ` +
            `${d.atMs}ms without first delivering ${formatZxid(missing)}, which the leader ` +
            `of epoch ${epoch} proposed before it`,
        );
        p = k;
      }
      satisfied.set(epoch, p);
    }
  }
}

// ZooKeeper: Zab.tla PrimaryIntegrity — a leader of epoch e holds, before it broadcasts in e,
// every txn of an older epoch that any server delivers at any time in the run.
function checkPrimaryIntegrity(run: Run, report: RuleReport): void {
  for (const e of run.establishments) {
    const life = e.life;
    const cut = life.firstProposalAt.get(e.epoch) ?? Number.POSITIVE_INFINITY;
    const held = new Set(life.deliveries.filter((d) => d.index < cut).map((d) => d.zxid));
    const missing: bigint[] = [];
    for (const z of run.committed) {
      if (epochOfZxid(z) >= e.epoch) break;
      if (z > life.fromZxid && !held.has(z)) missing.push(z);
    }
    const first = missing[0];
    if (first === undefined) continue;
    const more = missing.length > 1 ? ` and ${missing.length - 1} more` : '';
    report.add(
      'PrimaryIntegrity',
      `${who(e.server, e.incarnation)} established epoch ${e.epoch} at ${e.atMs}ms but had ` +
        `not delivered ${formatZxid(first)} (delivered by ${witness(run, first)})${more} ` +
        `before proposing in that epoch`,
    );
  }
}

/**
 * Checks the ZAB invariants over a run's server events (in virtual-time order). zxid = epoch << 32
 * | counter; each restart starts a new incarnation that delivers from after its `fromZxid`.
 */
export function checkZabInvariants(events: readonly ServerEvent[]): Violation[] {
  const run = indexRun(events);
  const report = new RuleReport();
  checkLeadership(run, report);
  checkIntegrity(events, run, report);
  checkAgreement(events, run, report);
  checkTotalOrder(run, report);
  checkPrefix(run, report);
  checkLocalPrimaryOrder(run, report);
  checkPrimaryIntegrity(run, report);
  return report.finish();
}
