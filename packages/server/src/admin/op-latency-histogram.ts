// Request latency by operation, observed once per answered request. prom-client's own
// `observe({ op }, v)` hashes the label object and looks its bucket up by a number turned into a
// string, every call: about a tenth of a standalone server's CPU under a read load. Here a
// request costs a Map lookup by op code, a short bucket scan and two additions; the exposition
// (`/metrics`) is built from the same counts in prom-client's layout, so it reads as before.

import { Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** One op's counts: per bucket (not cumulative), the sum and the count. */
interface OpSeries {
  /** Shared with prom-client's exposition as the sample's own labels. */
  readonly labels: { op: string };
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A sample as prom-client's Registry formats it (its Histogram's export layout). */
interface Sample {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels: { op: string };
  metricName: string;
  exemplar?: null;
}

export class OpLatencyHistogram extends Histogram<'op'> {
  /** In first-observed order, as prom-client keeps label sets. */
  private readonly series = new Map<number, OpSeries>();
  private readonly bounds: readonly number[];
  private readonly described: { name: string; help: string };

  constructor(
    config: { name: string; help: string; buckets: readonly number[]; registry: Registry },
    private readonly opName: (opCode: number) => string,
  ) {
    // Not registered by the base class: the registry must see this object, with its own `get`.
    super({ name: config.name, help: config.help, labelNames: ['op'], registers: [] });
    this.bounds = config.buckets;
    this.described = { name: config.name, help: config.help };
    config.registry.registerMetric(this);
  }

  /** One answered request of `opCode` that took `seconds`. */
  record(opCode: number, seconds: number): void {
    let series = this.series.get(opCode);
    if (series === undefined) {
      const labels = { op: this.opName(opCode) };
      series = { labels, counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(opCode, series);
    }
    series.sum += seconds;
    series.count += 1;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index += 1) {
      if (seconds <= (bounds[index] ?? 0)) {
        series.counts[index] = (series.counts[index] ?? 0) + 1;
        return;
      }
    }
  }

  override reset(): void {
    // The base constructor calls this too, before this class's fields are set.
    (this.series as Map<number, OpSeries> | undefined)?.clear();
  }

  /**
   * What the Registry formats as text: prom-client's Histogram method of that name, which its
   * `get` (the JSON form) calls too and then merges each sample's op into its labels.
   */
  async getForPromString() {
    const { name, help } = this.described;
    return { name, help, type: 'histogram', values: this.samples(), aggregator: 'sum' };
  }

  /** Per op: cumulative buckets, +Inf, _sum and _count. */
  private samples(): Sample[] {
    const samples: Sample[] = [];
    const { name } = this.described;
    const bucketName = `${name}_bucket`;
    // prom-client's layout to the letter (its JSON form shows it): no exemplars on buckets.
    const exemplar = null;
    for (const series of this.series.values()) {
      const sharedLabels = series.labels;
      let cumulative = 0;
      for (const [index, bound] of this.bounds.entries()) {
        cumulative += series.counts[index] ?? 0;
        const labels = { le: bound };
        samples.push({ value: cumulative, labels, sharedLabels, metricName: bucketName, exemplar });
      }
      const inf = { le: '+Inf' };
      const infSample = { labels: inf, sharedLabels, metricName: bucketName, exemplar };
      samples.push({ value: series.count, ...infSample });
      const sumName = `${name}_sum`;
      samples.push({ value: series.sum, labels: {}, sharedLabels, metricName: sumName });
      const countName = `${name}_count`;
      samples.push({ value: series.count, labels: {}, sharedLabels, metricName: countName });
    }
    return samples;
  }
}
