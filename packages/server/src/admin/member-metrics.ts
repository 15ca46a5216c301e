// One member's Prometheus metrics (prom-client), served at the admin port's `/metrics`. Each
// member has its own Registry: startCluster runs several members in one process, and the global
// default registry would mix them. The runtime feeds the events; gauges read the member's
// state when scraped.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OpCode } from '@zoo/client/protocol';
import { OpLatencyHistogram } from './op-latency-histogram.js';

/** The member's state the gauges read at scrape time. */
export interface MemberGaugeSource {
  outstandingRequests(): number;
  znodes(): number;
  watches(): number;
  sessions(): number;
  connections(): number;
  isLeader(): boolean;
  lastZxid(): bigint;
}

export type LearnerSyncKind = 'diff' | 'trunc' | 'snap';

/** A metric's label names and, for a histogram, buckets other than the latency ones. */
interface Extra<L extends string> {
  labelNames?: readonly L[];
  buckets?: number[];
}

// Requests on loopback take well under a millisecond to a few; disk syncs up to seconds.
const latencyBucketsSeconds = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const electionBucketsSeconds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

const opNames = new Map<number, string>(Object.entries(OpCode).map(([name, code]) => [code, name]));

export class MemberMetrics {
  readonly registry = new Registry();
  private readonly requestSeconds: OpLatencyHistogram;
  private readonly fsyncSeconds: Histogram;
  private readonly proposals: Counter;
  private readonly commitSeconds: Histogram;
  private readonly elections: Counter;
  private readonly electionSeconds: Histogram;
  private readonly learnerSyncs: Counter<'kind'>;

  constructor(serverId: number, source: MemberGaugeSource) {
    this.registry.setDefaultLabels({ server_id: String(serverId) });
    const registers = [this.registry];
    const histogram = <L extends string>(name: string, help: string, extra: Extra<L> = {}) =>
      new Histogram<L>({ name, help, buckets: latencyBucketsSeconds, ...extra, registers });
    const counter = <L extends string>(name: string, help: string, extra: Extra<L> = {}) =>
      new Counter<L>({ name, help, ...extra, registers });
    this.requestSeconds = new OpLatencyHistogram(
      {
        name: 'zoo_request_duration_seconds',
        help: 'Time from a client request arriving to its reply, by operation',
        buckets: latencyBucketsSeconds,
        registry: this.registry,
      },
      (opCode) => opNames.get(opCode) ?? String(opCode),
    );
    this.fsyncSeconds = histogram(
      'zoo_fsync_duration_seconds',
      'Time to make one batch of the txn log durable (its O_DSYNC write)',
    );
    this.proposals = counter('zoo_proposals_total', 'Proposals this member sent as leader');
    this.commitSeconds = histogram(
      'zoo_commit_duration_seconds',
      'Time from a proposal leaving the leader to its commit (leader only)',
    );
    this.elections = counter('zoo_elections_total', 'Leader elections this member took part in');
    this.electionSeconds = histogram(
      'zoo_election_duration_seconds',
      'Time this member spent looking for a leader, per election',
      { buckets: electionBucketsSeconds },
    );
    this.learnerSyncs = counter(
      'zoo_learner_syncs_total',
      'Learners this member synchronised as leader, by kind (diff, trunc, snap)',
      { labelNames: ['kind'] },
    );
    registerGauges(this.registry, source);
  }

  requestAnswered(opCode: number, latencyMs: number): void {
    this.requestSeconds.record(opCode, latencyMs / 1000);
  }

  persisted(durationMs: number): void {
    this.fsyncSeconds.observe(durationMs / 1000);
  }

  proposed(): void {
    this.proposals.inc();
  }

  committed(sinceProposalMs: number): void {
    this.commitSeconds.observe(sinceProposalMs / 1000);
  }

  electionEnded(durationMs: number): void {
    this.elections.inc();
    this.electionSeconds.observe(durationMs / 1000);
  }

  learnerSynced(kind: LearnerSyncKind): void {
    this.learnerSyncs.inc({ kind });
  }

  /** The exposition text, and its content type, for `/metrics`. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}

function registerGauges(registry: Registry, source: MemberGaugeSource): void {
  const gauges: [string, string, () => number][] = [
    [
      'zoo_outstanding_requests',
      'Requests received and not yet answered',
      () => source.outstandingRequests(),
    ],
    ['zoo_znodes', 'Znodes in the tree (the root and /zookeeper included)', () => source.znodes()],
    ['zoo_watches', 'Watches registered by this member’s clients', () => source.watches()],
    ['zoo_sessions', 'Sessions the member tracks', () => source.sessions()],
    ['zoo_connections', 'Open client connections', () => source.connections()],
    ['zoo_is_leader', '1 while this member leads', () => (source.isLeader() ? 1 : 0)],
    ['zoo_last_zxid', 'Last zxid applied (precise to 2^53)', () => Number(source.lastZxid())],
  ];
  for (const [name, help, read] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  }
}
